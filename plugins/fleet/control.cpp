#include "control.hpp"

#include <mosaic/support/text.hpp>

#include "systemctl.hpp"

namespace mosaic::fleet {

bool FleetReport::all_ok() const {
    for (const auto& u : units)
        if (!u.ok) return false;
    return true;
}

std::vector<std::string> FleetReport::failed_units() const {
    std::vector<std::string> out;
    for (const auto& u : units)
        if (!u.ok) out.push_back(u.unit);
    return out;
}

std::vector<std::string> fleet_units_in_order(const Roster& roster, const std::string& verb) {
    std::vector<std::string> agents;
    for (const auto& a : roster.agents) agents.push_back(agent_unit(a.name));
    std::vector<std::string> units;
    if (verb == "stop") {
        units = agents;
        units.push_back(holder_unit);
    } else {
        units.push_back(holder_unit);
        units.insert(units.end(), agents.begin(), agents.end());
    }
    return units;
}

FleetReport run_units(const std::string& verb, const std::vector<std::string>& units, support::CommandRunner& runner) {
    FleetReport report;
    for (const auto& unit : units) {
        support::Command cmd;
        cmd.argv = systemctl_user_argv(verb, unit);
        auto r = runner.run(cmd);
        UnitOutcome o{unit, r.ok(), ""};
        if (!o.ok) {
            o.message = support::trim_end(r.err);
            if (o.message.empty()) o.message = "systemctl exited with status " + std::to_string(r.exit_code);
        }
        report.units.push_back(std::move(o));
        if (!r.ok() && user_systemd_unreachable(report.units.back().message)) {
            report.systemd_unreachable = report.units.back().message;
            break;
        }
    }
    return report;
}

FleetReport start_fleet(const Roster& roster, support::CommandRunner& runner) {
    return run_units("start", fleet_units_in_order(roster, "start"), runner);
}

FleetReport stop_fleet(const Roster& roster, support::CommandRunner& runner) {
    return run_units("stop", fleet_units_in_order(roster, "stop"), runner);
}

}  // namespace mosaic::fleet
