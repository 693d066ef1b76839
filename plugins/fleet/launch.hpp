// launch.hpp - `mosaic fleet launch <agent>`: what mosaic-agent@<agent>.service runs.
//
// Creates the agent's tmux session (detached) on the roster's socket, in the agent's working
// directory, running the pane command: MOSAIC_AGENT_NAME, MOSAIC_AGENT_CLASS and PATH are
// baked in (a pane gets the tmux server's environment, not ours), then
// `<mosaic> yolo <runtime> [--model <hint>]`, or the shell text of MOSAIC_AGENT_COMMAND.
// Exit codes are sysexits because systemd reads them: 64 no agent name, 69 no tmux; 0 when
// the session already exists.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <mosaic/support/process.hpp>

#include "roster.hpp"

namespace mosaic::fleet {

inline constexpr int exit_launch_usage = 64;        // EX_USAGE
inline constexpr int exit_launch_unavailable = 69;  // EX_UNAVAILABLE

struct LaunchEnv {
    std::string mosaic_exe;                    // absolute path of this mosaic
    std::string user_home;                     // $HOME, for "~" in working directories
    std::string path_env;                      // PATH baked into the pane
    std::optional<std::string> agent_command;  // MOSAIC_AGENT_COMMAND
};

struct LaunchPlan {
    std::string session;
    std::string working_directory;
    std::string pane_command;
    std::vector<std::string> has_session_argv;
    std::vector<std::string> new_session_argv;
};

// {"<mosaic>", "yolo", runtime} plus {"--model", hint} when the agent has one.
std::vector<std::string> default_agent_argv(const Agent& agent, const std::string& mosaic_exe);

LaunchPlan plan_launch(const Roster& roster, const Agent& agent, const LaunchEnv& env);

struct LaunchResult {
    bool created = false;  // false: the session already existed
    LaunchPlan plan;
};

// Throws mosaic::Error: exit_launch_usage for a missing or unknown agent name,
// exit_launch_unavailable when `tmux_available` is false, exit_failed when the working
// directory is missing or tmux fails.
LaunchResult launch_agent(const Roster& roster, const std::optional<std::string>& name, const LaunchEnv& env,
                          bool tmux_available, support::CommandRunner& runner);

}  // namespace mosaic::fleet
