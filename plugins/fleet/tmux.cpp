#include "tmux.hpp"

#include <limits>
#include <sstream>

namespace mosaic::fleet {

std::string tmux_session_name(const std::string& agent) {
    std::string s = agent;
    for (char& c : s)
        if (c == '.' || c == ':') c = '_';
    return s;
}

std::vector<std::string> tmux_base_argv(const std::optional<std::string>& socket) {
    if (socket) return {"tmux", "-L", *socket};
    return {"tmux"};
}

namespace {
std::vector<std::string> with(std::vector<std::string> base, std::initializer_list<std::string> rest) {
    base.insert(base.end(), rest.begin(), rest.end());
    return base;
}
}  // namespace

std::vector<std::string> tmux_has_session_argv(const std::optional<std::string>& socket, const std::string& session) {
    return with(tmux_base_argv(socket), {"has-session", "-t", "=" + session});
}

std::vector<std::string> tmux_new_session_argv(const std::optional<std::string>& socket, const std::string& session,
                                               const std::string& cwd, const std::string& shell_command) {
    return with(tmux_base_argv(socket), {"new-session", "-d", "-s", session, "-c", cwd, shell_command});
}

std::vector<std::string> tmux_kill_session_argv(const std::optional<std::string>& socket, const std::string& session) {
    return with(tmux_base_argv(socket), {"kill-session", "-t", "=" + session});
}

std::vector<std::string> tmux_kill_server_argv(const std::optional<std::string>& socket) {
    return with(tmux_base_argv(socket), {"kill-server"});
}

std::vector<std::string> tmux_list_sessions_argv(const std::optional<std::string>& socket) {
    return with(tmux_base_argv(socket), {"list-sessions", "-F", tmux_session_format});
}

std::vector<std::string> tmux_list_panes_argv(const std::optional<std::string>& socket,
                                              const std::optional<std::string>& session) {
    if (session) return with(tmux_base_argv(socket), {"list-panes", "-s", "-t", "=" + *session, "-F", tmux_pane_format});
    return with(tmux_base_argv(socket), {"list-panes", "-a", "-F", tmux_pane_format});
}

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        auto tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) break;
        start = tab + 1;
    }
    return fields;
}

template <class F>
void each_line(const std::string& text, F&& f) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) f(line);
    }
}

std::optional<long long> number(const std::string& s) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(s);
}

}  // namespace

std::vector<std::string> parse_tmux_sessions(const std::string& text) {
    std::vector<std::string> names;
    each_line(text, [&](const std::string& line) {
        std::string name = split_tabs(line)[0];
        if (!name.empty()) names.push_back(name);
    });
    return names;
}

std::vector<TmuxPane> parse_tmux_panes(const std::string& text) {
    std::vector<TmuxPane> panes;
    each_line(text, [&](const std::string& line) {
        auto f = split_tabs(line);
        if (f.size() < 6 || f[0].empty()) return;
        auto pid = number(f[2]);
        if (!pid || *pid <= 0) return;
        TmuxPane p;
        p.session = f[0];
        auto index = number(f[1]);
        p.index = index && *index <= std::numeric_limits<int>::max() ? static_cast<int>(*index) : 0;
        p.pid = static_cast<long>(*pid);
        for (std::size_t i = 3; i + 2 < f.size(); ++i) p.command += (i == 3 ? "" : "\t") + f[i];
        p.dead = f[f.size() - 2] == "1";
        p.activity = number(f.back()).value_or(0);
        panes.push_back(std::move(p));
    });
    return panes;
}

bool tmux_no_server(const std::string& stderr_text) {
    return stderr_text.find("no server running") != std::string::npos ||
           (stderr_text.find("error connecting to") != std::string::npos &&
            (stderr_text.find("No such file or directory") != std::string::npos ||
             stderr_text.find("Connection refused") != std::string::npos));
}

std::string shell_quote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./:@%+,=") ==
                          std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

std::string shell_join(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a);
    return out;
}

std::string pane_command(const std::map<std::string, std::string>& env, const std::vector<std::string>& argv,
                         const std::optional<std::string>& raw_command) {
    std::string out;
    if (!env.empty()) {
        out = "export";
        for (const auto& [k, v] : env) out += " " + k + "=" + shell_quote(v);
        out += "; ";
    }
    if (raw_command) return out + *raw_command;
    return out + "exec " + shell_join(argv);
}

}  // namespace mosaic::fleet
