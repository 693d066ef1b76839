// The agent plugin through the in-process FakeHost: fleet's services answered by the test
// (host.services), tmux recorded by a FakeRunner, --verify's waits on a fake clock, and
// `agent watch`'s terminal recorded. Asserts the exact tmux argv of every command.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <memory>

#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "agent_test_support.hpp"
#include "deps.hpp"

using mosaic::support::Command;
using mosaic::support::ProcessResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace {

class RecordingTerminal : public mosaic::agent::Terminal {
public:
    int run_attached(const Command& command) override {
        ran.push_back(command);
        return exit_status;
    }
    std::vector<Command> ran;
    int exit_status = 0;
};

const std::string kSendA = "tmux -L fleet send-keys -t =a:0.0 -l -- ";
const std::string kEnterA = " ; send-keys -t =a:0.0 Enter";

struct AgentPlugin : ::testing::Test {
    mosaic::testing::FakeHost host;
    mosaic::support::FakeRunner runner;
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper{&clock};
    RecordingTerminal terminal;
    mosaic::agent::UseSeams seams{mosaic::agent::Seams{runner, clock, sleeper, terminal}};

    AgentPlugin() {
        host.services["fleet.roster"] = [](const nlohmann::json&) { return std::pair{0, agent_test::roster_reply().dump()}; };
    }

    // capture-pane answers `screens` in turn, then the last one again and again.
    void captures(std::vector<std::string> screens) {
        auto n = std::make_shared<std::size_t>(0);
        runner.add_rule([screens, n](const Command& c) -> std::optional<ProcessResult> {
            if (std::find(c.argv.begin(), c.argv.end(), "capture-pane") == c.argv.end()) return std::nullopt;
            std::size_t i = std::min(*n, screens.size() - 1);
            ++*n;
            return ProcessResult{0, screens[i], "", false};
        });
    }
    std::vector<std::string> services_called() const {
        std::vector<std::string> names;
        for (const auto& [name, input] : host.service_calls) names.push_back(name);
        return names;
    }
};

}  // namespace

TEST_F(AgentPlugin, DeclaresTheAgentCommandAndItsCompletionService) {
    const auto& d = host.descriptor();
    ASSERT_EQ(d.command_count, 1u);
    EXPECT_STREQ(d.commands[0]->name, "agent");
    ASSERT_EQ(d.service_count, 1u);
    EXPECT_STREQ(d.services[0]->name, "agent.complete");
}

TEST_F(AgentPlugin, CompleteServiceAsksTheFleet) {
    nlohmann::json asked;
    host.services["fleet.complete"] = [&](const nlohmann::json& in) {
        asked = in;
        return std::pair{0, std::string(R"({"values": ["a"]})")};
    };
    auto r = host.call("agent.complete", {{"what", "agent"}, {"prefix", "a"}, {"words", {"tail", "a"}}});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.json, nlohmann::json({{"values", {"a"}}}));
    EXPECT_EQ(asked, nlohmann::json({{"what", "agent"}, {"prefix", "a"}}));
    EXPECT_EQ(host.call("agent.complete", {{"what", "colour"}}).code, 2);
}

