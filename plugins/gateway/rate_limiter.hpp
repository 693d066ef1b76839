// rate_limiter.hpp - sign-in attempt limits. An attempt is reserved before the password is
// checked (so the limit holds exactly however many requests arrive at once): reserve() counts
// it and answers whether it may go ahead; an attempt that succeeds (or is not made after all)
// is cancel()ed and does not count. What is left in the window are the failures.
//
// A policy caps the attempts per key within a sliding window, and/or, past `backoff_after`
// attempts, spaces them: each next attempt waits 1 s, 2 s, 4 s, ... (at most `backoff_cap`)
// after the previous one. The Api keys three limits (api.hpp): (email, address) strictly,
// the address less so, the email only with backoff, so that guessing from one address stops
// soon, while nobody can lock the owner out from elsewhere for longer than the backoff cap.
// In memory here (the local tier has one gateway process); ValkeyAttemptLimiter keeps the same
// state in Valkey for the team tier. Thread-safe. Time is passed in, so the limiter is a pure
// state machine in tests.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace mosaic::gateway {

struct LimitPolicy {
    int max_attempts = 0;  // per `window`; 0: no cap
    std::chrono::seconds window{15 * 60};
    int backoff_after = 0;  // 0: no backoff
    std::chrono::seconds backoff_cap{60};
};

struct Reservation {
    std::optional<std::string> id;  // set when the attempt may go ahead
    int retry_after_s = 0;          // otherwise: seconds until it may (at least 1)
    bool allowed() const { return id.has_value(); }
};

// The wait of a backoff policy after `attempts` attempts (past policy.backoff_after).
std::chrono::milliseconds backoff_delay(const LimitPolicy& policy, int attempts);

class AttemptLimiter {
public:
    virtual ~AttemptLimiter() = default;
    // Atomically: refuse (with the wait) when the key is at its limit, else count the attempt.
    virtual Reservation reserve(const std::string& key, std::chrono::system_clock::time_point now) = 0;
    // The attempt `id` of `key` no longer counts (it succeeded, or another limit refused it).
    virtual void cancel(const std::string& key, const std::string& id) = 0;
    // Forget every attempt of `key`.
    virtual void reset(const std::string& key) = 0;
};

class MemoryAttemptLimiter final : public AttemptLimiter {
public:
    explicit MemoryAttemptLimiter(LimitPolicy policy) : policy_(policy) {}

    Reservation reserve(const std::string& key, std::chrono::system_clock::time_point now) override;
    void cancel(const std::string& key, const std::string& id) override;
    void reset(const std::string& key) override;

private:
    struct Attempt {
        std::chrono::system_clock::time_point at;
        std::string id;
    };
    void prune(std::deque<Attempt>& q, std::chrono::system_clock::time_point now) const;

    LimitPolicy policy_;
    std::mutex mu_;
    std::map<std::string, std::deque<Attempt>> attempts_;
    unsigned long long next_id_ = 0;
};

}  // namespace mosaic::gateway
