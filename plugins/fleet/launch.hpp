// launch.hpp - `mosaic fleet launch <agent>`: what mosaic-agent@<agent>.service runs.
//
// Creates the agent's tmux session (detached) on the roster's socket, in the agent's working
// directory, running the pane command: MOSAIC_AGENT_NAME, MOSAIC_AGENT_CLASS and PATH are
// baked in (a pane gets the tmux server's environment, not ours), then
// `<mosaic> yolo <runtime> [--model <hint>]`, or the shell text of MOSAIC_AGENT_COMMAND.
// Exit codes are sysexits because systemd reads them: 64 no agent name, 69 no tmux; 0 when
// the session already exists.
// After creating the session, launch starts the heartbeat sidecar (start_heartbeat); a
// sidecar that cannot be started is a warning, never a failed launch.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/support/process.hpp>

#include "detach.hpp"
#include "roster.hpp"

namespace mosaic::fleet {

inline constexpr int exit_launch_usage = 64;        // EX_USAGE
inline constexpr int exit_launch_unavailable = 69;  // EX_UNAVAILABLE

struct LaunchEnv {
    std::string mosaic_exe;                    // absolute path of this mosaic
    std::string user_home;                     // $HOME, for "~" in working directories
    std::string path_env;                      // PATH baked into the pane
    std::optional<std::string> agent_command;  // MOSAIC_AGENT_COMMAND
    // Where a program is on path_env (support::find_program when empty; tests answer).
    std::function<std::optional<std::string>(const std::string& program)> find_program;
    // The resolved mosaic home, set as MOSAIC_HOME in the pane when not empty: `mosaic yolo`
    // there reads the agent's env file from it (the tmux server's environment may not have it).
    std::string mosaic_home;
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
// exit_launch_unavailable when `tmux_available` is false or when the pane could not start
// its runtime (no MOSAIC_AGENT_COMMAND, and a runtime `mosaic yolo` does not know or whose
// program is not on PATH: the session would die at once), exit_failed when the working
// directory is missing or tmux fails.
LaunchResult launch_agent(const Roster& roster, const std::optional<std::string>& name, const LaunchEnv& env,
                          bool tmux_available, support::CommandRunner& runner);

struct SidecarEnv {
    std::string mosaic_exe;   // absolute path of this mosaic
    std::string mosaic_home;  // the resolved mosaic home, passed as --mosaic-home
    std::filesystem::path run_dir;               // heartbeat_run_dir(...)
    std::map<std::string, std::string> env;      // set in the sidecar's environment
};

struct SidecarStart {
    long pane_pid = 0;
    long sidecar_pid = 0;
    std::filesystem::path log;  // <run dir>/<agent>.heartbeat.log: the sidecar's stderr
};

// Asks tmux for the pid of the first pane of the agent's session, then starts
// `mosaic --mosaic-home <home> fleet heartbeat <agent> --pid <pane pid>` detached. Throws
// mosaic::Error(exit_failed) when the pane cannot be found or the sidecar cannot start.
SidecarStart start_heartbeat(const Roster& roster, const std::string& agent, const SidecarEnv& env,
                             support::CommandRunner& runner, DetachedSpawner& spawner);

}  // namespace mosaic::fleet
