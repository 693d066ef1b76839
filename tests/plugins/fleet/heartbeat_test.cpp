// The heartbeat: its record, where it lives, its interval, and the sidecar loop driven by a
// fake clock and a scripted /proc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "error_code.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "heartbeat.hpp"

using namespace mosaic::fleet;
using fleet_test::read_text;
using fleet_test::write_text;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

namespace {

long long unix_now(const mosaic::support::Clock& clock) {
    return std::chrono::duration_cast<seconds>(clock.now().time_since_epoch()).count();
}

// A sleeper that moves the fake clock and runs `on_sleep(n)` before the n-th sleep (1-based),
// so a test can kill the watched process or take the file over at a chosen moment.
class ScriptedSleeper : public mosaic::support::Sleeper {
public:
    explicit ScriptedSleeper(mosaic::support::FakeClock& clock) : clock_(clock) {}
    void sleep_for(milliseconds d) override {
        sleeps.push_back(d);
        if (on_sleep) on_sleep(sleeps.size());
        clock_.advance(d);
    }
    std::function<void(std::size_t)> on_sleep;
    std::vector<milliseconds> sleeps;

private:
    mosaic::support::FakeClock& clock_;
};

struct SidecarFixture : ::testing::Test {
    mosaic::testing::TempDir tmp;
    mosaic::support::FakeClock clock;
    ScriptedSleeper sleeper{clock};
    fleet_test::FakeInspector inspector;
    HeartbeatOptions options;
    std::vector<std::string> beats;  // the file's content at every sleep

    SidecarFixture() {
        inspector.start_times = {{4242, 900}};
        options.agent = "coder-1";
        options.pid = 4242;
        options.interval = seconds(3);
        options.file = heartbeat_path(tmp.path() / "run", "coder-1");
    }
    Heartbeat current() { return parse_heartbeat(read_text(options.file)).value(); }
};

}  // namespace

TEST(HeartbeatRecord, RendersAndParsesTsPidStatus) {
    std::string text = render_heartbeat({1767225600, 4242, "alive", 15});
    EXPECT_EQ(text, "{\"interval_s\":15,\"pid\":4242,\"status\":\"alive\",\"ts\":1767225600}\n");
    auto beat = parse_heartbeat(text);
    ASSERT_TRUE(beat);
    EXPECT_EQ(beat->ts, 1767225600);
    EXPECT_EQ(beat->pid, 4242);
    EXPECT_EQ(beat->status, "alive");
    EXPECT_EQ(beat->interval_s, 15);
    // The three keys of the record are enough; extra keys are ignored.
    auto minimal = parse_heartbeat("{\"ts\": 5, \"pid\": 6, \"status\": \"exited\", \"note\": 1}");
    ASSERT_TRUE(minimal);
    EXPECT_EQ(minimal->interval_s, 0);
}

TEST(HeartbeatRecord, RejectsAnythingElse) {
    for (const char* bad : {"", "{", "[]", "{\"ts\":1,\"pid\":2}", "{\"ts\":\"1\",\"pid\":2,\"status\":\"alive\"}",
                            "{\"ts\":1,\"pid\":0,\"status\":\"alive\"}", "{\"ts\":-1,\"pid\":2,\"status\":\"alive\"}",
                            "{\"ts\":1.5,\"pid\":2,\"status\":\"alive\"}", "{\"ts\":1,\"pid\":2,\"status\":\"\"}",
                            "{\"ts\":1,\"pid\":2,\"status\":\"alive\",\"interval_s\":0}"})
        EXPECT_FALSE(parse_heartbeat(bad)) << bad;
}

TEST(HeartbeatRunDir, DefaultsUnderTheMosaicHomeAndHonoursTheVariable) {
    EXPECT_EQ(heartbeat_run_dir("/custom/home", std::nullopt), "/custom/home/fleet/run");
    EXPECT_EQ(heartbeat_run_dir("/custom/home", std::string("")), "/custom/home/fleet/run");
    EXPECT_EQ(heartbeat_run_dir("/custom/home", std::string("/var/run/x/")), "/var/run/x/");
    EXPECT_EQ(heartbeat_path("/r", "rev.1"), "/r/rev.1.hb");
    try {
        heartbeat_run_dir("/h", std::string("rel/dir"));
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_EQ(std::string(e.what()), "MOSAIC_HEARTBEAT_RUN_DIR must be an absolute path, got 'rel/dir'");
    }
}

TEST(HeartbeatInterval, DefaultsTo15AndRejectsNonsenseNamingTheVariable) {
    EXPECT_EQ(heartbeat_interval(std::nullopt), seconds(15));
    EXPECT_EQ(heartbeat_interval(std::string("")), seconds(15));
    EXPECT_EQ(heartbeat_interval(std::string("1")), seconds(1));
    for (const char* bad : {"0", "-5", "1.5", "ten", "86401"}) {
        try {
            heartbeat_interval(std::string(bad));
            FAIL() << bad;
        } catch (const mosaic::Error& e) {
            EXPECT_EQ(e.code(), mosaic::exit_usage);
            EXPECT_THAT(std::string(e.what()), HasSubstr("MOSAIC_HEARTBEAT_INTERVAL"));
            EXPECT_THAT(std::string(e.what()), HasSubstr(std::string("'") + bad + "'"));
        }
    }
}

