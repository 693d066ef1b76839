#include "systemctl.hpp"

#include <mosaic/support/text.hpp>

#include <sstream>

namespace mosaic::fleet {

std::string agent_unit(const std::string& agent) { return "mosaic-agent@" + agent + ".service"; }

bool user_systemd_unreachable(const std::string& systemctl_error) {
    for (const char* sign : {"Failed to connect to bus", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR",
                             "Failed to connect to user scope bus"})
        if (systemctl_error.find(sign) != std::string::npos) return true;
    return false;
}

std::string user_systemd_hint() {
    return "the fleet's units run under the user's own systemd, which this shell cannot reach; run mosaic in "
           "a login session of that user (ssh or a desktop login, not 'su' or 'docker exec'), or enable "
           "lingering with 'loginctl enable-linger $USER' and log in again";
}

std::vector<std::string> systemctl_user_argv(const std::string& verb, const std::string& unit) {
    return {"systemctl", "--user", verb, unit};
}

std::vector<std::string> systemctl_show_argv(const std::vector<std::string>& units) {
    std::vector<std::string> argv{"systemctl", "--user", "show", "--property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID",
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

bool UnitState::enabled() const {
    return unit_file_state == "enabled" || unit_file_state == "enabled-runtime" || unit_file_state == "static" ||
           unit_file_state == "generated" || unit_file_state == "alias";
}

UnitState unit_state_from(const std::string& unit, const std::map<std::string, std::string>* props) {
    UnitState s;
    s.unit = unit;
    if (!props) return s;
    auto get = [&](const char* key, std::string& into) {
        auto it = props->find(key);
        if (it != props->end() && !it->second.empty()) into = it->second;
    };
    get("LoadState", s.load_state);
    get("ActiveState", s.active_state);
    get("SubState", s.sub_state);
    get("UnitFileState", s.unit_file_state);
    if (auto it = props->find("MainPID"); it != props->end()) {
        const std::string& v = it->second;
        if (!v.empty() && v.size() < 10 && v.find_first_not_of("0123456789") == std::string::npos) s.main_pid = std::stol(v);
    }
    return s;
}

UnitQuery query_units(const std::vector<std::string>& units, support::CommandRunner& runner) {
    support::Command show;
    show.argv = systemctl_show_argv(units);
    auto r = runner.run(show);
    std::map<std::string, std::map<std::string, std::string>> by_unit;
    UnitQuery q;
    if (r.ok()) {
        auto blocks = parse_systemctl_show(r.out);
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            auto id = blocks[i].find("Id");
            std::string key = id != blocks[i].end() ? id->second : (i < units.size() ? units[i] : "");
            if (!key.empty()) by_unit[key] = blocks[i];
        }
    } else {
        std::string err = support::trim_end(r.err);
        q.error = err.empty() ? "systemctl exited with status " + std::to_string(r.exit_code) : err;
    }
    for (const auto& unit : units) {
        auto it = by_unit.find(unit);
        q.units[unit] = unit_state_from(unit, it == by_unit.end() ? nullptr : &it->second);
    }
    return q;
}

}  // namespace mosaic::fleet
