// tmux.hpp - pure builders for every tmux argv the fleet issues and for the pane command.
//
// The fleet's tmux server is addressed with `-L <socket_name>` when the roster names a
// socket; without one every argv targets the default socket (no `-L` at all). Sessions are
// addressed as "=<name>" so that tmux matches the exact name, never a prefix.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::fleet {

// tmux turns '.' and ':' in a session name into '_'; agent names may contain '.', so the
// session of agent "rev.1" is "rev_1". Every tmux argv takes the session name, not the agent.
std::string tmux_session_name(const std::string& agent);

// {"tmux"} or {"tmux", "-L", socket}
std::vector<std::string> tmux_base_argv(const std::optional<std::string>& socket);

std::vector<std::string> tmux_has_session_argv(const std::optional<std::string>& socket, const std::string& session);

// Detached session `session` starting in `cwd` and running `shell_command` (one string; tmux
// hands it to the default shell).
std::vector<std::string> tmux_new_session_argv(const std::optional<std::string>& socket, const std::string& session,
                                               const std::string& cwd, const std::string& shell_command);

std::vector<std::string> tmux_kill_session_argv(const std::optional<std::string>& socket, const std::string& session);
std::vector<std::string> tmux_kill_server_argv(const std::optional<std::string>& socket);

// Quotes `s` for a POSIX shell ('...' with embedded quotes escaped), unless it is made only
// of characters that need no quoting.
std::string shell_quote(const std::string& s);
std::string shell_join(const std::vector<std::string>& argv);

// The pane's command line: exports `env` (a pane inherits the tmux server's environment,
// not the caller's), then either execs `argv` or, when `raw_command` is set, runs that shell
// text as given.
//     export MOSAIC_AGENT_CLASS=worker MOSAIC_AGENT_NAME=coder-1 PATH=/usr/bin:/bin; exec /x/mosaic yolo codex
std::string pane_command(const std::map<std::string, std::string>& env, const std::vector<std::string>& argv,
                         const std::optional<std::string>& raw_command);

}  // namespace mosaic::fleet
