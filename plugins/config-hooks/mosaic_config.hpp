// mosaic_config - <home>/mosaic.config.json: dotted keys, typed values, get and set.
//
// Keys are dotted paths into nested objects ("agent.name"). Reads never create anything; a set
// takes an advisory lock, re-reads, changes only the keys asked for (keeping every other key
// and their order) and rewrites the file atomically only when something changed.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json_document.hpp"

namespace mosaic::config_hooks {

// <home>/mosaic.config.json
fs::path config_file(const fs::path& mosaic_home);

// "agent.name" -> {"agent", "name"}. Throws mosaic::Error(exit_usage) for an empty key or an
// empty part ("agent..name", ".x", "x.").
JsonPath split_key(const std::string& key);

// The value typed as `config set` documents it: true/false, null, numbers and any JSON text
// parse as JSON; anything else is the string itself. JSON nested too deep or repeating a key
// throws mosaic::Error(exit_usage).
ojson typed_value(const std::string& text);

// The value at `key` in `doc`, std::nullopt when unset. Throws mosaic::Error(exit_usage) naming
// the file and line/column when a parent on the way is not an object.
std::optional<ojson> get_key(const JsonDocument& doc, const std::string& key);

// Sets `key` in `doc.value`, creating parent objects. Returns false when the value was already
// there. Throws mosaic::Error(exit_usage) when a parent on the way is not an object.
bool set_key(JsonDocument& doc, const std::string& key, const ojson& value);

// Loads the file (an empty object when absent) and checks its top level is an object.
JsonDocument load_config(const fs::path& file);

// Every value written as given; all keys are validated before anything is written, and the file
// is left untouched when nothing changes. Returns whether the file changed. A directory on the
// way that others can write is refused (mosaic::Error(exit_refused), support::insecure_directory).
bool set_config_values(const fs::path& file, const std::vector<std::pair<std::string, ojson>>& values);

}  // namespace mosaic::config_hooks
