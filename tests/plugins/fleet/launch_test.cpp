// fleet launch: the plan (pure), its exit codes, and one run against real tmux on a
// private socket.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "error_code.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/process.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "launch.hpp"
#include "tmux.hpp"
#include "roster.hpp"

using namespace mosaic::fleet;
using Argv = std::vector<std::string>;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

const char* kRoster = "version: 1\ntmux: { socket_name: fleet }\ndefaults: { working_directory: ~/src }\nagents:\n"
                      "  - { name: planner, runtime: claude, class: orchestrator, model_hint: opus }\n"
                      "  - { name: coder-1, runtime: codex, working_directory: /w }\n";

// Every runtime is on this PATH (find_program answers so), unless a test says otherwise.
LaunchEnv env() {
    return {"/opt/bin/mosaic", "/home/u", "/opt/bin:/usr/bin", std::nullopt,
            [](const std::string& program) { return std::optional<std::string>("/opt/bin/" + program); }};
}

class RecordingSpawner : public DetachedSpawner {
public:
    long spawn(const mosaic::support::Command& cmd, const std::optional<std::filesystem::path>& log) override {
        if (fail) throw mosaic::Error(mosaic::exit_failed, "cannot start '" + cmd.argv[0] + "': boom");
        commands.push_back(cmd);
        logs.push_back(log);
        return 777;
    }
    bool fail = false;
    std::vector<mosaic::support::Command> commands;
    std::vector<std::optional<std::filesystem::path>> logs;
};

}  // namespace

TEST(LaunchPlan, DefaultCommandIsMosaicYoloWithTheModelHint) {
    Roster r = parse_roster(kRoster, "r");
    EXPECT_EQ(default_agent_argv(*r.find("planner"), "/opt/bin/mosaic"),
              (Argv{"/opt/bin/mosaic", "yolo", "claude", "--model", "opus"}));
    EXPECT_EQ(default_agent_argv(*r.find("coder-1"), "/opt/bin/mosaic"), (Argv{"/opt/bin/mosaic", "yolo", "codex"}));
}

TEST(LaunchPlan, BakesNameClassAndPathIntoThePaneCommand) {
    Roster r = parse_roster(kRoster, "r");
    LaunchPlan p = plan_launch(r, *r.find("planner"), env());
    EXPECT_EQ(p.working_directory, "/home/u/src");
    EXPECT_EQ(p.pane_command,
              "export MOSAIC_AGENT_CLASS=orchestrator MOSAIC_AGENT_NAME=planner PATH=/opt/bin:/usr/bin; "
              "exec /opt/bin/mosaic yolo claude --model opus");
    EXPECT_EQ(p.has_session_argv, (Argv{"tmux", "-L", "fleet", "has-session", "-t", "=planner"}));
    EXPECT_EQ(p.new_session_argv,
              (Argv{"tmux", "-L", "fleet", "new-session", "-d", "-s", "planner", "-c", "/home/u/src", p.pane_command}));
}

TEST(LaunchPlan, AgentCommandVariableReplacesYolo) {
    Roster r = parse_roster(kRoster, "r");
    LaunchEnv e = env();
    e.agent_command = "htop -d 10";
    LaunchPlan p = plan_launch(r, *r.find("coder-1"), e);
    EXPECT_EQ(p.working_directory, "/w");
    EXPECT_EQ(p.pane_command, "export MOSAIC_AGENT_CLASS=worker MOSAIC_AGENT_NAME=coder-1 PATH=/opt/bin:/usr/bin; htop -d 10");
}

TEST(Launch, WithoutANameExits64) {
    mosaic::support::FakeRunner runner;
    Roster r = parse_roster(kRoster, "r");
    EXPECT_EQ(mosaic::testing::error_code_of([&] { launch_agent(r, std::nullopt, env(), true, runner); }), 64);
    EXPECT_EQ(mosaic::testing::error_code_of([&] { launch_agent(r, std::string(""), env(), true, runner); }), 64);
    EXPECT_EQ(mosaic::testing::error_code_of([&] { launch_agent(r, std::string("ghost"), env(), true, runner); }), 64);
    EXPECT_TRUE(runner.commands_ran.empty());
}

