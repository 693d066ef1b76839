#include <gtest/gtest.h>

#include "rate_limiter.hpp"

using namespace std::chrono;
namespace gw = mosaic::gateway;

namespace {
const system_clock::time_point t0{hours(1000)};
}

TEST(AttemptLimiter, CapsAttemptsUntilTheOldestLeavesTheWindow) {
    gw::MemoryAttemptLimiter l(gw::LimitPolicy{3, seconds(60), 0, seconds(60)});
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.reserve("k", t0 + seconds(i)).allowed());
    auto refused = l.reserve("k", t0 + seconds(10));
    EXPECT_FALSE(refused.allowed());
    EXPECT_EQ(refused.retry_after_s, 50);
    EXPECT_TRUE(l.reserve("k", t0 + seconds(60)).allowed());
    EXPECT_TRUE(l.reserve("other", t0 + seconds(10)).allowed());
}

TEST(AttemptLimiter, ACancelledAttemptDoesNotCount) {
    gw::MemoryAttemptLimiter l(gw::LimitPolicy{2, seconds(60), 0, seconds(60)});
    auto a = l.reserve("k", t0);
    auto b = l.reserve("k", t0);
    ASSERT_TRUE(a.allowed() && b.allowed());
    EXPECT_FALSE(l.reserve("k", t0).allowed());
    l.cancel("k", *a.id);
    EXPECT_TRUE(l.reserve("k", t0).allowed());
}

TEST(AttemptLimiter, ResetClearsTheKey) {
    gw::MemoryAttemptLimiter l(gw::LimitPolicy{1, seconds(60), 0, seconds(60)});
    EXPECT_TRUE(l.reserve("k", t0).allowed());
    EXPECT_FALSE(l.reserve("k", t0).allowed());
    l.reset("k");
    EXPECT_TRUE(l.reserve("k", t0).allowed());
}

TEST(AttemptLimiter, BackoffDoublesFromOneSecondUpToItsCap) {
    gw::MemoryAttemptLimiter l(gw::LimitPolicy{0, minutes(15), 2, seconds(5)});
    auto now = t0;
    EXPECT_TRUE(l.reserve("k", now).allowed());
    EXPECT_TRUE(l.reserve("k", now).allowed());
    // Past two attempts: 1 s, 2 s, 4 s, then the 5 s cap, each after the previous attempt.
    for (int wait : {1, 2, 4, 5, 5}) {
        auto refused = l.reserve("k", now);
        ASSERT_FALSE(refused.allowed());
        EXPECT_EQ(refused.retry_after_s, wait);
        now += seconds(wait);
        EXPECT_TRUE(l.reserve("k", now).allowed()) << wait;
    }
    EXPECT_EQ(gw::backoff_delay(gw::LimitPolicy{0, minutes(15), 10, seconds(60)}, 1000), seconds(60));
}
