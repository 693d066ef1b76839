// The fleet plugin through the in-process FakeHost: CLI wiring, exit codes, output. Child
// processes are fake systemctl/tmux scripts in a private bin/ that is the host's PATH.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <csignal>
#include <thread>

#include <mosaic/support/clock.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "deps.hpp"
#include "fleet_test_support.hpp"

using fleet_test::lines_of;
using fleet_test::read_text;
using fleet_test::write_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

struct PluginFixture : ::testing::Test {
    mosaic::testing::FakeHost host;
    std::filesystem::path bin = host.root / "bin";
    std::filesystem::path calls = host.root / "calls.log";

    PluginFixture() {
        host.env["PATH"] = bin.string() + ":/usr/bin:/bin";
        script("systemctl", "echo \"systemctl $*\" >> '" + calls.string() + "'\n"
                            "case \"$2\" in show) printf 'Id=mosaic-tmux-holder.service\\nActiveState=active\\nSubState=exited\\n\\n"
                            "Id=mosaic-agent@a.service\\nActiveState=active\\nSubState=exited\\n';; esac\n"
                            "case \"$*\" in *fail*) echo 'Job failed' >&2; exit 1;; esac\nexit 0\n");
        script("tmux", "echo \"tmux $*\" >> '" + calls.string() + "'\ncase \"$*\" in *=_holder*|*new-session*) exit 0;; esac\nexit 1\n");
    }
    void script(const std::string& name, const std::string& body) {
        write_text(bin / name, "#!/bin/sh\n" + body);
        ::chmod((bin / name).c_str(), 0755);
    }
    void roster(const std::string& text) { write_text(host.home / "fleet/roster.yaml", text); }
    // Agent a has its session and pane but a disabled unit and no heartbeat; b.1 has no session.
    void verify_world() {
        script("systemctl", "echo \"systemctl $*\" >> '" + calls.string() + "'\n"
                            "case \"$2\" in show) printf 'Id=mosaic-agent@a.service\\nActiveState=active\\nSubState=running\\n"
                            "UnitFileState=disabled\\n';; esac\nexit 0\n");
        script("tmux", "echo \"tmux $*\" >> '" + calls.string() + "'\n"
                       "case \"$*\" in *list-sessions*) printf 'a\\t1\\n';; *list-panes*) printf 'a\\t0\\t4242\\tclaude\\t0\\t1\\n';; esac\n"
                       "exit 0\n");
        roster("version: 1\ntmux: { socket_name: fleet }\nruntimes:\n  claude: { reset_command: /clear }\n"
               "agents:\n  - { name: a, runtime: claude, working_directory: /w }\n  - { name: b.1, runtime: codex, "
               "class: reviewer, working_directory: /w }\n");
    }
    std::vector<std::string> ran() { return lines_of(read_text(calls)); }
};

const char* kRoster = "version: 1\ntmux: { socket_name: fleet }\nagents:\n  - { name: a, runtime: claude }\n";

}  // namespace

TEST_F(PluginFixture, DeclaresFleetYoloAndItsServices) {
    const auto& d = host.descriptor();
    ASSERT_EQ(d.command_count, 3u);
    EXPECT_STREQ(d.commands[0]->name, "fleet");
    EXPECT_STREQ(d.commands[1]->name, "yolo");
    EXPECT_STREQ(d.commands[2]->name, "compose-contract");
    ASSERT_EQ(d.service_count, 7u);
    EXPECT_STREQ(d.services[0]->name, "fleet.status");
    EXPECT_STREQ(d.services[1]->name, "fleet.doctor");
    EXPECT_STREQ(d.services[2]->name, "fleet.roster");
    EXPECT_STREQ(d.services[3]->name, "fleet.ps");
    EXPECT_STREQ(d.services[4]->name, "fleet.verify");
    EXPECT_STREQ(d.services[5]->name, "fleet.restart");
    EXPECT_STREQ(d.services[6]->name, "fleet.complete");
}

