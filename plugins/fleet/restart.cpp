#include "restart.hpp"

#include <mosaic/error.hpp>

#include "systemctl.hpp"

namespace mosaic::fleet {

std::filesystem::path restart_lock_path(const std::filesystem::path& mosaic_home) {
    return mosaic_home / "fleet/run/restart.lock";
}

FleetReport restart_fleet(const Roster& roster, const RestartOptions& options, const std::filesystem::path& lock_path,
                          FleetDeps& deps, const LockObserver& observer) {
    if (options.max_wait_s < 0) throw Error(exit_usage, "--max-wait must not be negative");
    std::vector<std::string> units;
    if (options.agent) {
        if (!roster.find(*options.agent)) {
            std::string known;
            for (const auto& n : roster.agent_names()) known += (known.empty() ? "" : ", ") + n;
            throw Error(exit_usage, "unknown agent '" + *options.agent + "'; the roster has: " +
                                        (known.empty() ? "no agents" : known));
        }
        units.push_back(agent_unit(*options.agent));
    } else {
        units = fleet_units_in_order(roster, "restart");
    }

    RestartLockOptions lock_options;
    lock_options.max_wait = std::chrono::seconds(options.max_wait_s);
    lock_options.stale_after = std::chrono::seconds(options.stale_after_s);
    for (const auto& u : units) lock_options.what += (lock_options.what.empty() ? "" : ", ") + u;
    RestartLock lock(lock_path, deps.clock, deps.sleeper, deps.inspector, lock_options);
    lock.acquire(observer);
    FleetReport report = run_units("restart", units, deps.runner);
    lock.release();
    return report;
}

}  // namespace mosaic::fleet
