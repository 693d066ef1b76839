// control.hpp - fleet start / stop: one `systemctl --user <verb> <unit>` per unit, in order.
//
// start: the holder first, then each agent in roster order. stop: each agent, then the
// holder. A unit that fails is reported and the others still run. Never takes the restart
// lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <mosaic/support/process.hpp>

#include "roster.hpp"

namespace mosaic::fleet {

struct UnitOutcome {
    std::string unit;
    bool ok = true;
    std::string message;  // systemctl's stderr (trimmed) when it failed
};

struct FleetReport {
    std::vector<UnitOutcome> units;
    // systemctl could not reach the user's systemd (user_systemd_unreachable): its message.
    // The units after the first are then not tried, as each would fail the same way.
    std::optional<std::string> systemd_unreachable;
    bool all_ok() const;
    std::vector<std::string> failed_units() const;
};

// The units in the order `verb` visits them.
std::vector<std::string> fleet_units_in_order(const Roster& roster, const std::string& verb);

// Runs `systemctl --user <verb>` for each unit of `units`, never stopping at a failure of a
// unit; stops at once when the user's systemd cannot be reached at all.
FleetReport run_units(const std::string& verb, const std::vector<std::string>& units, support::CommandRunner& runner);

FleetReport start_fleet(const Roster& roster, support::CommandRunner& runner);
FleetReport stop_fleet(const Roster& roster, support::CommandRunner& runner);

}  // namespace mosaic::fleet
