// ps.hpp - `mosaic fleet ps`: one row per roster agent, then one per unmanaged session on the
// fleet socket, joining three sources that may each fail on their own:
//   systemd  one `systemctl --user show` for every agent unit (UNIT column)
//   tmux     `list-sessions` and `list-panes -a` on the fleet socket (PANE column; unmanaged
//            rows; "no server running" just means no sessions)
//   files    <run dir>/<agent>.hb written by the heartbeat sidecar (HB column)
// A source that fails leaves its columns empty ("-"), is named in systemd_error / tmux_error
// and never stops the other columns. Never takes the restart lock.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>

#include "heartbeat.hpp"
#include "readiness.hpp"
#include "restart_lock.hpp"
#include "roster.hpp"
#include "systemctl.hpp"
#include "tmux.hpp"

namespace mosaic::fleet {

struct PsSettings {
    std::filesystem::path run_dir;  // heartbeat_run_dir(...)
    ReadinessThresholds thresholds;
    std::optional<std::filesystem::path> restart_lock;  // report who holds it (restart_lock_path)
};

struct PsDeps {
    support::CommandRunner& runner;
    const support::Clock& clock;
    const ProcessInspector& inspector;  // liveness of heartbeat pids, and the host name
};

struct PsRow {
    std::string name;
    std::optional<std::string> runtime;      // nullopt for unmanaged rows
    std::optional<std::string> agent_class;  // nullopt for unmanaged rows
    bool managed = true;
    std::string source = "roster";  // "roster" or "tmux" (an unmanaged session)
    std::string host;
    std::string session;
    std::optional<bool> session_exists;  // nullopt: tmux could not be asked
    std::optional<UnitState> unit;       // nullopt: unmanaged, or systemd could not be read
    std::optional<TmuxPane> pane;
    std::optional<Heartbeat> heartbeat;
    std::optional<long long> heartbeat_age_s;
    std::optional<long long> quiet_s;  // seconds since the pane's window last showed output
    Readiness readiness = Readiness::unknown;
    std::vector<std::string> flags;
};

struct PsReport {
    std::string roster_path;
    std::optional<std::string> socket_name;
    std::string holder_session;
    std::string host;
    std::filesystem::path run_dir;
    ReadinessThresholds thresholds;
    std::vector<PsRow> rows;
    std::optional<std::string> systemd_error;
    std::optional<std::string> tmux_error;
    std::vector<std::string> warnings;  // heartbeat files that could not be read
    std::optional<RestartInProgress> restart;
};

// The FLAGS of a row, in this order:
//   DRIFT        the live pane runs something that is not the roster runtime
//                (runtime_process_names)
//   BOOT-ENABLE  the unit is active but not enabled, so it will not come back after a reboot
//   UNMANAGED    a session on the fleet socket that is not in the roster
//   IDLE, STUCK  the readiness of the same name
std::vector<std::string> ps_flags(const PsRow& row);

PsReport collect_ps(const Roster& roster, const std::string& roster_path, const PsSettings& settings, PsDeps& deps);

// {"roster", "socket_name", "host", "run_dir", "thresholds": {"heartbeat_interval_s",
//  "idle_after_s", "stuck_after_s"}, "systemd_error", "tmux_error", "warnings": [...],
//  "restart": null | {"pid", "host", "held_s", "what", "running"},
//  "agents": [{"name", "runtime", "class", "managed", "source", "host", "session",
//              "session_exists", "unit": null | {"name", "load_state", "active_state",
//              "sub_state", "unit_file_state", "enabled"}, "pane": null | {"pid", "command",
//              "dead", "quiet_s"}, "heartbeat": null | {"ts", "pid", "status", "age_s"},
//              "readiness", "flags": [...]}]}
nlohmann::json ps_json(const PsReport& report);

// The human table: NAME RUNTIME CLASS UNIT PANE HB FLAGS (after a "restart in progress: ..."
// line while a restart holds the lock), e.g.
//     planner  claude   orchestrator  active/exited enabled  4242 claude  3s working  -
// `color`: the states in their tones (mosaic/tone.hpp).
std::string render_ps_table(const PsReport& report, bool color = false);

// "42s", "12m", "5h", "3d"
std::string format_age(long long seconds);

}  // namespace mosaic::fleet
