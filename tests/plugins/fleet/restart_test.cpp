// fleet restart: the lock around the systemctl sequence (fake runner, fake sleeper).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "control.hpp"
#include "fleet_test_support.hpp"
#include "restart.hpp"
#include "roster.hpp"
#include "status.hpp"

using namespace mosaic::fleet;
using namespace std::chrono;
using fleet_test::FakeInspector;
using fleet_test::read_text;
using fleet_test::write_text;
using ::testing::ElementsAre;

namespace {

const char* kRoster = "version: 1\ntmux: { socket_name: fleet }\nagents:\n"
                      "  - { name: a, runtime: claude }\n  - { name: b, runtime: codex }\n";

struct RestartFixture : ::testing::Test {
    mosaic::testing::TempDir tmp;
    std::filesystem::path lock_path = restart_lock_path(tmp.path());
    Roster roster = parse_roster(kRoster, "roster.yaml");
    mosaic::support::FakeRunner runner;
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper{&clock};
    FakeInspector inspector;
    FleetDeps deps{runner, clock, sleeper, inspector};

    // A live process (pid 77 for the inspector) holds the lock.
    void hold_lock_elsewhere() {
        inspector.start_times[77] = 9;
        LockOwner o{"other", 77, inspector.host_name, inspector.boot, 9,
                    duration_cast<milliseconds>(clock.now().time_since_epoch()).count()};
        write_text(lock_path, render_lock_owner(o));
    }
};

// Sleeps on the fake clock and calls `on_sleep(n)` at each sleep.
struct ScriptedSleeper : mosaic::support::Sleeper {
    mosaic::support::FakeClock* clock = nullptr;
    std::function<void(int)> on_sleep;
    std::vector<milliseconds> sleeps;
    void sleep_for(milliseconds d) override {
        sleeps.push_back(d);
        clock->advance(d);
        on_sleep(static_cast<int>(sleeps.size()));
    }
};

struct StopWaiting {};

}  // namespace

TEST(RestartLockPath, LivesInTheFleetRunDirectory) {
    EXPECT_EQ(restart_lock_path("/h"), "/h/fleet/run/restart.lock");
}

TEST_F(RestartFixture, FullRestartRestartsTheHolderThenEachAgent) {
    auto report = restart_fleet(roster, {}, lock_path, deps);
    EXPECT_TRUE(report.all_ok());
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user restart mosaic-tmux-holder.service",
                                                 "systemctl --user restart mosaic-agent@a.service",
                                                 "systemctl --user restart mosaic-agent@b.service"));
    EXPECT_FALSE(std::filesystem::exists(lock_path));
}

TEST_F(RestartFixture, SingleAgentRestartTouchesOnlyThatAgent) {
    RestartOptions o;
    o.agent = "b";
    restart_fleet(roster, o, lock_path, deps);
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user restart mosaic-agent@b.service"));
}

TEST_F(RestartFixture, UnknownAgentIsAUsageErrorBeforeTheLock) {
    hold_lock_elsewhere();
    RestartOptions o;
    o.agent = "zz";
    try {
        restart_fleet(roster, o, lock_path, deps);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("unknown agent 'zz'; the roster has: a, b"));
    }
    EXPECT_TRUE(sleeper.sleeps.empty());
}

TEST_F(RestartFixture, AFailingUnitIsReportedAndTheRestStillRun) {
    runner.on({"systemctl", "--user", "restart", "mosaic-agent@a.service"}, {1, "", "Job failed.\n", false});
    auto report = restart_fleet(roster, {}, lock_path, deps);
    EXPECT_FALSE(report.all_ok());
    EXPECT_EQ(report.failed_units(), std::vector<std::string>{"mosaic-agent@a.service"});
    EXPECT_EQ(report.units[1].message, "Job failed.");
    EXPECT_EQ(runner.commands_ran.size(), 3u);
    EXPECT_FALSE(std::filesystem::exists(lock_path));
}

