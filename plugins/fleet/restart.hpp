// restart.hpp - fleet restart: take the restart lock, then restart the holder (which tears
// down every agent pane) and each agent, or one agent. No systemctl command is issued
// before the lock is ours; the lock is released when the restart is done, failed or not.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>

#include "control.hpp"
#include "restart_lock.hpp"
#include "roster.hpp"

namespace mosaic::fleet {

struct RestartOptions {
    std::optional<std::string> agent;  // nullopt: the whole fleet
    int max_wait_s = 60;
    int stale_after_s = 120;
};

struct FleetDeps {
    support::CommandRunner& runner;
    const support::Clock& clock;
    support::Sleeper& sleeper;
    const ProcessInspector& inspector;
};

// <home>/fleet/run/restart.lock
std::filesystem::path restart_lock_path(const std::filesystem::path& mosaic_home);

// Throws mosaic::Error(exit_usage) for an unknown agent (before touching the lock) or a
// negative wait.
FleetReport restart_fleet(const Roster& roster, const RestartOptions& options, const std::filesystem::path& lock_path,
                          FleetDeps& deps, const LockObserver& observer = {});

}  // namespace mosaic::fleet
