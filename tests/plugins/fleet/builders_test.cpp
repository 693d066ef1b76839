// Pure argv builders and output parsers: every systemctl and tmux argv the fleet issues.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "systemctl.hpp"
#include "tmux.hpp"

using namespace mosaic::fleet;
using Argv = std::vector<std::string>;

TEST(SystemctlArgv, UserVerbOnOneUnit) {
    EXPECT_EQ(systemctl_user_argv("restart", "mosaic-tmux-holder.service"),
              (Argv{"systemctl", "--user", "restart", "mosaic-tmux-holder.service"}));
    EXPECT_EQ(systemctl_user_argv("start", agent_unit("coder-1")),
              (Argv{"systemctl", "--user", "start", "mosaic-agent@coder-1.service"}));
}

TEST(SystemctlArgv, ShowAsksForEveryUnitAtOnce) {
    EXPECT_EQ(systemctl_show_argv({"a.service", "b.service"}),
              (Argv{"systemctl", "--user", "show", "--property=Id,LoadState,ActiveState,SubState,MainPID", "--",
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
