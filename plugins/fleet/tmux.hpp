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

// --- what `fleet ps` and the heartbeat read -----------------------------------------------

// One line per session: "<session_name>\t<session_windows>" (tmux_session_format).
inline constexpr const char* tmux_session_format = "#{session_name}\t#{session_windows}";
// One line per pane: session, pane index, pane pid, the pane's foreground command, whether the
// pane is dead (remain-on-exit), the window's last activity (unix seconds).
inline constexpr const char* tmux_pane_format =
    "#{session_name}\t#{pane_index}\t#{pane_pid}\t#{pane_current_command}\t#{pane_dead}\t#{window_activity}";

// {"tmux", [-L s,] "list-sessions", "-F", tmux_session_format}
std::vector<std::string> tmux_list_sessions_argv(const std::optional<std::string>& socket);
// Every pane of the server (-a), or of one session (-s -t =session), as tmux_pane_format.
std::vector<std::string> tmux_list_panes_argv(const std::optional<std::string>& socket,
                                              const std::optional<std::string>& session = std::nullopt);

struct TmuxPane {
    std::string session;
    int index = 0;
    long pid = 0;
    std::string command;   // tmux's #{pane_current_command}, e.g. "claude", "node", "bash"
    bool dead = false;
    long long activity = 0;  // unix seconds of the window's last output; 0 when tmux gave none
};

// Session names, in tmux's order. Lines that do not carry a name are skipped.
std::vector<std::string> parse_tmux_sessions(const std::string& text);
// Panes in tmux's order; lines with a missing or non-numeric pid are skipped (a command name
// may itself contain tabs, so the command is everything between the third and the
// second-to-last field).
std::vector<TmuxPane> parse_tmux_panes(const std::string& text);

// True when a failed tmux call only means that no server runs on the socket (no sessions),
// judged from its stderr ("no server running on ...", "error connecting to ... (No such file
// or directory)" or a stale socket's "Connection refused").
bool tmux_no_server(const std::string& stderr_text);

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
