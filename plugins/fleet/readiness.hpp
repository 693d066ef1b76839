// readiness.hpp - what `fleet ps` says about an agent: working, idle, stuck, stale, dead or
// unknown, from its heartbeat, its tmux pane and the clock. Pure.
//
// In order, the first rule that applies:
//   dead     the pane is dead (remain-on-exit), or the last beat says "exited", or the beat's
//            process is known to be gone
//   working  the beat is healthy (no older than 3 intervals) and the pane's window showed
//            output within idle_after (or tmux could not tell us about the pane)
//   idle     healthy beat, no output for idle_after (default 300 s)
//   stuck    healthy beat, no output for stuck_after (default 900 s)
//   dead     the beat stopped (older than 3 intervals) and tmux says the session is gone
//   stale    the beat stopped and the session is there (or tmux could not be asked)
//   dead     no beat and tmux says the session is gone
//   unknown  no beat, session there or not known
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "heartbeat.hpp"
#include "tmux.hpp"

namespace mosaic::fleet {

enum class Readiness { working, idle, stuck, stale, dead, unknown };

std::string to_string(Readiness r);

struct ReadinessThresholds {
    std::chrono::seconds interval{default_heartbeat_interval_s};
    std::chrono::seconds idle_after{300};
    std::chrono::seconds stuck_after{900};
};

// MOSAIC_FLEET_IDLE_AFTER and MOSAIC_FLEET_STUCK_AFTER (whole seconds >= 1, stuck greater
// than idle) and MOSAIC_HEARTBEAT_INTERVAL; unset or empty keeps the default. A bad value
// throws mosaic::Error(exit_usage) naming the variable.
ReadinessThresholds readiness_thresholds(const std::optional<std::string>& idle_env,
                                         const std::optional<std::string>& stuck_env,
                                         const std::optional<std::string>& interval_env);

struct ReadinessInput {
    std::optional<Heartbeat> heartbeat;
    std::optional<bool> heartbeat_pid_alive;  // nullopt: not checked
    std::optional<bool> session_exists;       // nullopt: tmux could not be asked
    std::optional<TmuxPane> pane;             // the session's first pane, when tmux listed it
};

Readiness classify_readiness(const ReadinessInput& input, std::chrono::system_clock::time_point now,
                             const ReadinessThresholds& thresholds);

// A beat is healthy when it is no older than 3 intervals: its own interval_s when it records
// one, else `interval`.
bool heartbeat_healthy(const Heartbeat& beat, std::chrono::system_clock::time_point now, std::chrono::seconds interval);

// Whole seconds from `unix_seconds` to `now`; never negative (clock skew reads as 0).
long long age_seconds(long long unix_seconds, std::chrono::system_clock::time_point now);

}  // namespace mosaic::fleet
