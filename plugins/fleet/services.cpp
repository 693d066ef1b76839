// The fleet services (docs/services.md): fleet.status, fleet.doctor, and what another plugin
// needs to work with the agents without fleet's sources (the agent plugin): fleet.roster,
// fleet.ps, fleet.verify and fleet.restart; fleet.complete for shell completion.
#include "commands.hpp"

#include "fleet_doctor.hpp"
#include "restart.hpp"
#include "roster.hpp"
#include "status.hpp"
#include "systemd_units.hpp"
#include "tmux.hpp"
#include "verify.hpp"

namespace mosaic::fleet {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); }

nlohmann::json agent_json(const Roster& roster, const Agent& a, const std::string& user_home) {
    return {{"name", a.name},
            {"runtime", a.runtime},
            {"class", a.agent_class},
            {"model_hint", optional_json(a.model_hint)},
            {"working_directory", working_directory_of(roster, a, user_home)},
            {"reports_to", optional_json(a.reports_to)},
            {"session", tmux_session_name(a.name)},
            {"unit", agent_unit(a.name)}};
}

int max_wait_of(const nlohmann::json& in) {
    if (!in.contains("max_wait_s")) return 60;
    const auto& v = in["max_wait_s"];
    if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 86400)
        throw Error(exit_usage, "service 'fleet.restart': \"max_wait_s\" must be a whole number from 0 to 86400");
    return static_cast<int>(v.get<long long>());
}

}  // namespace

nlohmann::json serve_status(const nlohmann::json&, Deps& d) {
    return status_json(collect_status(load_roster(d.roster_path), d.roster_path.string(), d.seams.runner,
                                      restart_lock_path(d.ctx.home())));
}

nlohmann::json serve_doctor(const nlohmann::json&, Deps& d) {
    DoctorInputs in{d.roster_path, user_unit_dir(d.env("XDG_CONFIG_HOME"), d.user_home), d.path_env};
    return doctor::to_json(check_fleet(in, d.seams.runner));
}

nlohmann::json serve_roster(const nlohmann::json&, Deps& d) {
    Roster roster = load_roster(d.roster_path);
    nlohmann::json agents = nlohmann::json::array(), runtimes = nlohmann::json::object();
    for (const auto& a : roster.agents) agents.push_back(agent_json(roster, a, d.user_home));
    for (const auto& [name, rt] : roster.runtimes) runtimes[name] = {{"reset_command", optional_json(rt.reset_command)}};
    return {{"roster", d.roster_path.string()},
            {"host", d.seams.inspector.host()},
            {"socket_name", optional_json(roster.socket_name)},
            {"holder_session", roster.holder_session},
            {"runtimes", runtimes},
            {"agents", agents}};
}

nlohmann::json serve_ps(const nlohmann::json&, Deps& d) { return ps_json(ps_report(d)); }

nlohmann::json serve_verify(const nlohmann::json&, Deps& d) {
    PsReport ps = ps_report(d);
    return verify_json(verify_fleet(ps), ps);
}

nlohmann::json serve_restart(const nlohmann::json& in, Deps& d) {
    if (!in.contains("agent") || !in["agent"].is_string() || in["agent"].get<std::string>().empty())
        throw Error(exit_usage, "service 'fleet.restart' needs \"agent\": the name of a roster agent");
    Roster roster = load_roster(d.roster_path);
    RestartOptions options;
    options.agent = in["agent"].get<std::string>();
    options.max_wait_s = max_wait_of(in);
    FleetDeps deps{d.seams.runner, d.seams.clock, d.seams.sleeper, d.seams.inspector};
    FleetReport r = restart_fleet(roster, options, restart_lock_path(d.home), deps);
    if (r.systemd_unreachable)
        throw Error(exit_failed, "cannot reach the user's systemd ('systemctl --user' says: " + *r.systemd_unreachable +
                                     "); " + user_systemd_hint());
    nlohmann::json units = nlohmann::json::array();
    for (const auto& u : r.units) {
        if (!u.ok) throw Error(exit_failed, "restarting " + u.unit + " failed: " + u.message);
        units.push_back({{"unit", u.unit}, {"ok", u.ok}});
    }
    return {{"restarted", units}};
}

nlohmann::json serve_complete(const nlohmann::json& in, Deps& d) {
    std::string what = in.contains("what") && in["what"].is_string() ? in["what"].get<std::string>() : "";
    std::string prefix = in.contains("prefix") && in["prefix"].is_string() ? in["prefix"].get<std::string>() : "";
    if (what != "agent")
        throw Error(exit_usage, "service 'fleet.complete' completes \"what\": \"agent\", not '" +
                                    support::escape_for_message(what) + "'");
    nlohmann::json values = nlohmann::json::array();
    if (!std::filesystem::exists(d.roster_path)) return {{"values", values}};  // no roster yet: nothing to offer
    for (const auto& a : load_roster(d.roster_path).agents)
        if (a.name.rfind(prefix, 0) == 0) values.push_back(a.name);
    return {{"values", values}};
}

}  // namespace mosaic::fleet
