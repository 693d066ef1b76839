// roster.hpp - the fleet roster (<home>/fleet/roster.yaml) as a typed model.
//
// Schema (docs/behaviour.md, "The roster"), snake_case or camelCase keys:
//     version: 1
//     transport: tmux
//     tmux: { socket_name: mosaic-fleet, holder_session: _holder }
//     defaults: { working_directory: ~/src }
//     runtimes: { claude: { reset_command: /clear } }
//     agents:
//       - { name: planner, runtime: claude, class: orchestrator, model_hint: opus,
//           working_directory: ~/src/x }
//       - { name: coder-1, runtime: codex, reports_to: planner }
// An absent tmux.socket_name means the default tmux socket: no `-L` anywhere. Unknown keys,
// wrong types, a bad agent name, a missing runtime, duplicate names, text that is not UTF-8
// and control characters (raw in the file or in a value) throw mosaic::Error(exit_usage)
// naming the file, the key and the line. So does a `reports_to` that names no other agent of
// the roster, or agents that report to each other in a cycle.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::fleet {

struct Agent {
    std::string name;
    std::string runtime;
    std::string agent_class = "worker";
    std::optional<std::string> model_hint;
    std::optional<std::string> working_directory;
    std::optional<std::string> reports_to;  // another agent of the roster; nullopt: reports to nobody

    bool operator==(const Agent&) const = default;
};

struct RuntimeSettings {
    std::optional<std::string> reset_command;

    bool operator==(const RuntimeSettings&) const = default;
};

struct Roster {
    int version = 1;
    std::string transport = "tmux";
    std::optional<std::string> socket_name;  // nullopt: the default tmux socket
    std::string holder_session = "_holder";
    std::optional<std::string> default_working_directory;
    std::map<std::string, RuntimeSettings> runtimes;
    std::vector<Agent> agents;

    bool operator==(const Roster&) const = default;

    const Agent* find(const std::string& name) const;
    std::vector<std::string> agent_names() const;
    // The agents whose reports_to is `name`, in roster order.
    std::vector<std::string> reports_of(const std::string& name) const;
};

// `origin` names the file in error messages.
Roster parse_roster(const std::string& text, const std::string& origin);

// Throws mosaic::Error(exit_refused) when the file does not exist (the message says how to
// create one), exit_usage when it does not parse.
Roster load_roster(const std::filesystem::path& path);

// An agent name becomes a systemd instance name, a file name (<name>.env), a tmux session and
// an argument of `mosaic fleet launch`: 1 to 64 of letters, digits, '_', '.' and '-', not
// starting with '.' or '-' (so never ".", "..", a hidden file or an option).
bool valid_agent_name(const std::string& name);
inline constexpr const char* agent_name_rule =
    "1 to 64 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'";
// "invalid agent name '<name>' (<agent_name_rule>)", the name escaped for a message.
std::string invalid_agent_name_message(const std::string& name);

// The agent's working directory: its own, else the roster default, else `home`; a leading
// "~" or "~/" expands to `home`.
std::string working_directory_of(const Roster& roster, const Agent& agent, const std::string& home);

// Editing the file (fleet add/remove): the new text, which reads back as the current roster
// plus / minus that agent (checked; mosaic::Error(exit_usage) when yaml-cpp cannot write it
// so). Comments are not kept (yaml-cpp does not keep them). Removing an agent others report
// to throws mosaic::Error(exit_refused) naming them.
std::string roster_text_with_agent(const std::optional<std::string>& current_text, const Agent& agent,
                                   const std::string& origin);
std::string roster_text_without_agent(const std::string& current_text, const std::string& name,
                                      const std::string& origin);

}  // namespace mosaic::fleet