TEST(Launch, WithoutTmuxExits69) {
    mosaic::support::FakeRunner runner;
    Roster r = parse_roster(kRoster, "r");
    EXPECT_EQ(mosaic::testing::error_code_of([&] { launch_agent(r, std::string("planner"), env(), false, runner); }), 69);
    EXPECT_TRUE(runner.commands_ran.empty());
}

TEST(Launch, ARuntimeThatCannotStartExits69BeforeAnySessionExists) {
    mosaic::support::FakeRunner runner;
    Roster r = parse_roster(kRoster, "r");
    LaunchEnv nowhere = env();
    nowhere.find_program = [](const std::string&) { return std::optional<std::string>(); };
    try {
        launch_agent(r, std::string("coder-1"), nowhere, true, runner);
        FAIL() << "launched a runtime that is not on PATH";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 69);
        EXPECT_EQ(std::string(e.what()), "runtime 'codex' of agent 'coder-1' needs 'codex', which is not on PATH; "
                                         "install it, or set MOSAIC_AGENT_COMMAND");
    }
    EXPECT_TRUE(runner.commands_ran.empty());

    Roster custom = parse_roster("version: 1\nruntimes: { aider: {} }\nagents:\n  - { name: x, runtime: aider }\n", "r");
    try {
        launch_agent(custom, std::string("x"), env(), true, runner);
        FAIL() << "launched a runtime yolo does not know";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 69);
        EXPECT_THAT(std::string(e.what()), HasSubstr("set MOSAIC_AGENT_COMMAND in its env file"));
    }
    // With MOSAIC_AGENT_COMMAND the pane runs that instead: nothing to check.
    nowhere.agent_command = "sleep 60";
    runner.on({"tmux"}, {0, "", "", false});
    EXPECT_FALSE(launch_agent(r, std::string("coder-1"), nowhere, true, runner).created);  // the session exists
}

TEST(Launch, ExistingSessionIsSuccessAndCreatesNothing) {
    mosaic::support::FakeRunner runner;  // has-session answers 0
    Roster r = parse_roster(kRoster, "r");
    auto result = launch_agent(r, std::string("coder-1"), env(), true, runner);
    EXPECT_FALSE(result.created);
    EXPECT_THAT(runner.argv_lines(), ElementsAre("tmux -L fleet has-session -t =coder-1"));
}

TEST(Launch, CreatesTheSessionWhenAbsent) {
    mosaic::testing::TempDir tmp;
    std::string roster = "version: 1\ntmux: { socket_name: fleet }\nagents:\n  - { name: a, runtime: pi, working_directory: " +
                         tmp.path().string() + " }\n";
    mosaic::support::FakeRunner runner;
    runner.on({"tmux", "-L", "fleet", "has-session"}, {1, "", "", false});
    auto result = launch_agent(parse_roster(roster, "r"), std::string("a"), env(), true, runner);
    EXPECT_TRUE(result.created);
    ASSERT_EQ(runner.commands_ran.size(), 2u);
    EXPECT_EQ(runner.commands_ran[1].argv, result.plan.new_session_argv);
}

TEST(Launch, MissingWorkingDirectoryFailsNamingIt) {
    mosaic::support::FakeRunner runner;
    runner.on({"tmux"}, {1, "", "", false});
    Roster r = parse_roster(kRoster, "r");
    try {
        launch_agent(r, std::string("coder-1"), env(), true, runner);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 1);
        EXPECT_THAT(std::string(e.what()), HasSubstr("'/w'"));
    }
}

