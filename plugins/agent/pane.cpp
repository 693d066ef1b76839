#include "pane.hpp"

#include <sstream>

#include <mosaic/support/text.hpp>

namespace mosaic::agent {

namespace {
std::vector<std::string> with(std::vector<std::string> base, std::initializer_list<std::string> rest) {
    base.insert(base.end(), rest.begin(), rest.end());
    return base;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(support::trim_end(line));
    return lines;
}
}  // namespace

std::vector<std::string> tmux_base(const std::optional<std::string>& socket) {
    if (socket) return {"tmux", "-L", *socket};
    return {"tmux"};
}

std::string pane_target(const std::string& session) { return "=" + session + ":0.0"; }

std::vector<std::string> has_session_argv(const std::optional<std::string>& socket, const std::string& session) {
    return with(tmux_base(socket), {"has-session", "-t", "=" + session});
}

std::string tmux_literal(const std::string& text) {
    if (text.empty() || text.back() != ';') return text;
    return text.substr(0, text.size() - 1) + "\\;";
}

std::vector<std::string> send_text_argv(const std::optional<std::string>& socket, const std::string& session,
                                        const std::string& text) {
    const std::string target = pane_target(session);
    return with(tmux_base(socket),
                {"send-keys", "-t", target, "-l", "--", tmux_literal(text), ";", "send-keys", "-t", target, "Enter"});
}

std::vector<std::string> capture_argv(const std::optional<std::string>& socket, const std::string& session,
                                      std::optional<int> history_lines) {
    auto argv = with(tmux_base(socket), {"capture-pane", "-p", "-J", "-t", pane_target(session)});
    if (history_lines) argv.insert(argv.end(), {"-S", "-" + std::to_string(*history_lines)});
    return argv;
}

std::string viewer_session(const std::string& session, long pid) {
    return session + "-watch-" + std::to_string(pid);
}

std::vector<std::string> viewer_create_argv(const std::optional<std::string>& socket, const std::string& session,
                                            const std::string& viewer) {
    return with(tmux_base(socket), {"new-session", "-d", "-s", viewer, "-t", "=" + session});
}

std::vector<std::string> viewer_attach_argv(const std::optional<std::string>& socket, const std::string& viewer) {
    return with(tmux_base(socket), {"attach-session", "-r", "-t", "=" + viewer, ";", "set-option", "-t", "=" + viewer,
                                    "destroy-unattached", "on"});
}

std::vector<std::string> viewer_kill_argv(const std::optional<std::string>& socket, const std::string& viewer) {
    return with(tmux_base(socket), {"kill-session", "-t", "=" + viewer});
}

std::string to_string(Delivery d) {
    switch (d) {
        case Delivery::accepted: return "accepted";
        case Delivery::draft: return "left as unsubmitted draft";
        case Delivery::unverified: return "could not verify delivery";
    }
    return "could not verify delivery";
}

std::string last_nonempty_line(const std::string& capture) {
    auto lines = lines_of(capture);
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
        if (!support::trim(*it).empty()) return *it;
    return "";
}

bool blank_capture(const std::string& capture) { return support::trim(capture).empty(); }

Delivery classify_delivery(const std::string& before, const std::string& after) {
    if (blank_capture(after) || lines_of(before) == lines_of(after)) return Delivery::unverified;
    if (last_nonempty_line(after).rfind("> ", 0) == 0) return Delivery::draft;
    return Delivery::accepted;
}

std::string tail_lines(const std::string& capture, int lines) {
    auto all = lines_of(capture);
    while (!all.empty() && support::trim(all.back()).empty()) all.pop_back();
    std::size_t n = lines < 0 ? 0 : static_cast<std::size_t>(lines);
    std::size_t from = all.size() > n ? all.size() - n : 0;
    std::string out;
    for (std::size_t i = from; i < all.size(); ++i) out += all[i] + "\n";
    return out;
}

}  // namespace mosaic::agent
