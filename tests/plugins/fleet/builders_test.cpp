// Pure argv builders and output parsers: every systemctl and tmux argv the fleet issues.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleet_test_support.hpp"
#include "systemctl.hpp"
#include "tmux.hpp"

using namespace mosaic::fleet;
using Argv = std::vector<std::string>;

namespace {
std::string sample(const std::string& name) { return fleet_test::read_text(std::filesystem::path(FLEET_SAMPLES_DIR) / name); }
}  // namespace

TEST(SystemctlArgv, UserVerbOnOneUnit) {
    EXPECT_EQ(systemctl_user_argv("restart", "mosaic-tmux-holder.service"),
              (Argv{"systemctl", "--user", "restart", "mosaic-tmux-holder.service"}));
    EXPECT_EQ(systemctl_user_argv("start", agent_unit("coder-1")),
              (Argv{"systemctl", "--user", "start", "mosaic-agent@coder-1.service"}));
}

TEST(SystemctlArgv, ShowAsksForEveryUnitAtOnce) {
    EXPECT_EQ(systemctl_show_argv({"a.service", "b.service"}),
              (Argv{"systemctl", "--user", "show", "--property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID", "--",
                    "a.service", "b.service"}));
}

TEST(SystemctlArgv, DaemonReload) {
    EXPECT_EQ(systemctl_daemon_reload_argv(), (Argv{"systemctl", "--user", "daemon-reload"}));
}

TEST(SystemctlShow, ParsesOneBlockPerUnit) {
    auto blocks = parse_systemctl_show(
        "Id=mosaic-tmux-holder.service\nLoadState=loaded\nActiveState=active\nSubState=exited\nMainPID=0\n\n"
        "Id=mosaic-agent@a.service\nLoadState=loaded\nActiveState=failed\nSubState=failed\nMainPID=42\n");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].at("Id"), "mosaic-tmux-holder.service");
    EXPECT_EQ(blocks[0].at("SubState"), "exited");
    EXPECT_EQ(blocks[1].at("ActiveState"), "failed");
    EXPECT_EQ(blocks[1].at("MainPID"), "42");
}

TEST(SystemctlShow, ToleratesBlankRunsCarriageReturnsAndNoise) {
    auto blocks = parse_systemctl_show("\n\nId=a\r\nX=1=2\nnoise\n\n\n\nId=b\n");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].at("Id"), "a");
    EXPECT_EQ(blocks[0].at("X"), "1=2");
    EXPECT_EQ(blocks[1].at("Id"), "b");
    EXPECT_TRUE(parse_systemctl_show("").empty());
}

TEST(TmuxArgv, NamedSocketUsesDashL) {
    EXPECT_EQ(tmux_has_session_argv(std::string("fleet"), "a"), (Argv{"tmux", "-L", "fleet", "has-session", "-t", "=a"}));
    EXPECT_EQ(tmux_new_session_argv(std::string("fleet"), "a", "/w", "cmd"),
              (Argv{"tmux", "-L", "fleet", "new-session", "-d", "-s", "a", "-c", "/w", "cmd"}));
    EXPECT_EQ(tmux_kill_session_argv(std::string("fleet"), "a"), (Argv{"tmux", "-L", "fleet", "kill-session", "-t", "=a"}));
    EXPECT_EQ(tmux_kill_server_argv(std::string("fleet")), (Argv{"tmux", "-L", "fleet", "kill-server"}));
}

TEST(TmuxArgv, DefaultSocketHasNoDashLAnywhere) {
    for (const auto& argv : {tmux_has_session_argv(std::nullopt, "a"), tmux_new_session_argv(std::nullopt, "a", "/w", "c"),
                             tmux_kill_session_argv(std::nullopt, "a"), tmux_kill_server_argv(std::nullopt)}) {
        EXPECT_EQ(argv[0], "tmux");
        EXPECT_THAT(argv, ::testing::Not(::testing::Contains("-L")));
    }
}

TEST(TmuxSessionName, DotsAndColonsBecomeUnderscores) {
    EXPECT_EQ(tmux_session_name("rev.1"), "rev_1");
    EXPECT_EQ(tmux_session_name("a:b"), "a_b");
    EXPECT_EQ(tmux_session_name("coder-1"), "coder-1");
}

