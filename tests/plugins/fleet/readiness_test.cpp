// Readiness classification: one table of situations against a fake clock, and the thresholds
// read from the environment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/support/clock.hpp>

#include "readiness.hpp"

using namespace mosaic::fleet;
using std::chrono::seconds;

namespace {

long long unix_now(const mosaic::support::FakeClock& clock) {
    return std::chrono::duration_cast<seconds>(clock.now().time_since_epoch()).count();
}

struct Case {
    const char* situation;
    std::optional<long long> beat_age;       // seconds before now; nullopt: no heartbeat file
    const char* beat_status;
    std::optional<bool> pid_alive;
    std::optional<bool> session_exists;
    std::optional<long long> quiet;          // seconds since the pane's last output; nullopt: no pane listed
    bool pane_dead;
    Readiness expected;
};

// interval 15 s (healthy up to 45 s), idle after 300 s, stuck after 900 s.
const Case kCases[] = {
    {"fresh beat, output just now", 2, "alive", true, true, 0, false, Readiness::working},
    {"beat exactly 3 intervals old is still healthy", 45, "alive", true, true, 10, false, Readiness::working},
    {"quiet just under the idle threshold", 5, "alive", true, true, 299, false, Readiness::working},
    {"quiet for the idle threshold", 5, "alive", true, true, 300, false, Readiness::idle},
    {"quiet just under the stuck threshold", 5, "alive", true, true, 899, false, Readiness::idle},
    {"quiet for the stuck threshold", 5, "alive", true, true, 900, false, Readiness::stuck},
    {"healthy beat, tmux could not list the pane", 5, "alive", std::nullopt, std::nullopt, std::nullopt, false,
     Readiness::working},
    {"beat says the process exited", 1, "exited", std::nullopt, true, 0, false, Readiness::dead},
    {"fresh beat but its process is gone", 1, "alive", false, true, 0, false, Readiness::dead},
    {"pane is dead (remain-on-exit)", 1, "alive", true, true, 0, true, Readiness::dead},
    {"pane is dead and there is no beat", std::nullopt, "", std::nullopt, true, 0, true, Readiness::dead},
    {"beat stopped, session still there", 46, "alive", true, true, 0, false, Readiness::stale},
    {"beat stopped, tmux unreadable", 600, "alive", std::nullopt, std::nullopt, std::nullopt, false, Readiness::stale},
    {"beat stopped and the session is gone", 46, "alive", std::nullopt, false, std::nullopt, false, Readiness::dead},
    {"no beat, session gone", std::nullopt, "", std::nullopt, false, std::nullopt, false, Readiness::dead},
    {"no beat, session there", std::nullopt, "", std::nullopt, true, 0, false, Readiness::unknown},
    {"no beat, tmux unreadable", std::nullopt, "", std::nullopt, std::nullopt, std::nullopt, false, Readiness::unknown},
    {"beat from the future (clock skew) counts as fresh", -30, "alive", true, true, 0, false, Readiness::working},
};

}  // namespace

TEST(Readiness, ClassifiesEverySituationOfTheTable) {
    mosaic::support::FakeClock clock;
    ReadinessThresholds t;  // 15 / 300 / 900
    for (const auto& c : kCases) {
        ReadinessInput in;
        if (c.beat_age) in.heartbeat = Heartbeat{unix_now(clock) - *c.beat_age, 4242, c.beat_status};
        in.heartbeat_pid_alive = c.pid_alive;
        in.session_exists = c.session_exists;
        if (c.quiet) {
            TmuxPane pane;
            pane.session = "a";
            pane.pid = 4242;
            pane.command = "claude";
            pane.dead = c.pane_dead;
            pane.activity = unix_now(clock) - *c.quiet;
            in.pane = pane;
        }
        EXPECT_EQ(to_string(classify_readiness(in, clock.now(), t)), to_string(c.expected)) << c.situation;
    }
}

TEST(Readiness, ABeatAgesIntoStaleAsTheClockMoves) {
    mosaic::support::FakeClock clock;
    ReadinessThresholds t;
    t.interval = seconds(1);
    ReadinessInput in;
    in.heartbeat = Heartbeat{unix_now(clock), 7, "alive"};
    in.session_exists = true;
    EXPECT_EQ(classify_readiness(in, clock.now(), t), Readiness::working);
    clock.advance(seconds(3));
    EXPECT_EQ(classify_readiness(in, clock.now(), t), Readiness::working);
    clock.advance(seconds(1));
    EXPECT_EQ(classify_readiness(in, clock.now(), t), Readiness::stale);
    in.session_exists = false;
    EXPECT_EQ(classify_readiness(in, clock.now(), t), Readiness::dead);
}

TEST(Readiness, ABeatIsJudgedByTheIntervalItWasWrittenWith) {
    mosaic::support::FakeClock clock;
    ReadinessThresholds t;  // the reader's interval: 15 s
    ReadinessInput in;
    in.session_exists = true;
    in.heartbeat = Heartbeat{unix_now(clock) - 100, 7, "alive", 60};  // the sidecar beats every 60 s
    EXPECT_EQ(classify_readiness(in, clock.now(), t), Readiness::working);
    in.heartbeat = Heartbeat{unix_now(clock) - 181, 7, "alive", 60};
    EXPECT_EQ(classify_readiness(in, clock.now(), t), Readiness::stale);
    in.heartbeat = Heartbeat{unix_now(clock) - 100, 7, "alive", 0};  // not recorded: the reader's 15 s
    EXPECT_EQ(classify_readiness(in, clock.now(), t), Readiness::stale);
}

TEST(Readiness, ThresholdsComeFromTheEnvironment) {
    auto t = readiness_thresholds(std::string("60"), std::string("120"), std::string("2"));
    EXPECT_EQ(t.idle_after, seconds(60));
    EXPECT_EQ(t.stuck_after, seconds(120));
    EXPECT_EQ(t.interval, seconds(2));
    auto d = readiness_thresholds(std::nullopt, std::string(""), std::nullopt);
    EXPECT_EQ(d.idle_after, seconds(300));
    EXPECT_EQ(d.stuck_after, seconds(900));
    EXPECT_EQ(d.interval, seconds(15));
}

TEST(Readiness, BadThresholdsNameTheVariable) {
    auto message = [](const std::function<void()>& f) -> std::string {
        try {
            f();
        } catch (const mosaic::Error& e) {
            EXPECT_EQ(e.code(), mosaic::exit_usage);
            return e.what();
        }
        return "no error";
    };
    EXPECT_EQ(message([] { readiness_thresholds(std::string("5m"), std::nullopt, std::nullopt); }),
              "MOSAIC_FLEET_IDLE_AFTER must be a whole number of seconds (1 or more), got '5m'");
    EXPECT_THAT(message([] { readiness_thresholds(std::nullopt, std::string("0"), std::nullopt); }),
                ::testing::HasSubstr("MOSAIC_FLEET_STUCK_AFTER"));
    EXPECT_THAT(message([] { readiness_thresholds(std::string("900"), std::string("300"), std::nullopt); }),
                ::testing::HasSubstr("must be greater than MOSAIC_FLEET_IDLE_AFTER"));
    EXPECT_THAT(message([] { readiness_thresholds(std::nullopt, std::nullopt, std::string("-1")); }),
                ::testing::HasSubstr("MOSAIC_HEARTBEAT_INTERVAL"));
}
