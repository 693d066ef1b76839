#include "health.hpp"

namespace mosaic::gateway {

std::optional<nlohmann::json> probe_health(HttpClient& http, const std::string& url) {
    HttpResult r = http.send("GET", url, "/health");
    if (r.status != 200) return std::nullopt;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("status", "") != "ok") return std::nullopt;
    return j;
}

HealthResult wait_for_health(HttpClient& http, const std::string& url, support::Clock& clock,
                             support::Sleeper& sleeper, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds interval, const std::function<bool()>& still_running,
                             const std::function<void(const std::string&)>& on_state) {
    auto deadline = clock.now() + timeout;
    std::string last_state;
    auto report = [&](const std::string& s) {
        if (s != last_state && on_state) on_state(s);
        last_state = s;
    };
    while (true) {
        HttpResult r = http.send("GET", url, "/health");
        if (r.status == 200) {
            auto j = nlohmann::json::parse(r.body, nullptr, false);
            if (!j.is_discarded() && j.is_object() && j.value("status", "") == "ok") {
                report("healthy");
                return HealthResult{true, "", j};
            }
            report("answering but not healthy yet");
        } else if (r.answered()) {
            report("answering HTTP " + std::to_string(r.status));
        } else {
            report("waiting for " + url + " (" + (r.error.empty() ? "no answer" : r.error) + ")");
        }
        if (still_running && !still_running()) return HealthResult{false, "the gateway process exited", {}};
        if (clock.now() >= deadline) {
            auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
            return HealthResult{false, "no healthy answer within " + std::to_string(secs) + " s (last: " + last_state + ")", {}};
        }
        sleeper.sleep_for(interval);
    }
}

}  // namespace mosaic::gateway
