#include "backend_monitor.hpp"

#include <fmt/format.h>

namespace mosaic::gateway {

BackendMonitor::BackendMonitor(Probe probe, std::chrono::milliseconds interval, std::chrono::milliseconds stale_after)
    : probe_(std::move(probe)), interval_(interval), stale_after_(stale_after) {
    last_ = probe_();
    last_at_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] { run(); });
}

BackendMonitor::~BackendMonitor() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
}

HealthReport BackendMonitor::report() const {
    HealthReport r;
    {
        std::lock_guard lock(mu_);
        r.backends = last_;
        r.age_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - last_at_).count();
    }
    if (r.age_ms > static_cast<double>(stale_after_.count())) {
        for (auto& b : r.backends) {
            b.ok = false;
            b.detail = fmt::format("{} has not answered the health probe for {:.0f} ms", b.name, r.age_ms);
        }
    }
    return r;
}

void BackendMonitor::run() {
    std::unique_lock lock(mu_);
    while (!stop_) {
        if (stop_cv_.wait_for(lock, interval_, [this] { return stop_; })) return;
        lock.unlock();
        auto fresh = probe_();
        lock.lock();
        last_ = std::move(fresh);
        last_at_ = std::chrono::steady_clock::now();
    }
}

}  // namespace mosaic::gateway
