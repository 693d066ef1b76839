// fleet ps: joining systemd, tmux and heartbeat files, with a fake runner, a fake clock and a
// scripted /proc; each source failing on its own.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "ps.hpp"

using namespace mosaic::fleet;
using fleet_test::write_text;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Flags = std::vector<std::string>;

namespace {

const char* kRoster = "version: 1\ntmux: { socket_name: fleet, holder_session: _holder }\nagents:\n"
                      "  - { name: planner, runtime: claude, class: orchestrator }\n"
                      "  - { name: coder-1, runtime: codex }\n"
                      "  - { name: reviewer, runtime: claude, class: reviewer }\n";

struct PsFixture : ::testing::Test {
    mosaic::testing::TempDir tmp;
    mosaic::support::FakeRunner runner;
    mosaic::support::FakeClock clock;
    fleet_test::FakeInspector inspector;
    Roster roster = parse_roster(kRoster, "roster.yaml");
    PsSettings settings{tmp.path() / "run", ReadinessThresholds{}};
    long long now = std::chrono::duration_cast<seconds>(clock.now().time_since_epoch()).count();
    // What the tools answer; tests change them.
    mosaic::support::ProcessResult systemctl{
        0,
        "Id=mosaic-agent@planner.service\nActiveState=active\nSubState=exited\nUnitFileState=enabled\n\n"
        "Id=mosaic-agent@coder-1.service\nActiveState=active\nSubState=exited\nUnitFileState=disabled\n\n"
        "Id=mosaic-agent@reviewer.service\nActiveState=inactive\nSubState=dead\nUnitFileState=\n",
        "", false};
    mosaic::support::ProcessResult sessions{0, "_holder\t1\nplanner\t1\ncoder-1\t1\nstray\t1\n", "", false};
    mosaic::support::ProcessResult panes{0,
                                         "_holder\t0\t100\tsleep\t0\t" + std::to_string(now - 5000) + "\n" +
                                             "planner\t0\t101\tclaude\t0\t" + std::to_string(now - 10) + "\n" +
                                             "coder-1\t0\t102\tbash\t0\t" + std::to_string(now - 400) + "\n" +
                                             "stray\t0\t103\tvim\t0\t" + std::to_string(now - 20) + "\n",
                                         "", false};

    PsFixture() {
        inspector.host_name = "box";
        inspector.start_times = {{101, 1}, {102, 1}};
        runner.add_rule([this](const mosaic::support::Command& cmd) -> std::optional<mosaic::support::ProcessResult> {
            if (cmd.argv[0] == "systemctl") return systemctl;
            if (cmd.argv.size() > 3 && cmd.argv[3] == "list-sessions") return sessions;
            if (cmd.argv.size() > 3 && cmd.argv[3] == "list-panes") return panes;
            return std::nullopt;
        });
        beat("planner", now - 3, 101, "alive");
        beat("coder-1", now - 3, 102, "alive");
    }
    void beat(const std::string& agent, long long ts, long pid, const std::string& status) {
        write_text(heartbeat_path(settings.run_dir, agent), render_heartbeat({ts, pid, status}));
    }
    PsReport collect() {
        PsDeps deps{runner, clock, inspector};
        return collect_ps(roster, "roster.yaml", settings, deps);
    }
    static const PsRow& row(const PsReport& r, const std::string& name) {
        for (const auto& row : r.rows)
            if (row.name == name) return row;
        throw std::runtime_error("no row " + name);
    }
};

}  // namespace

TEST_F(PsFixture, OneRowPerRosterAgentThenUnmanagedSessionsButNotTheHolder) {
    auto r = collect();
    ASSERT_EQ(r.rows.size(), 4u);
    EXPECT_EQ(r.rows[0].name, "planner");
    EXPECT_EQ(r.rows[1].name, "coder-1");
    EXPECT_EQ(r.rows[2].name, "reviewer");
    EXPECT_EQ(r.rows[3].name, "stray");
    EXPECT_FALSE(r.rows[3].managed);
    EXPECT_EQ(r.rows[3].source, "tmux");
    EXPECT_EQ(r.rows[0].source, "roster");
    EXPECT_EQ(r.rows[0].host, "box");
    EXPECT_FALSE(r.systemd_error);
    EXPECT_FALSE(r.tmux_error);
    EXPECT_THAT(runner.argv_lines(),
                ElementsAre("systemctl --user show --property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID -- "
                            "mosaic-agent@planner.service mosaic-agent@coder-1.service mosaic-agent@reviewer.service",
                            "tmux -L fleet list-sessions -F #{session_name}\t#{session_windows}",
                            std::string("tmux -L fleet list-panes -a -F ") + tmux_pane_format));
}

