// commands.hpp - the built-in commands (one sorted table) and routing of a command word to
// a built-in, a plugin, the first-party catalogue, or "unknown command".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <mosaic/support/text.hpp>

namespace mosaic::host {

class Session;
struct Discovery;

struct BuiltinCommand {
    const char* name;
    const char* summary;  // one line, for help
    int (*run)(Session& session, const std::vector<std::string>& args);  // args[0] = name
};

// Sorted by name, unique (a test holds it to that).
std::span<const BuiltinCommand> builtin_commands();
const BuiltinCommand* find_builtin(std::string_view name);
std::vector<std::string> builtin_names();

using support::closest_match;  // sdk: mosaic/support/text.hpp
using support::edit_distance;

// Runs `args[0]` with the words after it. Returns the exit status.
int dispatch(Session& session, const std::vector<std::string>& args);

// "mosaic 0.1.0 (plugin ABI 1.0)"
std::string version_line();

// The text of `mosaic --help`, from manifests only.
std::string help_text(const Discovery& discovery);

// The built-ins, defined in help.cpp, plugins_list.cpp, plugins_new.cpp, completion.cpp and
// doctor.cpp.
int run_help(Session& session, const std::vector<std::string>& args);
int run_version(Session& session, const std::vector<std::string>& args);
int run_plugins(Session& session, const std::vector<std::string>& args);
int run_plugins_new(Session& session, const std::vector<std::string>& args);  // plugins_new.cpp
int run_plugins_verify(Session& session, const std::vector<std::string>& args);  // args: plugins verify ...
int run_completion(Session& session, const std::vector<std::string>& args);
int run_doctor(Session& session, const std::vector<std::string>& args);

}  // namespace mosaic::host