TEST(ShellQuote, QuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(shell_quote("plain-word_1.0/x:y"), "plain-word_1.0/x:y");
    EXPECT_EQ(shell_quote("two words"), "'two words'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("$HOME"), "'$HOME'");
}

TEST(PaneCommand, ExportsTheEnvironmentThenExecsTheArgv) {
    std::string cmd = pane_command({{"MOSAIC_AGENT_NAME", "coder-1"}, {"MOSAIC_AGENT_CLASS", "worker"}, {"PATH", "/a b:/usr/bin"}},
                                   {"/opt/mosaic", "yolo", "codex"}, std::nullopt);
    EXPECT_EQ(cmd,
              "export MOSAIC_AGENT_CLASS=worker MOSAIC_AGENT_NAME=coder-1 PATH='/a b:/usr/bin'; exec /opt/mosaic yolo codex");
}

TEST(PaneCommand, RawCommandReplacesTheArgv) {
    EXPECT_EQ(pane_command({{"MOSAIC_AGENT_NAME", "a"}}, {"/opt/mosaic", "yolo", "pi"}, std::string("htop -d 5")),
              "export MOSAIC_AGENT_NAME=a; htop -d 5");
}

TEST(SystemctlShow, RecordedSampleGivesUnitStatesByIdWithEnablement) {
    auto blocks = parse_systemctl_show(sample("systemctl_show.txt"));
    ASSERT_EQ(blocks.size(), 3u);
    UnitState planner = unit_state_from("mosaic-agent@planner.service", &blocks[0]);
    EXPECT_EQ(planner.active_state, "active");
    EXPECT_EQ(planner.sub_state, "exited");
    EXPECT_EQ(planner.unit_file_state, "enabled");
    EXPECT_TRUE(planner.enabled());
    UnitState coder = unit_state_from("mosaic-agent@coder-1.service", &blocks[1]);
    EXPECT_EQ(coder.unit_file_state, "disabled");
    EXPECT_FALSE(coder.enabled());
    UnitState reviewer = unit_state_from("mosaic-agent@reviewer.service", &blocks[2]);
    EXPECT_EQ(reviewer.sub_state, "dead");
    EXPECT_EQ(reviewer.unit_file_state, "unknown");  // systemd printed it empty
    EXPECT_FALSE(reviewer.enabled());
    UnitState missing = unit_state_from("x.service", nullptr);
    EXPECT_EQ(missing.active_state, "unknown");
    EXPECT_EQ(missing.main_pid, 0);
}

TEST(SystemctlShow, QueryMatchesBlocksByIdAndReportsAMissingSystemctl) {
    mosaic::support::FakeRunner runner;
    // systemd answered for b only: a stays unknown rather than taking b's state.
    runner.on({"systemctl"}, {0, "Id=b.service\nActiveState=active\nSubState=running\nMainPID=77\n", "", false});
    auto q = query_units({"a.service", "b.service"}, runner);
    EXPECT_FALSE(q.error);
    EXPECT_EQ(q.units.at("a.service").active_state, "unknown");
    EXPECT_EQ(q.units.at("b.service").sub_state, "running");
    EXPECT_EQ(q.units.at("b.service").main_pid, 77);

    mosaic::support::FakeRunner none;
    none.fallback = {127, "", "'systemctl' not found", true};
    auto failed = query_units({"a.service"}, none);
    ASSERT_TRUE(failed.error);
    EXPECT_EQ(*failed.error, "'systemctl' not found");
    EXPECT_EQ(failed.units.at("a.service").active_state, "unknown");
}

TEST(TmuxArgv, ListSessionsAndPanesUseTheSocketAndTheParsersFormats) {
    EXPECT_EQ(tmux_list_sessions_argv(std::string("fleet")),
              (Argv{"tmux", "-L", "fleet", "list-sessions", "-F", "#{session_name}\t#{session_windows}"}));
    EXPECT_EQ(tmux_list_panes_argv(std::nullopt),
              (Argv{"tmux", "list-panes", "-a", "-F",
                    "#{session_name}\t#{pane_index}\t#{pane_pid}\t#{pane_current_command}\t#{pane_dead}\t#{window_activity}"}));
    EXPECT_EQ(tmux_list_panes_argv(std::string("fleet"), std::string("rev_1")),
              (Argv{"tmux", "-L", "fleet", "list-panes", "-s", "-t", "=rev_1", "-F", tmux_pane_format}));
}

TEST(TmuxListSessions, RecordedSampleGivesNamesInOrder) {
    EXPECT_EQ(parse_tmux_sessions(sample("tmux_list_sessions.txt")), (Argv{"_holder", "coder-1", "planner"}));
    EXPECT_EQ(parse_tmux_sessions("solo\r\n\n\tnameless\n"), (Argv{"solo"}));
    EXPECT_TRUE(parse_tmux_sessions("").empty());
}

TEST(TmuxListPanes, RecordedSampleGivesPidCommandDeadAndActivity) {
    auto panes = parse_tmux_panes(sample("tmux_list_panes.txt"));
    ASSERT_EQ(panes.size(), 3u);
    EXPECT_EQ(panes[0].session, "planner");
    EXPECT_EQ(panes[0].index, 0);
    EXPECT_EQ(panes[0].pid, 22337);
    EXPECT_EQ(panes[0].command, "sleep");
    EXPECT_FALSE(panes[0].dead);
    EXPECT_EQ(panes[0].activity, 1795711755);
    EXPECT_EQ(panes[1].index, 1);
    EXPECT_EQ(panes[1].command, "exit");
    EXPECT_TRUE(panes[1].dead);
    EXPECT_EQ(panes[2].session, "stray");
}

TEST(TmuxListPanes, SkipsMalformedLinesAndKeepsTabsInsideTheCommand) {
    auto panes = parse_tmux_panes("a\t0\tnot-a-pid\tsh\t0\t1\n"
                                  "b\t0\t12\n"
                                  "c\t0\t13\tweird\tname\t0\t\n"
                                  "\t0\t14\tsh\t0\t5\n");
    ASSERT_EQ(panes.size(), 1u);
    EXPECT_EQ(panes[0].session, "c");
    EXPECT_EQ(panes[0].command, "weird\tname");
    EXPECT_EQ(panes[0].activity, 0);  // tmux gave none
}

TEST(TmuxNoServer, OnlyAMissingServerMeansNoSessions) {
    EXPECT_TRUE(tmux_no_server(sample("tmux_no_server.txt")));
    EXPECT_TRUE(tmux_no_server("no server running on /tmp/tmux-1000/fleet\n"));
    EXPECT_TRUE(tmux_no_server("error connecting to /tmp/tmux-1000/fleet (Connection refused)\n"));
    EXPECT_FALSE(tmux_no_server("error connecting to /tmp/tmux-1000/fleet (Permission denied)\n"));
    EXPECT_FALSE(tmux_no_server("'tmux' not found"));
    EXPECT_FALSE(tmux_no_server(""));
}
