// valkey_rate_limiter.hpp - the team tier's sign-in attempt limiter: the same policies as
// MemoryAttemptLimiter, kept in Valkey so that every gateway sharing the Valkey counts the
// same attempts. One sorted set per key (member per attempt, score = time in ms); a Lua
// script prunes, judges and adds in one step, so a reservation is atomic on the server
// however many gateways ask at once; the set expires with its window. Keys are
// "<prefix><sha256 of the limiter key>" (bounded length, no email in Valkey's key space).
#pragma once

#include <string>

#include "rate_limiter.hpp"
#include "valkey.hpp"

namespace mosaic::gateway {

class ValkeyAttemptLimiter final : public AttemptLimiter {
public:
    ValkeyAttemptLimiter(ValkeyClient& valkey, std::string key_prefix, LimitPolicy policy)
        : valkey_(valkey), prefix_(std::move(key_prefix)), policy_(policy) {}

    Reservation reserve(const std::string& key, std::chrono::system_clock::time_point now) override;
    void cancel(const std::string& key, const std::string& id) override;
    void reset(const std::string& key) override;

private:
    std::string key_for(const std::string& key) const;

    ValkeyClient& valkey_;
    std::string prefix_;
    LimitPolicy policy_;
};

}  // namespace mosaic::gateway
