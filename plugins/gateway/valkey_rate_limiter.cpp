#include "valkey_rate_limiter.hpp"

#include <cmath>

#include "crypto.hpp"

namespace mosaic::gateway {

namespace {

// KEYS[1] the set; ARGV: now ms, window ms, max failures. Returns -1 when allowed, else the
// score (ms) of the oldest failure still in the window.
const char* const kBlockedFor = R"lua(
local now, window, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < max then return -1 end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2])
)lua";

// KEYS[1] the set; ARGV: now ms, window ms, a unique member.
const char* const kRecord = R"lua(
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 1
)lua";

std::int64_t ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string ValkeyAttemptLimiter::key_for(const std::string& key) const { return prefix_ + sha256_hex(key); }

std::optional<int> ValkeyAttemptLimiter::blocked_for(const std::string& key, std::chrono::system_clock::time_point now) {
    std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
    auto r = valkey_.command({"EVAL", kBlockedFor, "1", key_for(key), std::to_string(ms(now)), std::to_string(window_ms),
                              std::to_string(max_)});
    if (r.integer < 0) return std::nullopt;
    double wait_s = std::ceil(static_cast<double>(r.integer + window_ms - ms(now)) / 1000.0);
    return static_cast<int>(wait_s < 1 ? 1 : wait_s);
}

void ValkeyAttemptLimiter::record_failure(const std::string& key, std::chrono::system_clock::time_point now) {
    std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
    valkey_.command({"EVAL", kRecord, "1", key_for(key), std::to_string(ms(now)), std::to_string(window_ms),
                     std::to_string(ms(now)) + "-" + random_hex(8)});
}

void ValkeyAttemptLimiter::reset(const std::string& key) { valkey_.command({"DEL", key_for(key)}); }

}  // namespace mosaic::gateway
