// json_document - a JSON file read with its key order and its text, so that every error about
// it can name the path and the line/column of the offending value, and a rewrite keeps the
// user's key order.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/support/file.hpp>

namespace mosaic::config_hooks {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

// A path inside a document: object keys and array indices ("3"), outermost first.
using JsonPath = std::vector<std::string>;

struct JsonDocument {
    fs::path path;
    bool exists = false;
    std::string text;  // the bytes read ("" when the file does not exist)
    ojson value;       // the parsed value (an empty object when the file does not exist)

    // Reads `path`. Throws mosaic::Error(exit_usage, "cannot parse '<path>' line L column C:
    // <what>; fix or remove the file") when it exists but is not JSON (empty included), is
    // nested too deep or repeats a key (mosaic/support/json.hpp).
    static JsonDocument load(const fs::path& path);

    // "line L column C" of the value at `at` in `text`, or "" when it cannot be located.
    std::string where(const JsonPath& at) const;

    // Throws mosaic::Error(exit_usage) saying the value at `at` is not `expected`, e.g.
    // "'hooks.PreToolUse' in '/h/settings.json' line 4 column 19 is a string; expected an array".
    [[noreturn]] void wrong_type(const JsonPath& at, const std::string& expected) const;

    // Checks the type at `at` (when present) and returns it; nullptr when absent.
    const ojson* object_at(const ojson& parent, const std::string& key, const JsonPath& at) const;
    const ojson* array_at(const ojson& parent, const std::string& key, const JsonPath& at) const;
    const ojson* string_at(const ojson& parent, const std::string& key, const JsonPath& at) const;
};

// Byte offset of the value at `at` in the JSON `text` (already known to be valid), if present.
std::optional<std::size_t> locate_json_value(const std::string& text, const JsonPath& at);

// "line L column C" (1-based) of byte `offset` in `text`: the SDK's, used here unqualified.
using support::line_column;

// "a.b[2].c" for messages.
std::string display_path(const JsonPath& at);

// The JSON type name used in messages: "an object", "a string", ...
std::string type_phrase(const ojson& value);

// Pretty (2 spaces) with a final newline, written atomically (temp, fsync, rename; the mode of
// an existing file is kept).
void store_json_document(const fs::path& path, const ojson& value, const support::WriteOptions& opts = {});

}  // namespace mosaic::config_hooks
