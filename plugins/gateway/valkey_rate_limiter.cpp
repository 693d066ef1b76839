#include "valkey_rate_limiter.hpp"

#include <cmath>

#include "crypto.hpp"

namespace mosaic::gateway {

namespace {

// KEYS[1] the set; ARGV: now ms, window ms, max attempts (0: none), backoff after (0: none),
// backoff cap ms, the new member. Returns -1 when the attempt is counted, else the wait in ms.
// The backoff is the one of backoff_delay(): 1 s doubling per attempt past `after`, capped.
const char* const kReserve = R"lua(
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local max, after, cap = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if max > 0 and n >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
if after > 0 and n >= after then
  local e = math.min(n - after, 16)
  local delay = math.min(1000 * 2 ^ e, cap)
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local wait = tonumber(last[2]) + delay - now
  if wait > 0 then return wait end
end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('PEXPIRE', KEYS[1], window)
return -1
)lua";

std::int64_t ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string ValkeyAttemptLimiter::key_for(const std::string& key) const { return prefix_ + sha256_hex(key); }

Reservation ValkeyAttemptLimiter::reserve(const std::string& key, std::chrono::system_clock::time_point now) {
    std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.window).count();
    std::int64_t cap_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.backoff_cap).count();
    std::string id = std::to_string(ms(now)) + "-" + random_hex(8);
    auto r = valkey_.command({"EVAL", kReserve, "1", key_for(key), std::to_string(ms(now)), std::to_string(window_ms),
                              std::to_string(policy_.max_attempts), std::to_string(policy_.backoff_after),
                              std::to_string(cap_ms), id});
    if (r.integer < 0) return Reservation{id, 0};
    double wait_s = std::ceil(static_cast<double>(r.integer) / 1000.0);
    return Reservation{std::nullopt, static_cast<int>(wait_s < 1 ? 1 : wait_s)};
}

void ValkeyAttemptLimiter::cancel(const std::string& key, const std::string& id) {
    valkey_.command({"ZREM", key_for(key), id});
}

void ValkeyAttemptLimiter::reset(const std::string& key) { valkey_.command({"DEL", key_for(key)}); }

}  // namespace mosaic::gateway
