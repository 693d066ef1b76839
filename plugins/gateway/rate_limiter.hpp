// rate_limiter.hpp - sign-in failure limits: at most `max_failures` failures per key within
// a sliding `window`; past that, attempts are refused until the oldest failure leaves the
// window (the caller answers 429 with Retry-After = retry_after). Keys are "email:<addr>"
// and "ip:<client address>". In memory (the local tier has one gateway process); the team
// tier can back the same interface with Valkey. Thread-safe. Time is passed in, so the
// limiter is a pure state machine in tests.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mosaic::gateway {

class AttemptLimiter {
public:
    virtual ~AttemptLimiter() = default;
    // Seconds to wait before the next attempt for `key`, or nullopt when allowed.
    virtual std::optional<int> blocked_for(const std::string& key, std::chrono::system_clock::time_point now) = 0;
    virtual void record_failure(const std::string& key, std::chrono::system_clock::time_point now) = 0;
    virtual void reset(const std::string& key) = 0;
};

class MemoryAttemptLimiter final : public AttemptLimiter {
public:
    MemoryAttemptLimiter(int max_failures, std::chrono::seconds window) : max_(max_failures), window_(window) {}

    std::optional<int> blocked_for(const std::string& key, std::chrono::system_clock::time_point now) override;
    void record_failure(const std::string& key, std::chrono::system_clock::time_point now) override;
    void reset(const std::string& key) override;

private:
    void prune(std::deque<std::chrono::system_clock::time_point>& q, std::chrono::system_clock::time_point now) const;

    int max_;
    std::chrono::seconds window_;
    std::mutex mu_;
    std::map<std::string, std::deque<std::chrono::system_clock::time_point>> failures_;
};

}  // namespace mosaic::gateway
