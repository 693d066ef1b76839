#include "status.hpp"

#include "systemctl.hpp"
#include "tmux.hpp"

namespace mosaic::fleet {

namespace {

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
            {"unit_file_state", u.unit_file_state},
            {"main_pid", u.main_pid}};
}

}  // namespace

FleetStatus collect_status(const Roster& roster, const std::string& roster_path, support::CommandRunner& runner,
                           const std::optional<std::filesystem::path>& restart_lock) {
    FleetStatus status;
    if (restart_lock) {
        support::SystemClock clock;
        SystemProcessInspector inspector;
        status.restart = restart_in_progress(*restart_lock, clock, inspector);
    }
    status.roster_path = roster_path;
    status.socket_name = roster.socket_name;
    status.holder_session = roster.holder_session;

    std::vector<std::string> units{holder_unit};
    for (const auto& a : roster.agents) units.push_back(agent_unit(a.name));
    UnitQuery q = query_units(units, runner);
    status.systemd_error = q.error;

    status.holder = q.units.at(holder_unit);
    status.holder_session_alive = has_session(roster.socket_name, roster.holder_session, runner);
    for (const auto& a : roster.agents) {
        std::string unit = agent_unit(a.name);
        status.agents.push_back({a, q.units.at(unit), has_session(roster.socket_name, tmux_session_name(a.name), runner)});
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
            {"systemd_error", s.systemd_error ? nlohmann::json(*s.systemd_error) : nlohmann::json()},
            {"restart", restart_json(s.restart)}};
}

}  // namespace mosaic::fleet