TEST_F(AgentPlugin, SendTypesPreambleAndMessageThenEnterInOneTmuxCall) {
    auto r = host.run("agent", {"send", "a", "--message", "hi there"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.out, "sent to 'a'\n");
    EXPECT_THAT(runner.argv_lines(), ElementsAre("tmux -L fleet has-session -t =a",
                                                 kSendA + "[box:operator -> box:a] hi there" + kEnterA));
    EXPECT_EQ(runner.commands_ran[1].env.at("PATH"), host.env["PATH"]);
    EXPECT_FALSE(runner.commands_ran[1].stdin_data.has_value());
}

TEST_F(AgentPlugin, SendUsesTheSessionNameAndPutsClassAndLabelInTheBrackets) {
    auto r = host.run("agent", {"send", "b.1", "-m", "look;", "--class", "human", "--source-label", "planner"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(runner.argv_lines().back(),
              "tmux -L fleet send-keys -t =b_1:0.0 -l -- [box:planner -> box:b_1 class=human] look\\; ; send-keys -t "
              "=b_1:0.0 Enter");
}

TEST_F(AgentPlugin, AnInvalidClassExitsTwoAndNothingIsSentOrAsked) {
    auto r = host.run("agent", {"send", "a", "--message", "x", "--class", "urgent"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("invalid --class 'urgent' (one of terminal-log, actionable, human, reaction)"));
    EXPECT_THAT(runner.commands_ran, IsEmpty());
    EXPECT_THAT(host.service_calls, IsEmpty());
}

TEST_F(AgentPlugin, BadMessagesAndLabelsExitTwo) {
    EXPECT_EQ(host.run("agent", {"send", "a", "--message", ""}).code, 2);
    EXPECT_EQ(host.run("agent", {"send", "a", "--message", "\x1b[2J"}).code, 2);
    EXPECT_EQ(host.run("agent", {"send", "a", "--message", "x", "--source-label", "a b"}).code, 2);
    EXPECT_EQ(host.run("agent", {"send", "a"}).code, 2);  // --message is required
    EXPECT_EQ(host.run("agent", {"send", "zz", "--message", "x"}).code, 2);
    EXPECT_THAT(runner.commands_ran, IsEmpty());
}

TEST_F(AgentPlugin, WithoutTheFleetPluginItNamesThePackageAndExitsThree) {
    host.services.clear();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"send", "a", "--message", "x"}, {"roster"}, {"status"}, {"tail", "a"}, {"reset", "a"}}) {
        auto r = host.run("agent", args);
        EXPECT_EQ(r.code, 3) << args[0];
        EXPECT_THAT(r.error, HasSubstr("install package mosaic-plugin-fleet")) << args[0];
    }
    EXPECT_THAT(runner.commands_ran, IsEmpty());
}

TEST_F(AgentPlugin, TheFleetsOwnRefusalPassesThrough) {
    host.services["fleet.roster"] = [](const nlohmann::json&) {
        return std::pair{3, std::string("no fleet roster at '/h/fleet/roster.yaml'; run 'mosaic fleet init --write'")};
    };
    auto r = host.run("agent", {"roster"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(r.error, "no fleet roster at '/h/fleet/roster.yaml'; run 'mosaic fleet init --write'");
}

TEST_F(AgentPlugin, AMissingSessionIsAFailureSayingHowToStartIt) {
    runner.on({"tmux", "-L", "fleet", "has-session"}, {1, "", "can't find session: =a", false});
    auto r = host.run("agent", {"send", "a", "--message", "x"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.error, HasSubstr("agent 'a' has no tmux session 'a' on socket 'fleet'; start it with 'mosaic fleet start'"));
    EXPECT_EQ(runner.commands_ran.size(), 1u);
}

TEST_F(AgentPlugin, VerifyAcceptsAsSoonAsThePaneChangedWithoutADraft) {
    captures({"$ \n", "$ \n", "$ [box:operator -> box:a] hi\ngot it\n"});
    auto r = host.run("agent", {"send", "a", "--message", "hi", "--verify"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.out, "delivered to 'a': accepted\n");
    EXPECT_THAT(sleeper.sleeps, ElementsAre(std::chrono::milliseconds(400), std::chrono::milliseconds(400)));
    auto lines = runner.argv_lines();
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[1], "tmux -L fleet capture-pane -p -J -t =a:0.0");  // before sending
    EXPECT_EQ(lines[2], kSendA + "[box:operator -> box:a] hi" + kEnterA);
}

TEST_F(AgentPlugin, VerifyReportsADraftAfterTheTimeout) {
    captures({"> \n", "> [box:operator -> box:a] hi\n"});
    auto r = host.run("agent", {"send", "a", "--message", "hi", "--verify"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.error, HasSubstr("the message to 'a' was left as unsubmitted draft"));
    EXPECT_EQ(sleeper.sleeps.size(), 15u);  // 6000 ms in steps of 400 ms
}

TEST_F(AgentPlugin, VerifyOfABlankOrUnchangedPaneCannotBeVerified) {
    captures({""});
    auto blank = host.run("agent", {"send", "a", "--message", "hi", "--verify", "--verify-timeout", "800"});
    EXPECT_EQ(blank.code, 1);
    EXPECT_THAT(blank.error, HasSubstr("could not verify delivery to 'a': its pane shows nothing"));
    EXPECT_EQ(sleeper.sleeps.size(), 2u);
    runner = mosaic::support::FakeRunner();
    captures({"busy\n"});
    auto same = host.run("agent", {"send", "a", "--message", "hi", "--verify", "--verify-timeout", "400"});
    EXPECT_EQ(same.code, 1);
    EXPECT_THAT(same.error, HasSubstr("could not verify delivery to 'a': its pane did not change"));
    EXPECT_EQ(host.run("agent", {"send", "a", "-m", "x", "--verify", "--verify-timeout", "10"}).code, 2);
}

TEST_F(AgentPlugin, TailPrintsTheLastLinesAndSaysWhenThePaneIsBlank) {
    captures({"1\n2\n3\n\n\n"});
    auto r = host.run("agent", {"tail", "a", "-n", "2"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.out, "2\n3\n");
    EXPECT_EQ(runner.argv_lines().back(), "tmux -L fleet capture-pane -p -J -t =a:0.0 -S -2");
    runner = mosaic::support::FakeRunner();
    captures({"\n\n"});
    auto blank = host.run("agent", {"tail", "a"});
    EXPECT_EQ(blank.code, 0);
    EXPECT_EQ(blank.out, "");
    EXPECT_THAT(blank.err, HasSubstr("the pane of 'a' shows nothing: a full-screen TUI"));
}

TEST_F(AgentPlugin, ResetSendsTheRuntimesResetCommandElseRestartsThroughTheFleet) {
    host.services["fleet.restart"] = [](const nlohmann::json&) {
        return std::pair{0, std::string(R"({"restarted": [{"unit": "mosaic-agent@b.1.service", "ok": true}]})")};
    };
    auto r = host.run("agent", {"reset", "a"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(runner.argv_lines().back(), kSendA + "/clear" + kEnterA);
    EXPECT_THAT(services_called(), ElementsAre("fleet.roster"));

    auto restart = host.run("agent", {"reset", "b.1"});
    ASSERT_EQ(restart.code, 0) << restart.error;
    EXPECT_EQ(restart.out, "restarted mosaic-agent@b.1.service (a new session for 'b.1')\n");
    EXPECT_EQ(host.service_calls.back().first, "fleet.restart");
    EXPECT_EQ(host.service_calls.back().second, (nlohmann::json{{"agent", "b.1"}}));

    std::size_t typed = runner.commands_ran.size();
    ASSERT_EQ(host.run("agent", {"reset", "a", "--new"}).code, 0);
    EXPECT_EQ(host.service_calls.back().second, (nlohmann::json{{"agent", "a"}}));
    EXPECT_EQ(runner.commands_ran.size(), typed);  // nothing typed
}

TEST_F(AgentPlugin, WatchAttachesReadOnlyToAGroupedViewerAndRemovesIt) {
    auto r = host.run("agent", {"watch", "a"});
    ASSERT_EQ(r.code, 0) << r.error;
    const std::string viewer = "a-watch-" + std::to_string(::getpid());
    EXPECT_THAT(runner.argv_lines(), ElementsAre("tmux -L fleet has-session -t =a",
                                                 "tmux -L fleet new-session -d -s " + viewer + " -t =a",
                                                 "tmux -L fleet kill-session -t =" + viewer));
    ASSERT_EQ(terminal.ran.size(), 1u);
    EXPECT_THAT(terminal.ran[0].argv, ElementsAre("tmux", "-L", "fleet", "attach-session", "-r", "-t", "=" + viewer, ";",
                                                  "set-option", "-t", "=" + viewer, "destroy-unattached", "on"));
    terminal.exit_status = 1;
    auto failed = host.run("agent", {"watch", "a"});
    EXPECT_EQ(failed.code, 1);
    EXPECT_THAT(failed.error, HasSubstr("needs a terminal"));
    EXPECT_EQ(runner.argv_lines().back(), "tmux -L fleet kill-session -t =" + viewer);
}

TEST_F(AgentPlugin, StatusAndRosterJoinFleetPs) {
    host.services["fleet.ps"] = [](const nlohmann::json&) {
        nlohmann::json ps = {{"systemd_error", "Failed to connect to bus"},
                             {"tmux_error", nullptr},
                             {"agents", {{{"name", "a"}, {"managed", true}, {"session_exists", true}, {"readiness", "idle"}}}}};
        return std::pair{0, ps.dump()};
    };
    auto r = host.run("agent", {"status", "a", "--json"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto doc = nlohmann::json::parse(r.out);
    ASSERT_EQ(doc["agents"].size(), 1u);
    EXPECT_EQ(doc["agents"][0]["readiness"], "idle");
    EXPECT_EQ(doc["agents"][0]["session_exists"], true);
    EXPECT_THAT(r.err, HasSubstr("warning: cannot read unit states: Failed to connect to bus"));
    auto table = host.run("agent", {"roster"});
    ASSERT_EQ(table.code, 0) << table.error;
    EXPECT_THAT(table.out, HasSubstr("NAME"));
    EXPECT_THAT(table.out, HasSubstr("b_1"));
    EXPECT_EQ(host.run("agent", {"status", "zz"}).code, 2);
    EXPECT_THAT(runner.commands_ran, IsEmpty());  // all from the fleet's services
}
