// health.hpp - waiting for a gateway to answer GET /health, bounded, reporting each state
// change (so the caller shows progress on a TTY and one line per change otherwise).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include <mosaic/support/clock.hpp>

#include "http.hpp"

namespace mosaic::gateway {

struct HealthResult {
    bool healthy = false;
    std::string reason;  // why not: "timed out after 30 s (last: connection refused)", "the process exited"
    nlohmann::json body;  // the /health document when healthy
};

// Polls `url`/health every `interval` until it answers 200 with {"status":"ok"}, `timeout`
// passes, or `still_running` says the daemon is gone. `on_state` gets each new state text.
HealthResult wait_for_health(HttpClient& http, const std::string& url, support::Clock& clock,
                             support::Sleeper& sleeper, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds interval, const std::function<bool()>& still_running,
                             const std::function<void(const std::string&)>& on_state);

// One probe: the /health document, or nullopt.
std::optional<nlohmann::json> probe_health(HttpClient& http, const std::string& url);

}  // namespace mosaic::gateway
