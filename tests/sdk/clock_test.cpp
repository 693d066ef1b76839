#include <gtest/gtest.h>

#include <mosaic/support/clock.hpp>

using namespace mosaic::support;
using namespace std::chrono_literals;

TEST(FakeSleeper, RecordsSleepsAndAdvancesTheFakeClock) {
    FakeClock clock;
    FakeSleeper sleeper(&clock);
    auto t0 = clock.now();
    sleeper.sleep_for(250ms);
    sleeper.sleep_for(1s);
    EXPECT_EQ(clock.now() - t0, 1250ms);
    EXPECT_EQ(sleeper.sleeps, (std::vector<std::chrono::milliseconds>{250ms, 1000ms}));
}

TEST(RealSleeper, SleepsAtLeastTheRequestedTime) {
    SystemClock clock;
    RealSleeper sleeper;
    auto t0 = clock.now();
    sleeper.sleep_for(5ms);
    EXPECT_GE(clock.now() - t0, 5ms);
}
