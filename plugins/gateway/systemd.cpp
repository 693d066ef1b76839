#include "systemd.hpp"

#include <mosaic/error.hpp>

namespace mosaic::gateway {

std::filesystem::path unit_path(const EnvLookup& env) {
    std::filesystem::path base;
    if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty()) base = *x;
    else if (auto h = env("HOME"); h && !h->empty()) base = std::filesystem::path(*h) / ".config";
    else throw Error(exit_usage, "cannot locate the systemd user unit directory: neither XDG_CONFIG_HOME nor HOME is set");
    return base / "systemd/user" / unit_name;
}

std::string systemd_quote(const std::string& word) {
    bool plain = !word.empty();
    for (char c : word)
        if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '\\' || c == '%' || c == '$' || c == ';') plain = false;
    if (plain) return word;
    std::string out = "\"";
    for (char c : word) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '%') out += '%';  // specifier escape
        if (c == '$') out += '$';  // variable escape
        out += c;
    }
    return out + "\"";
}

std::string render_unit(const std::filesystem::path& executable, const std::filesystem::path& mosaic_home,
                        const std::filesystem::path& log_file) {
    std::string exec = systemd_quote(executable.string()) + " --mosaic-home " + systemd_quote(mosaic_home.string()) +
                       " gateway run";
    return "# Written by 'mosaic gateway install'; removed by 'mosaic gateway uninstall'.\n"
           "[Unit]\n"
           "Description=Mosaic gateway\n"
           "After=network.target\n"
           "\n"
           "[Service]\n"
           "Type=simple\n"
           "ExecStart=" + exec + "\n"
           "Restart=on-failure\n"
           "RestartSec=2\n"
           "KillSignal=SIGTERM\n"
           "TimeoutStopSec=15\n"
           "StandardOutput=append:" + log_file.string() + "\n"
           "StandardError=append:" + log_file.string() + "\n"
           "\n"
           "[Install]\n"
           "WantedBy=default.target\n";
}

std::vector<std::string> systemctl_user(const std::string& verb, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"systemctl", "--user", verb};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

}  // namespace mosaic::gateway
