#include "rate_limiter.hpp"

#include <algorithm>

namespace mosaic::gateway {

using namespace std::chrono;

namespace {
int ceil_seconds(system_clock::duration d) {
    auto s = ceil<seconds>(d).count();
    return static_cast<int>(s < 1 ? 1 : s);
}
}  // namespace

milliseconds backoff_delay(const LimitPolicy& policy, int attempts) {
    int exponent = std::clamp(attempts - policy.backoff_after, 0, 16);
    return std::min<milliseconds>(milliseconds(1000LL << exponent), policy.backoff_cap);
}

void MemoryAttemptLimiter::prune(std::deque<Attempt>& q, system_clock::time_point now) const {
    while (!q.empty() && q.front().at + policy_.window <= now) q.pop_front();
}

Reservation MemoryAttemptLimiter::reserve(const std::string& key, system_clock::time_point now) {
    std::lock_guard lock(mu_);
    auto& q = attempts_[key];
    prune(q, now);
    const int count = static_cast<int>(q.size());
    if (policy_.max_attempts > 0 && count >= policy_.max_attempts)
        return Reservation{std::nullopt, ceil_seconds(q.front().at + policy_.window - now)};
    if (policy_.backoff_after > 0 && count >= policy_.backoff_after) {
        auto next = q.back().at + backoff_delay(policy_, count);
        if (now < next) return Reservation{std::nullopt, ceil_seconds(next - now)};
    }
    std::string id = std::to_string(++next_id_);
    q.push_back(Attempt{now, id});
    // Bound memory under a flood of distinct keys: drop keys whose attempts have all expired.
    if (attempts_.size() > 10000) {
        for (auto i = attempts_.begin(); i != attempts_.end();) {
            prune(i->second, now);
            i = i->second.empty() ? attempts_.erase(i) : std::next(i);
        }
    }
    return Reservation{id, 0};
}

void MemoryAttemptLimiter::cancel(const std::string& key, const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(key);
    if (it == attempts_.end()) return;
    std::erase_if(it->second, [&](const Attempt& a) { return a.id == id; });
    if (it->second.empty()) attempts_.erase(it);
}

void MemoryAttemptLimiter::reset(const std::string& key) {
    std::lock_guard lock(mu_);
    attempts_.erase(key);
}

}  // namespace mosaic::gateway
