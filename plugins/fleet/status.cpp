#include "status.hpp"

#include "systemctl.hpp"
#include "tmux.hpp"

namespace mosaic::fleet {

namespace {

UnitState unit_state(const std::string& unit, const std::map<std::string, std::string>* props) {
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
    if (auto it = props->find("MainPID"); it != props->end()) {
        try {
            s.main_pid = std::stol(it->second);
        } catch (...) {
            s.main_pid = 0;
        }
    }
    return s;
}

bool has_session(const std::optional<std::string>& socket, const std::string& session, support::CommandRunner& runner) {
    support::Command cmd;
    cmd.argv = tmux_has_session_argv(socket, session);
    return runner.run(cmd).ok();
}

nlohmann::json unit_json(const UnitState& u) {
    return {{"unit", u.unit},
            {"load_state", u.load_state},
            {"active_state", u.active_state},
            {"sub_state", u.sub_state},
            {"main_pid", u.main_pid}};
}

}  // namespace

FleetStatus collect_status(const Roster& roster, const std::string& roster_path, support::CommandRunner& runner) {
    FleetStatus status;
    status.roster_path = roster_path;
    status.socket_name = roster.socket_name;
    status.holder_session = roster.holder_session;

    std::vector<std::string> units{holder_unit};
    for (const auto& a : roster.agents) units.push_back(agent_unit(a.name));
    support::Command show;
    show.argv = systemctl_show_argv(units);
    auto r = runner.run(show);

    // Blocks come back in the order asked; match them by Id anyway, so that a missing
    // block never shifts every row after it.
    std::map<std::string, std::map<std::string, std::string>> by_unit;
    if (r.ok()) {
        auto blocks = parse_systemctl_show(r.out);
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            auto id = blocks[i].find("Id");
            std::string key = id != blocks[i].end() ? id->second : (i < units.size() ? units[i] : "");
            if (!key.empty()) by_unit[key] = blocks[i];
        }
    } else {
        std::string err = r.err;
        while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
        status.systemd_error = err.empty() ? "systemctl exited with status " + std::to_string(r.exit_code) : err;
    }
    auto props = [&](const std::string& unit) -> const std::map<std::string, std::string>* {
        auto it = by_unit.find(unit);
        return it == by_unit.end() ? nullptr : &it->second;
    };

    status.holder = unit_state(holder_unit, props(holder_unit));
    status.holder_session_alive = has_session(roster.socket_name, roster.holder_session, runner);
    for (const auto& a : roster.agents) {
        std::string unit = agent_unit(a.name);
        status.agents.push_back({a, unit_state(unit, props(unit)), has_session(roster.socket_name, tmux_session_name(a.name), runner)});
    }
    return status;
}

nlohmann::json status_json(const FleetStatus& s) {
    nlohmann::json holder = unit_json(s.holder);
    holder["session_name"] = s.holder_session;
    holder["session"] = s.holder_session_alive;
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& a : s.agents) {
        nlohmann::json j = {{"name", a.agent.name},
                            {"runtime", a.agent.runtime},
                            {"class", a.agent.agent_class},
                            {"model_hint", a.agent.model_hint ? nlohmann::json(*a.agent.model_hint) : nlohmann::json()}};
        j.update(unit_json(a.unit));
        j["session"] = a.session;
        agents.push_back(std::move(j));
    }
    return {{"roster", s.roster_path},
            {"socket_name", s.socket_name ? nlohmann::json(*s.socket_name) : nlohmann::json()},
            {"holder", holder},
            {"agents", agents},
            {"systemd_error", s.systemd_error ? nlohmann::json(*s.systemd_error) : nlohmann::json()}};
}

}  // namespace mosaic::fleet