TEST_F(PsFixture, ReadinessAndFlagsOfEachRow) {
    auto r = collect();
    const PsRow& planner = row(r, "planner");
    EXPECT_EQ(planner.readiness, Readiness::working);
    EXPECT_EQ(planner.flags, Flags{});
    EXPECT_EQ(planner.heartbeat_age_s, 3);
    EXPECT_EQ(planner.quiet_s, 10);

    const PsRow& coder = row(r, "coder-1");  // bash in a codex pane, unit not enabled, quiet for 400 s
    EXPECT_EQ(coder.readiness, Readiness::idle);
    EXPECT_EQ(coder.flags, (Flags{"DRIFT", "BOOT-ENABLE", "IDLE"}));

    const PsRow& reviewer = row(r, "reviewer");  // no session, no beat
    EXPECT_EQ(reviewer.readiness, Readiness::dead);
    EXPECT_EQ(reviewer.session_exists, false);
    EXPECT_FALSE(reviewer.pane);
    EXPECT_EQ(reviewer.flags, Flags{});

    const PsRow& stray = row(r, "stray");  // nobody beats for it
    EXPECT_EQ(stray.readiness, Readiness::unknown);
    EXPECT_EQ(stray.flags, Flags{"UNMANAGED"});
    EXPECT_FALSE(stray.unit);
}

TEST_F(PsFixture, ThresholdsDecideIdleAndStuck) {
    settings.thresholds.idle_after = seconds(5);
    settings.thresholds.stuck_after = seconds(300);
    auto r = collect();
    EXPECT_EQ(row(r, "planner").readiness, Readiness::idle);
    EXPECT_EQ(row(r, "coder-1").readiness, Readiness::stuck);
    EXPECT_EQ(row(r, "coder-1").flags, (Flags{"DRIFT", "BOOT-ENABLE", "STUCK"}));
}

TEST_F(PsFixture, ExitedBeatOrDeadPidIsDeadAndAStoppedBeatIsStale) {
    beat("planner", now - 1, 101, "exited");
    inspector.start_times.erase(102);  // coder-1's beat is fresh but its process is gone
    beat("reviewer", now - 100, 103, "alive");
    sessions.out = "planner\t1\ncoder-1\t1\nreviewer\t1\n";
    inspector.start_times[103] = 1;
    auto r = collect();
    EXPECT_EQ(row(r, "planner").readiness, Readiness::dead);
    EXPECT_EQ(row(r, "coder-1").readiness, Readiness::dead);
    EXPECT_EQ(row(r, "reviewer").readiness, Readiness::stale);
}

TEST_F(PsFixture, FailingTmuxStillPrintsTheRosterRows) {
    sessions = {1, "", "server exited unexpectedly\n", false};
    auto r = collect();
    ASSERT_EQ(r.rows.size(), 3u);
    ASSERT_TRUE(r.tmux_error);
    EXPECT_EQ(*r.tmux_error, "tmux list-sessions: server exited unexpectedly");
    EXPECT_FALSE(r.rows[0].session_exists);
    EXPECT_FALSE(r.rows[0].pane);
    EXPECT_EQ(r.rows[0].readiness, Readiness::working);  // healthy beat, nothing says otherwise
    EXPECT_EQ(r.rows[2].readiness, Readiness::unknown);  // no beat, session unknown
    ASSERT_TRUE(r.rows[0].unit);
    EXPECT_EQ(r.rows[0].unit->active_state, "active");
}

TEST_F(PsFixture, NoTmuxServerMeansNoSessionsNotAnError) {
    sessions = {1, "", "error connecting to /tmp/tmux-1000/fleet (No such file or directory)\n", false};
    auto r = collect();
    EXPECT_FALSE(r.tmux_error);
    EXPECT_EQ(r.rows.size(), 3u);
    EXPECT_EQ(row(r, "reviewer").session_exists, false);
    EXPECT_EQ(row(r, "reviewer").readiness, Readiness::dead);
}

TEST_F(PsFixture, FailingListPanesKeepsTheSessionsAndNamesTheFailure) {
    panes = {1, "", "boom\n", false};
    auto r = collect();
    ASSERT_TRUE(r.tmux_error);
    EXPECT_EQ(*r.tmux_error, "tmux list-panes: boom");
    EXPECT_EQ(row(r, "planner").session_exists, true);
    EXPECT_FALSE(row(r, "planner").pane);
    EXPECT_EQ(row(r, "stray").flags, Flags{"UNMANAGED"});
}