TEST_F(SidecarFixture, BeatsEveryIntervalWhileThePidLivesThenWritesExited) {
    long long start = unix_now(clock);
    sleeper.on_sleep = [&](std::size_t n) {
        beats.push_back(read_text(options.file));
        if (n == 7) inspector.start_times.erase(4242);  // the pane's process dies during the third interval
    };
    EXPECT_EQ(run_heartbeat(options, clock, sleeper, inspector), HeartbeatEnd::process_exited);
    // The process is checked every second: three one-second sleeps per 3 s interval.
    ASSERT_EQ(sleeper.sleeps.size(), 7u);
    for (auto d : sleeper.sleeps) EXPECT_EQ(d, seconds(1));
    EXPECT_EQ(parse_heartbeat(beats[0])->ts, start);
    EXPECT_EQ(parse_heartbeat(beats[3])->ts, start + 3);
    EXPECT_EQ(parse_heartbeat(beats[6])->ts, start + 6);
    EXPECT_EQ(parse_heartbeat(beats[6])->status, "alive");
    EXPECT_EQ(parse_heartbeat(beats[0])->interval_s, 3);
    Heartbeat last = current();
    EXPECT_EQ(last.status, "exited");
    EXPECT_EQ(last.pid, 4242);
    EXPECT_EQ(last.ts, start + 7);
}

TEST_F(SidecarFixture, ALongIntervalStillNoticesTheDeathWithinASecond) {
    options.interval = seconds(15);
    sleeper.on_sleep = [&](std::size_t n) {
        if (n == 2) inspector.start_times.erase(4242);
    };
    EXPECT_EQ(run_heartbeat(options, clock, sleeper, inspector), HeartbeatEnd::process_exited);
    EXPECT_EQ(sleeper.sleeps.size(), 2u);
    EXPECT_EQ(current().status, "exited");
}

TEST_F(SidecarFixture, AReusedPidCountsAsDead) {
    sleeper.on_sleep = [&](std::size_t n) {
        if (n == 1) inspector.start_times[4242] = 901;  // same pid, another process
    };
    EXPECT_EQ(run_heartbeat(options, clock, sleeper, inspector), HeartbeatEnd::process_exited);
    EXPECT_EQ(current().status, "exited");
}

TEST_F(SidecarFixture, AProcessAlreadyGoneGetsOneExitedBeat) {
    inspector.start_times.clear();
    EXPECT_EQ(run_heartbeat(options, clock, sleeper, inspector), HeartbeatEnd::process_exited);
    EXPECT_TRUE(sleeper.sleeps.empty());
    EXPECT_EQ(current().status, "exited");
}

TEST_F(SidecarFixture, ANewerSidecarTakesTheFileOverAndTheOldOneEndsQuietly) {
    sleeper.on_sleep = [&](std::size_t n) {
        if (n == 2) write_text(options.file, render_heartbeat({unix_now(clock), 5151, "alive"}));
        if (n == 3) inspector.start_times.erase(4242);
    };
    EXPECT_EQ(run_heartbeat(options, clock, sleeper, inspector), HeartbeatEnd::superseded);
    EXPECT_EQ(current().pid, 5151);
    EXPECT_EQ(current().status, "alive");
}

TEST_F(SidecarFixture, EndsWhenItsRunDirIsRemoved) {
    sleeper.on_sleep = [&](std::size_t n) {
        if (n == 3) std::filesystem::remove_all(options.file.parent_path());
    };
    EXPECT_EQ(run_heartbeat(options, clock, sleeper, inspector), HeartbeatEnd::run_dir_removed);
    EXPECT_FALSE(std::filesystem::exists(options.file.parent_path()));
}

TEST_F(SidecarFixture, RejectsABadNameOrPidBeforeWriting) {
    options.agent = "../evil";
    EXPECT_EQ(mosaic::testing::error_code_of([&] { run_heartbeat(options, clock, sleeper, inspector); }), mosaic::exit_usage);
    options.agent = "ok";
    options.pid = 0;
    EXPECT_EQ(mosaic::testing::error_code_of([&] { run_heartbeat(options, clock, sleeper, inspector); }), mosaic::exit_usage);
    EXPECT_FALSE(std::filesystem::exists(options.file.parent_path()));
}

TEST(HeartbeatSidecarArgv, NamesTheHomeTheAgentAndThePid) {
    EXPECT_EQ(heartbeat_sidecar_argv("/opt/mosaic", "/h/m", "coder-1", 42),
              (std::vector<std::string>{"/opt/mosaic", "--mosaic-home", "/h/m", "fleet", "heartbeat", "coder-1", "--pid",
                                        "42"}));
}
