#include "systemctl.hpp"

#include <sstream>

namespace mosaic::fleet {

std::string agent_unit(const std::string& agent) { return "mosaic-agent@" + agent + ".service"; }

std::vector<std::string> systemctl_user_argv(const std::string& verb, const std::string& unit) {
    return {"systemctl", "--user", verb, unit};
}

std::vector<std::string> systemctl_show_argv(const std::vector<std::string>& units) {
    std::vector<std::string> argv{"systemctl", "--user", "show", "--property=Id,LoadState,ActiveState,SubState,MainPID",
                                  "--"};
    argv.insert(argv.end(), units.begin(), units.end());
    return argv;
}

std::vector<std::string> systemctl_daemon_reload_argv() { return {"systemctl", "--user", "daemon-reload"}; }

std::vector<std::map<std::string, std::string>> parse_systemctl_show(const std::string& text) {
    std::vector<std::map<std::string, std::string>> blocks;
    std::map<std::string, std::string> current;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            if (!current.empty()) blocks.push_back(std::move(current));
            current.clear();
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0) continue;  // not a property line
        current[line.substr(0, eq)] = line.substr(eq + 1);
    }
    if (!current.empty()) blocks.push_back(std::move(current));
    return blocks;
}

}  // namespace mosaic::fleet
