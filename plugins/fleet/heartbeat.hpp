// heartbeat.hpp - the agent heartbeat: its file, its sidecar, and where both live.
//
// `fleet launch` starts `mosaic --mosaic-home <home> fleet heartbeat <agent> --pid <pane pid>`
// detached (see detach.hpp). The sidecar writes `<run dir>/<agent>.hb` atomically, one JSON
// object, every interval while the pane's process lives:
//     {"ts": 1767225600, "pid": 4242, "status": "alive", "interval_s": 15}
// `ts` is unix seconds; `interval_s` is the sidecar's own interval, so that a reader whose
// MOSAIC_HEARTBEAT_INTERVAL differs (the sidecar reads the unit's environment, `ps` the
// user's) still judges the beat by the interval it was written with; when the process dies the sidecar writes a last beat with status
// "exited" and ends. A sidecar whose file now names another pid (the agent was relaunched and
// a newer sidecar took over) ends without writing, as does one whose run dir was removed.
//
// The run dir is MOSAIC_HEARTBEAT_RUN_DIR (absolute) when set, else <home>/fleet/run; the
// writer (the sidecar) and the reader (`fleet ps`) both resolve it with heartbeat_run_dir().
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>

#include "restart_lock.hpp"
#include "roster.hpp"

namespace mosaic::fleet {

inline constexpr const char* heartbeat_alive = "alive";
inline constexpr const char* heartbeat_exited = "exited";
inline constexpr int default_heartbeat_interval_s = 15;

struct Heartbeat {
    long long ts = 0;  // unix seconds
    long pid = 0;
    std::string status;  // heartbeat_alive or heartbeat_exited (others are read as given)
    long long interval_s = 0;  // the writer's interval; 0: not recorded
};

std::string render_heartbeat(const Heartbeat& beat);
// std::nullopt unless `text` is a JSON object with an integer ts >= 0, an integer pid > 0, a
// non-empty string status and, when present, an integer interval_s > 0.
std::optional<Heartbeat> parse_heartbeat(const std::string& text);

// MOSAIC_HEARTBEAT_RUN_DIR when set and non-empty (it must be absolute: a relative path would
// resolve differently in the sidecar and in `ps`; exit_usage naming the variable), else
// <mosaic_home>/fleet/run.
std::filesystem::path heartbeat_run_dir(const std::filesystem::path& mosaic_home,
                                        const std::optional<std::string>& run_dir_env);
std::filesystem::path heartbeat_path(const std::filesystem::path& run_dir, const std::string& agent);

// MOSAIC_HEARTBEAT_INTERVAL: whole seconds, 1..86400; unset or empty means 15. Anything else
// throws mosaic::Error(exit_usage) naming the variable and the value.
std::chrono::seconds heartbeat_interval(const std::optional<std::string>& interval_env);

// --- the sidecar ---------------------------------------------------------------------------

struct HeartbeatOptions {
    std::string agent;
    long pid = 0;
    std::chrono::seconds interval{default_heartbeat_interval_s};
    std::filesystem::path file;  // heartbeat_path(run dir, agent)
};

enum class HeartbeatEnd {
    process_exited,  // the watched process died (or was gone at start); last beat says "exited"
    superseded,      // the file names another pid: a newer sidecar owns it
    run_dir_removed, // the run dir disappeared: nothing left to report to
};

// The sidecar's loop. Writes a beat, then waits one interval while checking the process
// every second (so its end is noticed within a second, whatever the interval). The process
// is identified by pid and start time, so a reused pid counts as dead. Throws
// mosaic::Error(exit_usage) for a bad agent name or pid, exit_failed when a write fails.
HeartbeatEnd run_heartbeat(const HeartbeatOptions& options, const support::Clock& clock, support::Sleeper& sleeper,
                           const ProcessInspector& inspector);

// --- starting the sidecar (fleet launch) ---------------------------------------------------

// {mosaic_exe, "--mosaic-home", home, "fleet", "heartbeat", agent, "--pid", pid}
std::vector<std::string> heartbeat_sidecar_argv(const std::string& mosaic_exe, const std::string& mosaic_home,
                                                const std::string& agent, long pid);

}  // namespace mosaic::fleet
