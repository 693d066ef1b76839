#include "tmux.hpp"

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
