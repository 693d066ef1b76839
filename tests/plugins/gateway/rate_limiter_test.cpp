#include <gtest/gtest.h>

#include "rate_limiter.hpp"

using namespace std::chrono;
namespace gw = mosaic::gateway;

TEST(AttemptLimiter, BlocksAfterMaxFailuresUntilTheOldestLeavesTheWindow) {
    gw::MemoryAttemptLimiter l(3, seconds(60));
    system_clock::time_point t0{hours(1000)};
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(l.blocked_for("k", t0 + seconds(i)));
        l.record_failure("k", t0 + seconds(i));
    }
    auto wait = l.blocked_for("k", t0 + seconds(10));
    ASSERT_TRUE(wait);
    EXPECT_EQ(*wait, 50);
    EXPECT_FALSE(l.blocked_for("k", t0 + seconds(60)));
    EXPECT_FALSE(l.blocked_for("other", t0 + seconds(10)));
}

TEST(AttemptLimiter, ResetClearsTheKey) {
    gw::MemoryAttemptLimiter l(1, seconds(60));
    system_clock::time_point t0{hours(1000)};
    l.record_failure("k", t0);
    EXPECT_TRUE(l.blocked_for("k", t0));
    l.reset("k");
    EXPECT_FALSE(l.blocked_for("k", t0));
}