TEST_F(PsFixture, MissingSystemdStillGivesTmuxAndHeartbeatColumns) {
    systemctl = {127, "", "'systemctl' not found", true};
    auto r = collect();
    ASSERT_TRUE(r.systemd_error);
    EXPECT_EQ(*r.systemd_error, "'systemctl' not found");
    const PsRow& planner = row(r, "planner");
    EXPECT_FALSE(planner.unit);
    ASSERT_TRUE(planner.pane);
    EXPECT_EQ(planner.pane->pid, 101);
    ASSERT_TRUE(planner.heartbeat);
    EXPECT_EQ(planner.readiness, Readiness::working);
    EXPECT_EQ(row(r, "coder-1").flags, (Flags{"DRIFT", "IDLE"}));  // no BOOT-ENABLE without systemd
}

TEST_F(PsFixture, AnUnreadableHeartbeatIsAWarningAndCountsAsNoBeat) {
    write_text(heartbeat_path(settings.run_dir, "planner"), "garbage");
    auto r = collect();
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_THAT(r.warnings[0], HasSubstr("planner.hb': not a heartbeat record"));
    EXPECT_FALSE(row(r, "planner").heartbeat);
    EXPECT_EQ(row(r, "planner").readiness, Readiness::unknown);
}

TEST_F(PsFixture, JsonRowsCarryManagedSourceHostAndReadiness) {
    auto doc = ps_json(collect());
    EXPECT_EQ(doc["host"], "box");
    EXPECT_EQ(doc["thresholds"]["idle_after_s"], 300);
    ASSERT_EQ(doc["agents"].size(), 4u);
    const auto& planner = doc["agents"][0];
    EXPECT_EQ(planner["managed"], true);
    EXPECT_EQ(planner["source"], "roster");
    EXPECT_EQ(planner["host"], "box");
    EXPECT_EQ(planner["readiness"], "working");
    EXPECT_EQ(planner["unit"]["enabled"], true);
    EXPECT_EQ(planner["pane"]["pid"], 101);
    EXPECT_EQ(planner["pane"]["command"], "claude");
    EXPECT_EQ(planner["heartbeat"]["status"], "alive");
    EXPECT_EQ(planner["heartbeat"]["age_s"], 3);
    const auto& stray = doc["agents"][3];
    EXPECT_EQ(stray["managed"], false);
    EXPECT_EQ(stray["source"], "tmux");
    EXPECT_TRUE(stray["runtime"].is_null());
    EXPECT_TRUE(stray["unit"].is_null());
    EXPECT_TRUE(stray["heartbeat"].is_null());
    EXPECT_EQ(stray["flags"], nlohmann::json::array({"UNMANAGED"}));
}

TEST_F(PsFixture, TableHasTheColumnsOfTheIssue) {
    auto lines = fleet_test::lines_of(render_ps_table(collect()));
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_THAT(lines[0], ::testing::MatchesRegex("NAME +RUNTIME +CLASS +UNIT +PANE +HB +FLAGS"));
    EXPECT_THAT(lines[1], ::testing::MatchesRegex(
                              "planner +claude +orchestrator +active/exited enabled +101 claude +3s working +-"));
    EXPECT_THAT(lines[2], ::testing::MatchesRegex(
                              "coder-1 +codex +worker +active/exited disabled +102 bash +3s idle +DRIFT,BOOT-ENABLE,IDLE"));
    EXPECT_THAT(lines[3], ::testing::MatchesRegex("reviewer +claude +reviewer +inactive/dead unknown +- +- dead +-"));
    EXPECT_THAT(lines[4], ::testing::MatchesRegex("stray +- +- +- +103 vim +- unknown +UNMANAGED"));
}

TEST(PsFormat, AgesReadAsSecondsMinutesHoursDays) {
    EXPECT_EQ(format_age(0), "0s");
    EXPECT_EQ(format_age(119), "119s");
    EXPECT_EQ(format_age(120), "2m");
    EXPECT_EQ(format_age(7199), "119m");
    EXPECT_EQ(format_age(7200), "2h");
    EXPECT_EQ(format_age(3 * 86400), "3d");
}

TEST(PsFlags, PaneCommandsThatMatchTheRuntime) {
    PsRow row;
    row.runtime = "claude";
    row.pane = TmuxPane{"a", 0, 5, "node", false, 0};
    EXPECT_EQ(ps_flags(row), Flags{});
    row.pane->command = "claude";
    EXPECT_EQ(ps_flags(row), Flags{});
    row.pane->command = "codex";
    EXPECT_EQ(ps_flags(row), Flags{"DRIFT"});
    row.pane->dead = true;  // a dead pane is reported by readiness, not as drift
    EXPECT_EQ(ps_flags(row), Flags{});
    row.runtime = "aider";  // declared by the roster: its own name only
    row.pane = TmuxPane{"a", 0, 5, "aider", false, 0};
    EXPECT_EQ(ps_flags(row), Flags{});
}
