// manifest.hpp - the <name>.plugin.json format, shared by the host (reader) and the
// mosaic-plugin-manifest tool (writer). Internal to the project; not part of the SDK API.
//
// {
//   "schema": 1,
//   "name": "hello", "library": "hello.so",
//   "abi": {"major": 1, "minor": 0},
//   "version": "1.0.0", "vendor": "Mosaic", "summary": "print a greeting",
//   "commands": [{"name": "hello", "summary": "...", "usage": "..."}],
//   "services": [{"name": "hello.greet", "summary": "..."}]
// }
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct mosaic_plugin_v1;

namespace mosaic::manifest {

inline constexpr int schema_version = 1;
inline constexpr const char* suffix = ".plugin.json";

struct Command {
    std::string name, summary, usage;
    bool operator==(const Command&) const = default;
};
struct Service {
    std::string name, summary;
    bool operator==(const Service&) const = default;
};

struct Manifest {
    std::string name;
    std::string library;  // file name relative to the manifest's directory
    uint32_t abi_major = 0;
    uint32_t abi_minor = 0;
    std::string version, vendor, summary;
    std::vector<Command> commands;
    std::vector<Service> services;
    bool operator==(const Manifest&) const = default;
};

nlohmann::json to_json(const Manifest& m);

// The rules a manifest's values obey whatever it was read from (a file or the manifest
// index): names match [a-z][a-z0-9-]*, the library is a file name without '/'. Throws
// std::runtime_error naming the key.
void validate(const Manifest& m);

// Throws std::runtime_error with a message naming the offending key ("'commands[1].name' must
// be a string") when the document is not a valid manifest (validate() included).
Manifest from_json(const nlohmann::json& j);

// Reads and validates a manifest file; throws std::runtime_error naming the problem (parse
// errors carry line and column).
Manifest load(const std::filesystem::path& path);

// Builds a manifest from a descriptor returned by mosaic_plugin_query(): the one reader of a
// descriptor, used by the host's loader and by the mosaic-plugin-manifest tool. Reads only
// the fields each struct_size covers; throws std::runtime_error naming the field of a
// malformed one (NULL string or array, struct_size too small).
Manifest from_descriptor(const mosaic_plugin_v1& d, const std::string& library_file);

// Empty when `a` (from a manifest) and `b` (from the library) agree; else what differs,
// e.g. "version '1.0.0' in the manifest, '1.1.0' in the library".
std::string disagreement(const Manifest& manifest, const Manifest& library);

}  // namespace mosaic::manifest
