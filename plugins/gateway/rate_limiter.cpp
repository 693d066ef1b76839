#include "rate_limiter.hpp"

namespace mosaic::gateway {

void MemoryAttemptLimiter::prune(std::deque<std::chrono::system_clock::time_point>& q,
                                 std::chrono::system_clock::time_point now) const {
    while (!q.empty() && q.front() + window_ <= now) q.pop_front();
}

std::optional<int> MemoryAttemptLimiter::blocked_for(const std::string& key, std::chrono::system_clock::time_point now) {
    std::lock_guard lock(mu_);
    auto it = failures_.find(key);
    if (it == failures_.end()) return std::nullopt;
    prune(it->second, now);
    if (it->second.empty()) {
        failures_.erase(it);
        return std::nullopt;
    }
    if (static_cast<int>(it->second.size()) < max_) return std::nullopt;
    auto wait = std::chrono::ceil<std::chrono::seconds>(it->second.front() + window_ - now).count();
    return static_cast<int>(wait < 1 ? 1 : wait);
}

void MemoryAttemptLimiter::record_failure(const std::string& key, std::chrono::system_clock::time_point now) {
    std::lock_guard lock(mu_);
    auto& q = failures_[key];
    prune(q, now);
    q.push_back(now);
    // Bound memory under a flood of distinct keys: drop keys whose failures have all expired.
    if (failures_.size() > 10000) {
        for (auto i = failures_.begin(); i != failures_.end();) {
            prune(i->second, now);
            i = i->second.empty() ? failures_.erase(i) : std::next(i);
        }
    }
}

void MemoryAttemptLimiter::reset(const std::string& key) {
    std::lock_guard lock(mu_);
    failures_.erase(key);
}

}  // namespace mosaic::gateway
