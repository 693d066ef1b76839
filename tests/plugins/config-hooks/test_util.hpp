// Helpers shared by the config-hooks tests.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace config_hooks_test {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path);                       // "" when missing
void spit(const fs::path& path, const std::string& content);  // creates parents
nlohmann::json read_json(const fs::path& path);                // throws when missing or invalid
bool contains(const std::string& haystack, const std::string& needle);

// A settings.json as a real user has it: permissions, model, env, statusLine and their own
// hooks on the same events Mosaic uses.
std::string realistic_settings();

}  // namespace config_hooks_test
