// verify.hpp - `mosaic fleet verify`: is every roster agent really up? Judged from the same
// report `fleet ps` collects (ps.hpp): for each roster agent, its tmux session exists on the
// fleet socket, its pane is there and alive, its unit is enabled (comes back at boot) and its
// heartbeat is fresh (readiness working, idle or stuck). A source ps could not read (systemd,
// tmux) is itself a problem: nothing is called verified that was not seen. Pure.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ps.hpp"

namespace mosaic::fleet {

struct AgentVerdict {
    std::string name;
    std::vector<std::string> problems;  // empty: verified
};

struct VerifyReport {
    std::vector<AgentVerdict> agents;         // roster order
    std::vector<std::string> fleet_problems;  // systemd or tmux could not be read
    bool ok() const;
    std::size_t problem_count() const;
};

VerifyReport verify_fleet(const PsReport& ps);

// {"ok": bool, "roster": "...", "socket_name": ... , "problems": [...fleet-wide...],
//  "agents": [{"name", "ok", "problems": [...]}]}
nlohmann::json verify_json(const VerifyReport& report, const PsReport& ps);

}  // namespace mosaic::fleet
