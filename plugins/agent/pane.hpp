// pane.hpp - every tmux argv the agent plugin issues, and how it reads a pane. Pure.
//
// The fleet's tmux server is `-L <socket>` when the roster names one (fleet.roster's
// socket_name), else the default socket. An agent's pane is addressed exactly as
// `=<session>:0.0`: the session by its exact name (never a prefix), window 0, pane 0.
// Text goes in with `send-keys -l` (literal: no key names) as argv words, never through a
// shell.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mosaic::agent {

// {"tmux"} or {"tmux", "-L", socket}
std::vector<std::string> tmux_base(const std::optional<std::string>& socket);

// "=<session>:0.0"
std::string pane_target(const std::string& session);

std::vector<std::string> has_session_argv(const std::optional<std::string>& socket, const std::string& session);

// tmux reads an argument that ends in ';' as the end of a command; a final ';' of `text` is
// therefore written "\;", which tmux turns back into ';'. Everything else is left as it is.
std::string tmux_literal(const std::string& text);

// One tmux call, so that the text and its Enter are never split by another client's keys:
//     tmux [-L s] send-keys -t =S:0.0 -l -- <text> ; send-keys -t =S:0.0 Enter
std::vector<std::string> send_text_argv(const std::optional<std::string>& socket, const std::string& session,
                                        const std::string& text);

// capture-pane -p -J -t =S:0.0, with `-S -<lines>` when history lines are asked for.
std::vector<std::string> capture_argv(const std::optional<std::string>& socket, const std::string& session,
                                      std::optional<int> history_lines = std::nullopt);

// --- agent watch: a read-only viewer in a session grouped with the agent's ----------------

// "<session>-watch-<pid>"
std::string viewer_session(const std::string& session, long pid);
// new-session -d -s <viewer> -t =<session>  (grouped: same windows, its own client)
std::vector<std::string> viewer_create_argv(const std::optional<std::string>& socket, const std::string& session,
                                            const std::string& viewer);
// attach-session -r -t =<viewer> ; set-option -t =<viewer> destroy-unattached on
// (the option is set by the attaching client itself, so the viewer is gone on detach and
// never destroyed before it was attached)
std::vector<std::string> viewer_attach_argv(const std::optional<std::string>& socket, const std::string& viewer);
std::vector<std::string> viewer_kill_argv(const std::optional<std::string>& socket, const std::string& viewer);

// --- reading a pane --------------------------------------------------------------------------

enum class Delivery {
    accepted,    // the pane changed and its last line is not a draft
    draft,       // the last non-empty line starts with "> ": typed, not submitted
    unverified,  // the pane did not change, or shows nothing
};

std::string to_string(Delivery d);

// Trailing spaces removed; "" when every line is blank.
std::string last_nonempty_line(const std::string& capture);
bool blank_capture(const std::string& capture);

// A capture before sending and one after: unchanged or blank -> unverified; last non-empty
// line starting with "> " -> draft; else accepted.
Delivery classify_delivery(const std::string& before, const std::string& after);

// The last `lines` lines of a capture, its trailing blank lines dropped, each ending in '\n'.
std::string tail_lines(const std::string& capture, int lines);

}  // namespace mosaic::agent
