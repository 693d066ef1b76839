#include "readiness.hpp"

#include <mosaic/error.hpp>

namespace mosaic::fleet {

using std::chrono::seconds;

std::string to_string(Readiness r) {
    switch (r) {
        case Readiness::working: return "working";
        case Readiness::idle: return "idle";
        case Readiness::stuck: return "stuck";
        case Readiness::stale: return "stale";
        case Readiness::dead: return "dead";
        case Readiness::unknown: break;
    }
    return "unknown";
}

namespace {

std::optional<seconds> threshold(const char* variable, const std::optional<std::string>& value) {
    if (!value || value->empty()) return std::nullopt;
    const std::string& v = *value;
    if (v.size() <= 7 && v.find_first_not_of("0123456789") == std::string::npos) {
        long n = std::stol(v);
        if (n >= 1) return seconds(n);
    }
    throw Error(exit_usage, std::string(variable) + " must be a whole number of seconds (1 or more), got '" + v + "'");
}

}  // namespace

ReadinessThresholds readiness_thresholds(const std::optional<std::string>& idle_env,
                                         const std::optional<std::string>& stuck_env,
                                         const std::optional<std::string>& interval_env) {
    ReadinessThresholds t;
    t.interval = heartbeat_interval(interval_env);
    if (auto idle = threshold("MOSAIC_FLEET_IDLE_AFTER", idle_env)) t.idle_after = *idle;
    if (auto stuck = threshold("MOSAIC_FLEET_STUCK_AFTER", stuck_env)) t.stuck_after = *stuck;
    if (t.stuck_after <= t.idle_after)
        throw Error(exit_usage, "MOSAIC_FLEET_STUCK_AFTER (" + std::to_string(t.stuck_after.count()) +
                                    " s) must be greater than MOSAIC_FLEET_IDLE_AFTER (" +
                                    std::to_string(t.idle_after.count()) + " s)");
    return t;
}

long long age_seconds(long long unix_seconds, std::chrono::system_clock::time_point now) {
    long long now_s = std::chrono::duration_cast<seconds>(now.time_since_epoch()).count();
    return now_s > unix_seconds ? now_s - unix_seconds : 0;
}

bool heartbeat_healthy(const Heartbeat& beat, std::chrono::system_clock::time_point now, seconds interval) {
    long long own = beat.interval_s > 0 ? beat.interval_s : interval.count();
    return age_seconds(beat.ts, now) <= 3 * own;
}

Readiness classify_readiness(const ReadinessInput& in, std::chrono::system_clock::time_point now,
                             const ReadinessThresholds& t) {
    if (in.pane && in.pane->dead) return Readiness::dead;
    const bool session_gone = in.session_exists.has_value() && !*in.session_exists;
    if (in.heartbeat) {
        if (in.heartbeat->status == heartbeat_exited) return Readiness::dead;
        if (in.heartbeat_pid_alive.has_value() && !*in.heartbeat_pid_alive) return Readiness::dead;
        if (heartbeat_healthy(*in.heartbeat, now, t.interval)) {
            if (!in.pane || in.pane->activity <= 0) return Readiness::working;
            long long quiet = age_seconds(in.pane->activity, now);
            if (quiet >= t.stuck_after.count()) return Readiness::stuck;
            if (quiet >= t.idle_after.count()) return Readiness::idle;
            return Readiness::working;
        }
        return session_gone ? Readiness::dead : Readiness::stale;
    }
    return session_gone ? Readiness::dead : Readiness::unknown;
}

}  // namespace mosaic::fleet