TEST_F(PluginFixture, CompleteServiceGivesTheRostersAgentNamesAndRunsNothing) {
    auto none = host.call("fleet.complete", {{"what", "agent"}, {"prefix", ""}});
    EXPECT_EQ(none.code, 0) << none.error;
    EXPECT_EQ(none.json, nlohmann::json({{"values", nlohmann::json::array()}}));  // no roster yet
    roster("version: 1\nagents:\n  - { name: coder-1, runtime: claude }\n  - { name: reviewer, runtime: codex }\n");
    auto all = host.call("fleet.complete", {{"what", "agent"}, {"prefix", ""}});
    EXPECT_EQ(all.json, nlohmann::json({{"values", {"coder-1", "reviewer"}}}));
    auto some = host.call("fleet.complete", {{"what", "agent"}, {"prefix", "rev"}});
    EXPECT_EQ(some.json, nlohmann::json({{"values", {"reviewer"}}}));
    auto bad = host.call("fleet.complete", {{"what", "colour"}});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(ran().empty());
}

TEST_F(PluginFixture, StartPrintsEachUnit) {
    roster(kRoster);
    auto r = host.run("fleet", {"start"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.out, "started mosaic-tmux-holder.service\nstarted mosaic-agent@a.service\n");
    EXPECT_THAT(ran(), ElementsAre("systemctl --user start mosaic-tmux-holder.service",
                                   "systemctl --user start mosaic-agent@a.service"));
}

TEST_F(PluginFixture, AFailedUnitExitsOneNamingIt) {
    roster("version: 1\nagents:\n  - { name: fail, runtime: claude }\n  - { name: a, runtime: pi }\n");
    auto r = host.run("fleet", {"stop"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.error, "1 of 3 units failed: 'mosaic-agent@fail.service'");
    EXPECT_THAT(r.err, HasSubstr("mosaic-agent@fail.service failed: Job failed"));
    EXPECT_EQ(ran().size(), 3u);
}

TEST_F(PluginFixture, StatusJsonIsOneDocumentAndMatchesTheService) {
    roster(kRoster);
    auto r = host.run("fleet", {"status", "--json"});
    EXPECT_EQ(r.code, 0) << r.error;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["holder"]["active_state"], "active");
    EXPECT_EQ(doc["holder"]["session"], true);
    EXPECT_EQ(doc["agents"][0]["name"], "a");
    EXPECT_EQ(doc["agents"][0]["session"], false);
    auto s = host.call("fleet.status");
    EXPECT_EQ(s.code, 0) << s.error;
    EXPECT_EQ(s.json, doc);
}

TEST_F(PluginFixture, StatusTableShowsEveryAgent) {
    roster(kRoster);
    auto r = host.run("fleet", {"status"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(r.out, HasSubstr("session '_holder' up"));
    EXPECT_THAT(r.out, HasSubstr("NAME"));
    EXPECT_THAT(r.out, HasSubstr("\nNAME  RUNTIME  CLASS   STATE          SESSION\na     claude   worker  active/exited  no\n"));
}

TEST_F(PluginFixture, MissingRosterIsRefusedWithExit3) {
    auto r = host.run("fleet", {"status"});
    EXPECT_EQ(r.code, 3);
    EXPECT_THAT(r.error, HasSubstr("no fleet roster at '" + (host.home / "fleet/roster.yaml").string() + "'"));
    auto s = host.call("fleet.status");
    EXPECT_EQ(s.code, 3);
}

TEST_F(PluginFixture, BadRosterExitsTwoNamingKeyAndLine) {
    roster("version: 1\nagents:\n  - { name: a, runtime: claude, colour: red }\n");
    auto r = host.run("fleet", {"start"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("unknown key 'agents[0].colour'"));
    EXPECT_THAT(r.error, HasSubstr("line 3"));
    EXPECT_FALSE(std::filesystem::exists(calls));
}

TEST_F(PluginFixture, RestartTakesAndReleasesTheLock) {
    roster(kRoster);
    auto r = host.run("fleet", {"restart", "--max-wait", "5"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(ran(), ElementsAre("systemctl --user restart mosaic-tmux-holder.service",
                                   "systemctl --user restart mosaic-agent@a.service"));
    EXPECT_TRUE(std::filesystem::exists(host.home / "fleet/run/restart.lock.mutex"));
    EXPECT_FALSE(std::filesystem::exists(host.home / "fleet/run/restart.lock"));
}

TEST_F(PluginFixture, RestartOfAnUnknownAgentIsAUsageError) {
    roster(kRoster);
    auto r = host.run("fleet", {"restart", "zz"});
    EXPECT_EQ(r.code, 2);
    EXPECT_FALSE(std::filesystem::exists(calls));
}

TEST_F(PluginFixture, BadFlagIsAUsageError) {
    EXPECT_EQ(host.run("fleet", {"restart", "--max-wait", "soon"}).code, 2);
    auto unknown = host.run("fleet", {"frobnicate"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_EQ(unknown.error, "unknown command 'frobnicate' for 'mosaic fleet'; run 'mosaic fleet --help' for its commands");
    auto none = host.run("fleet", {});  // no subcommand: the group's help, as kubectl and gh do
    EXPECT_EQ(none.code, 0);
    EXPECT_THAT(none.out, HasSubstr("usage: mosaic fleet <command> [options]"));
}

TEST_F(PluginFixture, InstallSystemdWritesUnitsUnderXdgConfigHome) {
    roster(kRoster);
    host.env["XDG_CONFIG_HOME"] = (host.root / "cfg").string();
    auto r = host.run("fleet", {"install-systemd"});
    EXPECT_EQ(r.code, 0) << r.error;
    std::string agent_unit = read_text(host.root / "cfg/systemd/user/mosaic-agent@.service");
    EXPECT_THAT(agent_unit, HasSubstr("ExecStart=" + host.executable.string() + " --mosaic-home " + host.home.string() +
                                      " fleet launch -- %i"));
    EXPECT_TRUE(std::filesystem::exists(host.root / "cfg/systemd/user/mosaic-tmux-holder.service"));
    EXPECT_TRUE(std::filesystem::exists(host.home / "fleet/agents/a.env"));
    EXPECT_THAT(r.out, HasSubstr("systemctl --user daemon-reload"));
    EXPECT_FALSE(std::filesystem::exists(calls));  // prints the hint, runs nothing
}

TEST_F(PluginFixture, LaunchExitCodes) {
    roster(kRoster);
    auto r = host.run("fleet", {"launch"});
    EXPECT_EQ(r.code, 64);
    std::filesystem::remove(bin / "tmux");
    host.env["PATH"] = bin.string();
    r = host.run("fleet", {"launch", "a"});
    EXPECT_EQ(r.code, 69);
    EXPECT_THAT(r.error, HasSubstr("'tmux'"));
}

TEST_F(PluginFixture, LaunchUsesTheFakeHostsEnvironment) {
    roster("version: 1\ntmux: { socket_name: fleet }\nagents:\n  - { name: a, runtime: claude, working_directory: " +
           host.root.string() + " }\n");
    host.env["MOSAIC_AGENT_COMMAND"] = "sleep 1";
    auto r = host.run("fleet", {"launch", "a"});
    EXPECT_EQ(r.code, 0) << r.error;
    auto lines = ran();
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "tmux -L fleet has-session -t =a");
    EXPECT_THAT(lines[1], HasSubstr("new-session -d -s a -c " + host.root.string()));
    EXPECT_THAT(lines[1], HasSubstr("MOSAIC_AGENT_NAME=a"));
    EXPECT_THAT(lines[1], HasSubstr("; sleep 1"));
    EXPECT_THAT(lines[2], HasSubstr("tmux -L fleet list-panes -s -t =a"));
    EXPECT_THAT(r.out, HasSubstr("created tmux session 'a' on socket 'fleet'"));
}

TEST_F(PluginFixture, LaunchWarnsButSucceedsWhenTheHeartbeatCannotStart) {
    roster("version: 1\ntmux: { socket_name: fleet }\nagents:\n  - { name: a, runtime: claude, working_directory: " +
           host.root.string() + " }\n");
    host.env["MOSAIC_AGENT_COMMAND"] = "sleep 1";
    // The pane is found, but FakeHost's mosaic executable does not exist: the sidecar cannot start.
    script("tmux", "echo \"tmux $*\" >> '" + calls.string() + "'\n"
                   "case \"$*\" in *has-session*) exit 1;; *list-panes*) printf 'a\\t0\\t4242\\tsleep\\t0\\t1\\n';; esac\nexit 0\n");
    auto r = host.run("fleet", {"launch", "a"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(r.err, HasSubstr("warning: cannot start the heartbeat of 'a': cannot start '" + host.executable.string() + "'"));
    host.env["MOSAIC_HEARTBEAT_INTERVAL"] = "often";
    r = host.run("fleet", {"launch", "a"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(r.err, HasSubstr("cannot start the heartbeat of 'a': MOSAIC_HEARTBEAT_INTERVAL must be"));
}

TEST_F(PluginFixture, InitPrintsWritesAndRefusesToOverwrite) {
    auto r = host.run("fleet", {"init", "--profile", "software-delivery"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(r.out, HasSubstr("name: planner"));
    EXPECT_FALSE(std::filesystem::exists(host.home / "fleet/roster.yaml"));

    r = host.run("fleet", {"init", "--write"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(read_text(host.home / "fleet/roster.yaml"), HasSubstr("--profile minimal"));
    EXPECT_THAT(r.out, HasSubstr("wrote " + (host.home / "fleet/roster.yaml").string()));

    r = host.run("fleet", {"init", "--write", "--profile", "software-delivery"});
    EXPECT_EQ(r.code, 3);
    EXPECT_THAT(r.error, HasSubstr("already exists; pass --force"));
    EXPECT_THAT(read_text(host.home / "fleet/roster.yaml"), HasSubstr("--profile minimal"));

    r = host.run("fleet", {"init", "--write", "--force", "--profile", "software-delivery"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(r.out, HasSubstr("kept the previous roster as "));
    EXPECT_THAT(read_text(host.home / "fleet/roster.yaml"), HasSubstr("name: planner"));

    r = host.run("fleet", {"init", "--profile", "everything"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("known profiles: minimal, software-delivery"));
}

TEST_F(PluginFixture, PsTableAndJsonFromTheFakeTools) {
    roster(kRoster);
    script("tmux", "case \"$*\" in *list-sessions*) printf '_holder\\t1\\na\\t1\\nextra\\t1\\n';;"
                   " *list-panes*) printf 'a\\t0\\t4242\\tclaude\\t0\\t0\\nextra\\t0\\t4343\\tbash\\t0\\t0\\n';; esac\n");
    auto r = host.run("fleet", {"ps"});
    EXPECT_EQ(r.code, 0) << r.error;
    auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 3u) << r.out;
    EXPECT_THAT(lines[0], ::testing::StartsWith("NAME"));
    EXPECT_THAT(lines[1], ::testing::MatchesRegex("a +claude +worker +active/exited unknown +4242 claude +- unknown +BOOT-ENABLE"));
    EXPECT_THAT(lines[2], ::testing::MatchesRegex("extra +- +- +- +4343 bash +- unknown +UNMANAGED"));

    r = host.run("fleet", {"ps", "--json"});
    EXPECT_EQ(r.code, 0) << r.error;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["run_dir"], (host.home / "fleet/run").string());
    EXPECT_EQ(doc["agents"][0]["readiness"], "unknown");
    EXPECT_EQ(doc["agents"][1]["managed"], false);
}

TEST_F(PluginFixture, PsReadsHeartbeatsFromTheRunDirVariable) {
    roster(kRoster);
    auto run = host.root / "elsewhere";
    host.env["MOSAIC_HEARTBEAT_RUN_DIR"] = run.string();
    write_text(run / "a.hb", "{\"ts\": 1, \"pid\": 999999999, \"status\": \"exited\"}\n");
    auto r = host.run("fleet", {"ps", "--json"});
    EXPECT_EQ(r.code, 0) << r.error;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["run_dir"], run.string());
    EXPECT_EQ(doc["agents"][0]["heartbeat"]["status"], "exited");
    EXPECT_EQ(doc["agents"][0]["readiness"], "dead");
}

TEST_F(PluginFixture, PsSurvivesMissingSystemdAndFailingTmux) {
    roster(kRoster);
    std::filesystem::remove(bin / "systemctl");
    script("tmux", "echo 'tmux is broken' >&2; exit 1\n");
    host.env["PATH"] = bin.string();
    auto r = host.run("fleet", {"ps"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(r.out, ::testing::ContainsRegex("\na +claude +worker +- +- +- unknown +-\n"));
    EXPECT_THAT(r.err, HasSubstr("warning: cannot read unit states: 'systemctl' not found"));
    EXPECT_THAT(r.err, HasSubstr("warning: cannot read tmux: tmux list-sessions: tmux is broken"));
    r = host.run("fleet", {"ps", "--json"});
    auto doc = nlohmann::json::parse(r.out);  // stdout is the document alone
    EXPECT_EQ(doc["agents"].size(), 1u);
    EXPECT_FALSE(doc["systemd_error"].is_null());
}

TEST_F(PluginFixture, PsRejectsBadThresholdsNamingTheVariable) {
    roster(kRoster);
    host.env["MOSAIC_FLEET_STUCK_AFTER"] = "soon";
    auto r = host.run("fleet", {"ps"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("MOSAIC_FLEET_STUCK_AFTER"));
    host.env.erase("MOSAIC_FLEET_STUCK_AFTER");
    host.env["MOSAIC_HEARTBEAT_RUN_DIR"] = "relative/run";
    r = host.run("fleet", {"ps"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("MOSAIC_HEARTBEAT_RUN_DIR must be an absolute path"));
}

TEST_F(PluginFixture, HeartbeatUsageErrors) {
    EXPECT_EQ(host.run("fleet", {"heartbeat", "a"}).code, 2);  // --pid is required
    EXPECT_EQ(host.run("fleet", {"heartbeat", "a", "--pid", "0"}).code, 2);
    EXPECT_EQ(host.run("fleet", {"heartbeat", "a/b", "--pid", "5"}).code, 2);
    host.env["MOSAIC_HEARTBEAT_INTERVAL"] = "0";
    auto r = host.run("fleet", {"heartbeat", "a", "--pid", "5"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("MOSAIC_HEARTBEAT_INTERVAL"));
}

TEST_F(PluginFixture, HeartbeatBeatsForALiveProcessAndEndsWhenItDies) {
    host.env["MOSAIC_HEARTBEAT_INTERVAL"] = "1";
    fleet_test::Child child({"sleep", "60"});
    ASSERT_GT(child.pid(), 0);
    auto file = host.home / "fleet/run/w.hb";
    mosaic::testing::FakeHost::Result result;
    std::thread sidecar([&] { result = host.run("fleet", {"heartbeat", "w", "--pid", std::to_string(child.pid())}); });
    bool beating = fleet_test::eventually([&] { return read_text(file).find("\"alive\"") != std::string::npos; });
    child.kill(SIGKILL);
    child.wait();
    sidecar.join();
    EXPECT_TRUE(beating);
    EXPECT_EQ(result.code, 0) << result.error;
    EXPECT_THAT(read_text(file), HasSubstr("\"pid\":" + std::to_string(child.pid())));
    EXPECT_THAT(read_text(file), HasSubstr("\"status\":\"exited\""));
}

TEST_F(PluginFixture, HelpTellsThatAddAndRemoveDropRosterComments) {
    auto r = host.run("fleet", {"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_THAT(r.out, HasSubstr("'add' and 'remove' rewrite roster.yaml through yaml-cpp, which does not keep\ncomments"));
    r = host.run("fleet", {"add", "--help"});
    EXPECT_THAT(r.out, HasSubstr("roster comments are not kept"));
}

TEST_F(PluginFixture, AddWithAnInvalidRuntimeListsTheValidOnes) {
    auto r = host.run("fleet", {"add", "x", "--runtime", "gemini"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("unknown runtime 'gemini'; known runtimes: claude, codex, opencode, pi"));
    EXPECT_FALSE(std::filesystem::exists(host.home / "fleet/roster.yaml"));
}

TEST_F(PluginFixture, AddAndRemoveThroughTheCli) {
    auto r = host.run("fleet", {"add", "x", "--runtime", "pi", "--class", "scout", "--model", "m1", "--no-start"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(read_text(host.home / "fleet/roster.yaml"), HasSubstr("scout"));
    EXPECT_FALSE(std::filesystem::exists(calls));
    r = host.run("fleet", {"remove", "x"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(ran(), ElementsAre("systemctl --user stop mosaic-agent@x.service"));
    EXPECT_EQ(host.run("fleet", {"add", "y"}).code, 2);  // --runtime is required
}

TEST_F(PluginFixture, YoloErrorsBeforeExec) {
    auto r = host.run("yolo", {"gemini"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("known runtimes: claude, codex, opencode, pi"));
    r = host.run("yolo", {"claude", "--model", "opus"});
    EXPECT_EQ(r.code, 69);
    EXPECT_THAT(r.error, HasSubstr("'claude'"));
    EXPECT_EQ(host.run("yolo", {}).code, 2);
}

// With the plugin's effects replaced through UseSeams: a recording FakeRunner answers for
// systemctl and tmux, so each test states exactly what they said and checks what was run.
namespace {

struct SeamFixture : ::testing::Test {
    mosaic::testing::FakeHost host;
    mosaic::support::FakeRunner runner;
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper{&clock};
    fleet_test::FakeInspector inspector;
    mosaic::fleet::PosixDetachedSpawner spawner;
    mosaic::fleet::PosixExec exec;
    mosaic::fleet::UseSeams seams{{runner, clock, sleeper, inspector, spawner, exec}};

    void roster(const std::string& text) { write_text(host.home / "fleet/roster.yaml", text); }
    std::size_t count(const std::string& text, const std::string& what) {
        std::size_t n = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
        return n;
    }
};

const mosaic::support::ProcessResult no_bus{1, "", "Failed to connect to bus: No medium found\n", false};

}  // namespace

TEST_F(SeamFixture, WithoutAUserSystemdStatusSaysSoOnceWithWhatToDo) {
    roster(kRoster);
    runner.on({"systemctl"}, no_bus);
    runner.on({"tmux"}, {1, "", "no server running on /tmp/tmux-0/fleet\n", false});
    auto r = host.run("fleet", {"status"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(count(r.out + r.err + r.error, "Failed to connect to bus"), 1u) << r.out << r.err << r.error;
    EXPECT_THAT(r.error, HasSubstr("cannot read the unit states: Failed to connect to bus: No medium found; "));
    EXPECT_THAT(r.error, HasSubstr("loginctl enable-linger"));
}

TEST_F(SeamFixture, WithoutAUserSystemdStartStopsAtTheFirstUnitWithOneMessage) {
    roster("version: 1\nagents:\n  - { name: a, runtime: claude }\n  - { name: b, runtime: codex }\n");
    runner.on({"systemctl"}, no_bus);
    auto r = host.run("fleet", {"start"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user start mosaic-tmux-holder.service"));
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.error, "cannot reach the user's systemd ('systemctl --user' says: Failed to connect to bus: No medium "
                       "found); the fleet's units run under the user's own systemd, which this shell cannot reach; "
                       "run mosaic in a login session of that user (ssh or a desktop login, not 'su' or 'docker "
                       "exec'), or enable lingering with 'loginctl enable-linger $USER' and log in again");
}

TEST_F(SeamFixture, AUnitThatFailsForItselfIsStillReportedPerUnit) {
    roster("version: 1\nagents:\n  - { name: a, runtime: claude }\n  - { name: b, runtime: codex }\n");
    runner.on({"systemctl", "--user", "start", "mosaic-agent@a.service"}, {1, "", "Job failed\n", false});
    auto r = host.run("fleet", {"start"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(runner.commands_ran.size(), 3u);
    EXPECT_EQ(r.out, "started mosaic-tmux-holder.service\nstarted mosaic-agent@b.service\n");
    EXPECT_EQ(r.error, "1 of 3 units failed: 'mosaic-agent@a.service'");
}

TEST_F(SeamFixture, LaunchOfARuntimeNotOnPathFailsWithoutCreatingASession) {
    roster("version: 1\nagents:\n  - { name: r2, runtime: codex, working_directory: " + host.root.string() + " }\n");
    std::filesystem::create_directories(host.root / "bin");
    write_text(host.root / "bin/tmux", "#!/bin/sh\n");
    ::chmod((host.root / "bin/tmux").c_str(), 0755);
    host.env["PATH"] = (host.root / "bin").string();  // tmux, but no codex
    runner.on({"tmux"}, {1, "", "", false});          // no such session yet
    auto r = host.run("fleet", {"launch", "r2"});
    EXPECT_EQ(r.code, 69);
    EXPECT_EQ(r.error, "runtime 'codex' of agent 'r2' needs 'codex', which is not on PATH; install it, or set "
                       "MOSAIC_AGENT_COMMAND");
    EXPECT_EQ(r.out, "");
    for (const auto& line : runner.argv_lines()) EXPECT_THAT(line, ::testing::Not(HasSubstr("new-session")));
}

TEST_F(SeamFixture, DoctorNamesWhatIsMissingAndWhatToDo) {
    runner.on({"systemctl"}, no_bus);
    host.env["PATH"] = (host.root / "empty").string();
    auto r = host.call("fleet.doctor");
    ASSERT_EQ(r.code, 0) << r.error;
    std::map<std::string, nlohmann::json> by_name;
    for (const auto& c : r.json["checks"]) by_name[c["name"]] = c;
    EXPECT_EQ(by_name["roster"]["ok"], false);
    EXPECT_EQ(by_name["roster"]["fix"], "run 'mosaic fleet init --write'");
    EXPECT_EQ(by_name["tmux"]["fix"], "install tmux (apt install tmux)");
    EXPECT_THAT(by_name["systemd"]["fix"].get<std::string>(), HasSubstr("loginctl enable-linger"));
    EXPECT_EQ(by_name["units"]["fix"], "run 'mosaic fleet install-systemd'");
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user show-environment"));
}

// The services the agent plugin is built on, and fleet verify.
TEST_F(PluginFixture, RosterServiceGivesSessionsUnitsAndResetCommands) {
    verify_world();
    auto r = host.call("fleet.roster");
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.json["socket_name"], "fleet");
    EXPECT_EQ(r.json["roster"], (host.home / "fleet/roster.yaml").string());
    EXPECT_TRUE(r.json["host"].is_string());
    EXPECT_EQ(r.json["runtimes"]["claude"]["reset_command"], "/clear");
    ASSERT_EQ(r.json["agents"].size(), 2u);
    EXPECT_EQ(r.json["agents"][1]["name"], "b.1");
    EXPECT_EQ(r.json["agents"][1]["session"], "b_1");
    EXPECT_EQ(r.json["agents"][1]["unit"], "mosaic-agent@b.1.service");
    EXPECT_EQ(r.json["agents"][1]["class"], "reviewer");
    EXPECT_FALSE(std::filesystem::exists(calls));  // reads the roster, runs nothing
}

TEST_F(PluginFixture, VerifyListsWhatIsWrongAndExitsOne) {
    verify_world();
    auto r = host.run("fleet", {"verify"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.out, HasSubstr("a: unit mosaic-agent@a.service is not enabled"));
    EXPECT_THAT(r.out, HasSubstr("b.1: no tmux session 'b_1' on socket 'fleet'"));
    EXPECT_THAT(r.error, HasSubstr("fleet verify found"));
    auto j = host.run("fleet", {"verify", "--json"});
    EXPECT_EQ(j.code, 1);
    auto doc = nlohmann::json::parse(j.out);
    EXPECT_EQ(doc["ok"], false);
    EXPECT_EQ(doc, host.call("fleet.verify").json);
}

TEST_F(PluginFixture, RestartServiceRestartsOneAgentUnderTheLock) {
    verify_world();
    auto r = host.call("fleet.restart", {{"agent", "b.1"}});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.json["restarted"][0]["unit"], "mosaic-agent@b.1.service");
    EXPECT_THAT(lines_of(read_text(calls)), ElementsAre("systemctl --user restart mosaic-agent@b.1.service"));
    EXPECT_FALSE(std::filesystem::exists(host.home / "fleet/run/restart.lock"));
    EXPECT_EQ(host.call("fleet.restart", {{"agent", "zz"}}).code, 2);
    EXPECT_EQ(host.call("fleet.restart", nlohmann::json::object()).code, 2);
}
