// status.hpp - fleet status: one `systemctl --user show` for every unit, joined with
// `tmux has-session` on the fleet socket for the holder and each agent. Never takes the
// restart lock. The JSON document is what `fleet status --json` prints and what the
// `fleet.status` service returns.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/support/process.hpp>

#include "restart_lock.hpp"
#include "roster.hpp"
#include "systemctl.hpp"

namespace mosaic::fleet {

struct AgentStatus {
    Agent agent;
    UnitState unit;
    bool session = false;  // the agent's tmux session exists on the fleet socket
};

struct FleetStatus {
    std::string roster_path;
    std::optional<std::string> socket_name;
    std::string holder_session;
    UnitState holder;
    bool holder_session_alive = false;
    std::vector<AgentStatus> agents;
    std::optional<std::string> systemd_error;  // `systemctl show` failed; states are "unknown"
    std::optional<RestartInProgress> restart;  // who holds the restart lock, if anyone
};

// `restart_lock`: the restart lock file to report on (restart.hpp's restart_lock_path).
FleetStatus collect_status(const Roster& roster, const std::string& roster_path, support::CommandRunner& runner,
                           const std::optional<std::filesystem::path>& restart_lock = std::nullopt);

// {"roster", "socket_name", "holder": {"unit", "load_state", "active_state", "sub_state",
//  "unit_file_state", "main_pid", "session", "session_name"}, "agents": [{"name", "runtime", "class", "model_hint",
//  "unit", "load_state", "active_state", "sub_state", "unit_file_state", "main_pid", "session"}],
//  "systemd_error": null | "...", "restart": null | {"pid", "host", "held_s", "what", "running"}}
nlohmann::json status_json(const FleetStatus& status);

}  // namespace mosaic::fleet
