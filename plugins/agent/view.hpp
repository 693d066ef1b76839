// view.hpp - `agent roster` and `agent status`: the roster (fleet.roster) joined with what
// fleet ps knows of each agent (fleet.ps: unit state, pane, heartbeat, readiness). Pure.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fleet_client.hpp"

namespace mosaic::agent {

// {"roster", "host", "socket_name", "systemd_error", "tmux_error",
//  "agents": [{"name", "runtime", "class", "model_hint", "session", "unit", "reset_command",
//              "session_exists", "unit_state": null | {"active_state", "sub_state",
//              "unit_file_state", "enabled", ...}, "pane": null | {"pid", "command", "dead",
//              "quiet_s"}, "heartbeat": null | {"ts", "pid", "status", "age_s"},
//              "readiness", "flags"}]}
// `only`: just that agent (the caller has checked it is in the roster).
nlohmann::json joined_view(const FleetRoster& roster, const nlohmann::json& ps,
                           const std::optional<std::string>& only = std::nullopt);

// NAME RUNTIME CLASS MODEL SESSION RESET
std::string render_roster_table(const nlohmann::json& view, bool color);
// NAME SESSION UNIT PANE HB READINESS FLAGS
std::string render_status_table(const nlohmann::json& view, bool color);

}  // namespace mosaic::agent