TEST(Launch, RealTmuxSessionGetsTheAgentEnvironmentAndDirectory) {
    if (!fleet_test::have_program("tmux")) GTEST_SKIP() << "tmux is not installed";
    fleet_test::PrivateTmux tmux;
    mosaic::testing::TempDir tmp;
    auto work = tmp.path() / "work dir";
    std::filesystem::create_directories(work);
    std::string roster = "version: 1\ntmux: { socket_name: " + tmux.name() + " }\nagents:\n"
                         "  - { name: rev.1, runtime: claude, class: reviewer, working_directory: '" + work.string() + "' }\n";
    LaunchEnv e{"/nonexistent/mosaic", tmp.path().string(), "/usr/local/bin:/usr/bin:/bin",
                std::string("printf '%s %s %s\\n' \"$MOSAIC_AGENT_NAME\" \"$MOSAIC_AGENT_CLASS\" \"$(pwd)\" > out.txt; sleep 60")};
    mosaic::support::PosixSpawnRunner runner;
    Roster r = parse_roster(roster, "r");

    auto first = launch_agent(r, std::string("rev.1"), e, true, runner);
    EXPECT_TRUE(first.created);
    ASSERT_TRUE(fleet_test::eventually([&] { return fleet_test::read_text(work / "out.txt").find('\n') != std::string::npos; }));
    EXPECT_EQ(fleet_test::read_text(work / "out.txt"), "rev.1 reviewer " + work.string() + "\n");
    EXPECT_EQ(first.plan.session, "rev_1");  // tmux's own spelling of "rev.1"
    EXPECT_TRUE(tmux.run({"has-session", "-t", "=rev_1"}).ok());

    auto second = launch_agent(r, std::string("rev.1"), e, true, runner);
    EXPECT_FALSE(second.created);
    EXPECT_EQ(tmux.run({"list-sessions", "-F", "#{session_name}"}).out, "rev_1\n");
}

TEST(StartHeartbeat, WatchesTheFirstPaneOfTheSessionWithTheResolvedHome) {
    mosaic::testing::TempDir tmp;
    Roster r = parse_roster(kRoster, "r");
    mosaic::support::FakeRunner runner;
    runner.on({"tmux"}, {0, "planner\t0\t4242\tclaude\t0\t1795711755\nplanner\t1\t4343\tbash\t0\t1795711755\n", "", false});
    RecordingSpawner spawner;
    SidecarEnv env{"/opt/bin/mosaic", "/custom/home", tmp.path() / "run", {{"MOSAIC_HEARTBEAT_INTERVAL", "1"}}};
    SidecarStart s = start_heartbeat(r, "planner", env, runner, spawner);
    EXPECT_EQ(s.pane_pid, 4242);
    EXPECT_EQ(s.sidecar_pid, 777);
    EXPECT_THAT(runner.argv_lines(),
                ElementsAre(std::string("tmux -L fleet list-panes -s -t =planner -F ") + tmux_pane_format));
    ASSERT_EQ(spawner.commands.size(), 1u);
    EXPECT_EQ(spawner.commands[0].argv,
              (Argv{"/opt/bin/mosaic", "--mosaic-home", "/custom/home", "fleet", "heartbeat", "planner", "--pid", "4242"}));
    EXPECT_EQ(spawner.commands[0].env.at("MOSAIC_HEARTBEAT_INTERVAL"), "1");
    EXPECT_EQ(spawner.logs[0], tmp.path() / "run/planner.heartbeat.log");
    EXPECT_TRUE(std::filesystem::is_directory(tmp.path() / "run"));
}

TEST(StartHeartbeat, NoPaneOrAFailedSpawnIsAnErrorTheCallerCanWarnAbout) {
    mosaic::testing::TempDir tmp;
    Roster r = parse_roster(kRoster, "r");
    SidecarEnv env{"/opt/bin/mosaic", "/h", tmp.path() / "run", {}};
    mosaic::support::FakeRunner runner;
    runner.on({"tmux"}, {1, "", "can't find session: planner\n", false});
    RecordingSpawner spawner;
    try {
        start_heartbeat(r, "planner", env, runner, spawner);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_failed);
        EXPECT_EQ(std::string(e.what()), "cannot find the pane of tmux session 'planner': can't find session: planner");
    }
    EXPECT_TRUE(spawner.commands.empty());

    mosaic::support::FakeRunner ok;
    ok.on({"tmux"}, {0, "planner\t0\t4242\tclaude\t0\t1\n", "", false});
    spawner.fail = true;
    EXPECT_EQ(mosaic::testing::error_code_of([&] { start_heartbeat(r, "planner", env, ok, spawner); }), mosaic::exit_failed);
}
