// manifest.hpp - the <name>.plugin.json format, shared by the host (reader) and the
// mosaic-plugin-manifest tool (writer). Internal to the project; not part of the SDK API.
//
// {
//   "schema": 2,           (1 when no command carries a tree)
//   "name": "hello", "library": "hello.so",
//   "abi": {"major": 1, "minor": 0},
//   "version": "1.0.0", "vendor": "Mosaic", "summary": "print a greeting",
//   "commands": [{"name": "hello", "summary": "...", "usage": "...",
//                 "tree": {"commands": [...], "options": [...], "args": [...]}}],   (schema 2)
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

// The newest schema this code reads and writes: 2 adds each command's tree. A manifest
// without any tree is still written as schema 1, so older hosts keep reading it.
inline constexpr int schema_version = 2;
inline constexpr int schema_version_without_tree = 1;
inline constexpr const char* suffix = ".plugin.json";

// A command tree (docs/plugin-manifest.md, "Command tree"): what completion knows about a
// command below its name. Decoded only when it is used (completion, verification).
enum class ValueKind { none, text, file, directory, choice, dynamic };
const char* kind_name(ValueKind k);

struct Value {
    ValueKind kind = ValueKind::none;
    std::vector<std::string> choices;  // choice
    std::string service, what;         // dynamic: the service to ask and what to complete
    bool operator==(const Value&) const = default;
};
struct TreeOption {
    std::vector<std::string> names;  // "-n", "--lines"
    std::string summary;
    Value value;  // kind none: a flag, it takes no value
    bool operator==(const TreeOption&) const = default;
};
struct TreeArg {
    std::string name, summary;
    Value value;
    bool many = false;  // takes every remaining word
    bool operator==(const TreeArg&) const = default;
};
struct Node {
    std::string name, summary;  // empty for a command's root
    std::vector<Node> commands;
    std::vector<TreeOption> options;
    std::vector<TreeArg> args;
    bool operator==(const Node&) const = default;
};

// `j` as a tree; throws std::runtime_error naming the key below `where`
// ("'commands[0].tree.commands[2].name' must match ..."). `services`: the manifest's own
// services, the only ones a dynamic value may name.
Node tree_from_json(const nlohmann::json& j, const std::string& where, const std::vector<std::string>& services);
nlohmann::json tree_to_json(const Node& n);

struct Command {
    std::string name, summary, usage;
    std::string tree;  // schema 2: the command's tree as compact JSON (valid when read); "" none
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

// Adds each command's tree from the descriptor's describe() (ABI 1.1), when its struct_size
// covers the slot and it is not NULL; a command describe() answers non-zero for has none.
// Throws std::runtime_error naming the command when a tree it gives is not valid.
void describe_trees(const mosaic_plugin_v1& d, Manifest& m);

// The tree of `c`, decoded and checked as when the manifest was read (`services`: the
// manifest's); std::nullopt when it has none. Throws std::runtime_error when invalid.
std::optional<Node> decode_tree(const Command& c, const std::vector<Service>& services);

// Empty when `a` (from a manifest) and `b` (from the library) agree; else what differs,
// e.g. "version '1.0.0' in the manifest, '1.1.0' in the library". Trees are not compared:
// the loader never calls describe() (it costs a walk of every command line), and a tree
// only steers completion, never what runs; `describe_trees` gives them for a comparison.
std::string disagreement(const Manifest& manifest, const Manifest& library);

}  // namespace mosaic::manifest
