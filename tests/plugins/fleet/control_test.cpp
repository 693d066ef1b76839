// fleet start / stop / status against a fake runner.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/support/process.hpp>

#include "control.hpp"
#include "roster.hpp"
#include "status.hpp"

using namespace mosaic::fleet;
using ::testing::ElementsAre;

namespace {
const char* kRoster = "version: 1\ntmux: { socket_name: fleet, holder_session: _holder }\nagents:\n"
                      "  - { name: a, runtime: claude, model_hint: opus }\n  - { name: b, runtime: codex, class: reviewer }\n";
}

TEST(FleetControl, StartRunsTheHolderFirstThenEachAgent) {
    mosaic::support::FakeRunner runner;
    auto report = start_fleet(parse_roster(kRoster, "r"), runner);
    EXPECT_TRUE(report.all_ok());
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user start mosaic-tmux-holder.service",
                                                 "systemctl --user start mosaic-agent@a.service",
                                                 "systemctl --user start mosaic-agent@b.service"));
}

TEST(FleetControl, StopRunsEachAgentFirstThenTheHolder) {
    mosaic::support::FakeRunner runner;
    stop_fleet(parse_roster(kRoster, "r"), runner);
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user stop mosaic-agent@a.service",
                                                 "systemctl --user stop mosaic-agent@b.service",
                                                 "systemctl --user stop mosaic-tmux-holder.service"));
}

TEST(FleetControl, AFailingUnitIsReportedAndTheOthersStillRun) {
    mosaic::support::FakeRunner runner;
    runner.on({"systemctl", "--user", "start", "mosaic-tmux-holder.service"}, {5, "", "Unit not found.\n", false});
    auto report = start_fleet(parse_roster(kRoster, "r"), runner);
    EXPECT_EQ(runner.commands_ran.size(), 3u);
    EXPECT_EQ(report.failed_units(), std::vector<std::string>{"mosaic-tmux-holder.service"});
    EXPECT_EQ(report.units[0].message, "Unit not found.");
    EXPECT_TRUE(report.units[1].ok);
}

TEST(FleetControl, MissingSystemctlIsAFailureWithAMessage) {
    mosaic::support::FakeRunner runner;
    runner.fallback = {127, "", "", true};
    auto report = stop_fleet(parse_roster(kRoster, "r"), runner);
    EXPECT_EQ(report.failed_units().size(), 3u);
    EXPECT_EQ(report.units[0].message, "systemctl exited with status 127");
}

TEST(FleetStatus, JoinsSystemctlShowWithTmuxSessions) {
    mosaic::support::FakeRunner runner;
    runner.on({"systemctl", "--user", "show"},
              {0,
               "Id=mosaic-tmux-holder.service\nLoadState=loaded\nActiveState=active\nSubState=exited\nMainPID=0\n\n"
               "Id=mosaic-agent@a.service\nLoadState=loaded\nActiveState=active\nSubState=exited\nMainPID=0\n\n"
               "Id=mosaic-agent@b.service\nLoadState=loaded\nActiveState=failed\nSubState=failed\nMainPID=0\n",
               "", false});
    runner.on({"tmux", "-L", "fleet", "has-session", "-t", "=b"}, {1, "", "can't find session: b\n", false});
    FleetStatus s = collect_status(parse_roster(kRoster, "r"), "/h/fleet/roster.yaml", runner);
    EXPECT_THAT(runner.argv_lines(),
                ElementsAre("systemctl --user show --property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID -- "
                            "mosaic-tmux-holder.service mosaic-agent@a.service mosaic-agent@b.service",
                            "tmux -L fleet has-session -t =_holder", "tmux -L fleet has-session -t =a",
                            "tmux -L fleet has-session -t =b"));
    auto j = status_json(s);
    EXPECT_EQ(j["roster"], "/h/fleet/roster.yaml");
    EXPECT_EQ(j["socket_name"], "fleet");
    EXPECT_EQ(j["holder"]["active_state"], "active");
    EXPECT_EQ(j["holder"]["session"], true);
    EXPECT_EQ(j["holder"]["session_name"], "_holder");
    ASSERT_EQ(j["agents"].size(), 2u);
    EXPECT_EQ(j["agents"][0]["name"], "a");
    EXPECT_EQ(j["agents"][0]["model_hint"], "opus");
    EXPECT_EQ(j["agents"][0]["session"], true);
    EXPECT_EQ(j["agents"][1]["class"], "reviewer");
    EXPECT_EQ(j["agents"][1]["active_state"], "failed");
    EXPECT_EQ(j["agents"][1]["session"], false);
    EXPECT_TRUE(j["agents"][1]["model_hint"].is_null());
    EXPECT_TRUE(j["systemd_error"].is_null());
}

TEST(FleetStatus, MatchesShowBlocksByIdNotPosition) {
    mosaic::support::FakeRunner runner;
    runner.on({"systemctl"}, {0, "Id=mosaic-agent@b.service\nActiveState=active\n", "", false});
    auto j = status_json(collect_status(parse_roster(kRoster, "r"), "r", runner));
    EXPECT_EQ(j["holder"]["active_state"], "unknown");
    EXPECT_EQ(j["agents"][0]["active_state"], "unknown");
    EXPECT_EQ(j["agents"][1]["active_state"], "active");
}

TEST(FleetStatus, FailingSystemctlLeavesUnknownStatesAndTheError) {
    mosaic::support::FakeRunner runner;
    runner.on({"systemctl"}, {1, "", "Failed to connect to bus: No medium found\n", false});
    runner.on({"tmux"}, {1, "", "no server running\n", false});
    auto j = status_json(collect_status(parse_roster(kRoster, "r"), "r", runner));
    EXPECT_EQ(j["systemd_error"], "Failed to connect to bus: No medium found");
    EXPECT_EQ(j["agents"][0]["active_state"], "unknown");
    EXPECT_EQ(j["agents"][0]["session"], false);
}

TEST(FleetStatus, DefaultSocketAsksTmuxWithoutDashL) {
    mosaic::support::FakeRunner runner;
    collect_status(parse_roster("version: 1\nagents: [ { name: a, runtime: pi } ]\n", "r"), "r", runner);
    EXPECT_EQ(runner.argv_lines().at(2), "tmux has-session -t =a");
    EXPECT_TRUE(status_json(collect_status(parse_roster("version: 1\n", "r"), "r", runner))["socket_name"].is_null());
}
