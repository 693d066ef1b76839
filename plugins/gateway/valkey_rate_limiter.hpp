// valkey_rate_limiter.hpp - the team tier's sign-in failure limiter: the same sliding window
// as MemoryAttemptLimiter, kept in Valkey so that every gateway sharing the Valkey counts
// the same failures. One sorted set per key (member per failure, score = time in ms),
// pruned and read by Lua scripts so each step is atomic on the server; the set expires with
// its window. Keys are "<prefix><sha256 of the limiter key>" (bounded length, no email in
// Valkey's key space).
#pragma once

#include <string>

#include "rate_limiter.hpp"
#include "valkey.hpp"

namespace mosaic::gateway {

class ValkeyAttemptLimiter final : public AttemptLimiter {
public:
    ValkeyAttemptLimiter(ValkeyClient& valkey, std::string key_prefix, int max_failures, std::chrono::seconds window)
        : valkey_(valkey), prefix_(std::move(key_prefix)), max_(max_failures), window_(window) {}

    std::optional<int> blocked_for(const std::string& key, std::chrono::system_clock::time_point now) override;
    void record_failure(const std::string& key, std::chrono::system_clock::time_point now) override;
    void reset(const std::string& key) override;

private:
    std::string key_for(const std::string& key) const;

    ValkeyClient& valkey_;
    std::string prefix_;
    int max_;
    std::chrono::seconds window_;
};

}  // namespace mosaic::gateway
