// backend_monitor.hpp - what GET /health reports: each storage backend as a background probe
// last saw it, so that answering /health never waits on a backend. A probe runs every
// `interval` on its own thread; a report older than `stale_after` (the probe itself is stuck,
// e.g. on a stopped PostgreSQL) marks every backend unavailable, so /health answers 503
// "degraded" at once instead of hanging.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "storage.hpp"

namespace mosaic::gateway {

struct HealthReport {
    std::vector<BackendHealth> backends;
    double age_ms = 0;  // how long ago the probe behind it finished
};

class BackendMonitor {
public:
    using Probe = std::function<std::vector<BackendHealth>()>;
    // Probes once before returning, so the first report is real.
    BackendMonitor(Probe probe, std::chrono::milliseconds interval = std::chrono::milliseconds(250),
                   std::chrono::milliseconds stale_after = std::chrono::milliseconds(1000));
    ~BackendMonitor();  // waits for a probe in progress (each backend bounds its own calls)
    BackendMonitor(const BackendMonitor&) = delete;
    BackendMonitor& operator=(const BackendMonitor&) = delete;

    HealthReport report() const;

private:
    void run();

    Probe probe_;
    std::chrono::milliseconds interval_, stale_after_;
    mutable std::mutex mu_;
    std::condition_variable stop_cv_;
    bool stop_ = false;
    std::vector<BackendHealth> last_;
    std::chrono::steady_clock::time_point last_at_;
    std::thread thread_;
};

}  // namespace mosaic::gateway