// Regression: a restart that overlaps another must issue no systemctl command at all until
// the other one has released the lock.
TEST_F(RestartFixture, WaitsWithZeroSystemctlCallsWhileTheLockIsHeld) {
    hold_lock_elsewhere();
    ScriptedSleeper waits;
    waits.clock = &clock;
    std::vector<std::size_t> calls_seen_while_waiting;
    waits.on_sleep = [&](int n) {
        calls_seen_while_waiting.push_back(runner.commands_ran.size());
        if (n == 6) std::filesystem::remove(lock_path);  // the other restart is done
    };
    FleetDeps d{runner, clock, waits, inspector};
    std::vector<LockEvent::Kind> events;
    auto report = restart_fleet(roster, {}, lock_path, d, [&](const LockEvent& e) { events.push_back(e.kind); });

    EXPECT_EQ(calls_seen_while_waiting, std::vector<std::size_t>(6, 0));
    EXPECT_EQ(waits.sleeps, std::vector<milliseconds>(6, milliseconds(250)));
    EXPECT_EQ(runner.commands_ran.size(), 3u);
    EXPECT_TRUE(report.all_ok());
    EXPECT_THAT(events, ElementsAre(LockEvent::Kind::waiting, LockEvent::Kind::acquired));
}

TEST_F(RestartFixture, HoldsTheLockWhileSystemctlRuns) {
    std::vector<std::string> holders;
    runner.add_rule([&](const mosaic::support::Command&) -> std::optional<mosaic::support::ProcessResult> {
        auto o = parse_lock_owner(read_text(lock_path));
        holders.push_back(o ? std::to_string(o->pid) : "none");
        return std::nullopt;
    });
    restart_fleet(roster, {}, lock_path, deps);
    EXPECT_EQ(holders, std::vector<std::string>(3, "1000"));
}

TEST_F(RestartFixture, BreaksTheLockAfterMaxWaitAndProceeds) {
    hold_lock_elsewhere();
    RestartOptions o;
    o.max_wait_s = 3;
    std::vector<LockEvent::Kind> events;
    auto report = restart_fleet(roster, o, lock_path, deps, [&](const LockEvent& e) { events.push_back(e.kind); });
    EXPECT_EQ(sleeper.sleeps.size(), 12u);
    EXPECT_THAT(events, ElementsAre(LockEvent::Kind::waiting, LockEvent::Kind::broke_max_wait, LockEvent::Kind::acquired));
    EXPECT_EQ(runner.commands_ran.size(), 3u);
    EXPECT_FALSE(std::filesystem::exists(lock_path));
}

TEST_F(RestartFixture, BothFullAndSingleAgentRestartTakeTheLock) {
    for (std::optional<std::string> agent : {std::optional<std::string>(), std::optional<std::string>("a")}) {
        hold_lock_elsewhere();
        ScriptedSleeper waits;
        waits.clock = &clock;
        waits.on_sleep = [](int) { throw StopWaiting{}; };
        FleetDeps d{runner, clock, waits, inspector};
        RestartOptions o;
        o.agent = agent;
        EXPECT_THROW(restart_fleet(roster, o, lock_path, d), StopWaiting) << agent.value_or("(fleet)");
        EXPECT_EQ(waits.sleeps.size(), 1u);
        EXPECT_TRUE(runner.commands_ran.empty());
        EXPECT_EQ(parse_lock_owner(read_text(lock_path))->token, "other");
    }
}

TEST_F(RestartFixture, StartStopAndStatusNeverTakeTheLock) {
    hold_lock_elsewhere();
    std::string before = read_text(lock_path);
    start_fleet(roster, runner);
    stop_fleet(roster, runner);
    collect_status(roster, "roster.yaml", runner);
    EXPECT_EQ(runner.commands_ran.size(), 3u + 3u + 1u + 3u);  // start, stop, show, has-session x3
    EXPECT_EQ(read_text(lock_path), before);
    EXPECT_FALSE(std::filesystem::exists(lock_path.string() + ".mutex"));
}

TEST_F(RestartFixture, NegativeMaxWaitIsAUsageError) {
    RestartOptions o;
    o.max_wait_s = -1;
    EXPECT_THROW(restart_fleet(roster, o, lock_path, deps), mosaic::Error);
}
