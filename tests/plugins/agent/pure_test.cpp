// The agent plugin's pure parts: the preamble and its checks, every tmux argv, the
// delivery classification, tail, the fleet.roster reply and the joined view.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/error.hpp>

#include "agent_test_support.hpp"
#include "fleet_client.hpp"
#include "message.hpp"
#include "pane.hpp"
#include "view.hpp"

using namespace mosaic::agent;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(AgentMessage, PreambleNamesSourceAndDestinationAndTheClassInsideTheBrackets) {
    Preamble p{"box", "operator", "box", "coder-1", std::nullopt};
    EXPECT_EQ(render_preamble(p), "[box:operator -> box:coder-1]");
    EXPECT_EQ(compose_message(p, "run the tests"), "[box:operator -> box:coder-1] run the tests");
    p.src_label = "planner";
    p.message_class = "actionable";
    EXPECT_EQ(compose_message(p, "x"), "[box:planner -> box:coder-1 class=actionable] x");
}

TEST(AgentMessage, OnlyTheFourClassesAreValid) {
    EXPECT_THAT(message_classes(), ElementsAre("terminal-log", "actionable", "human", "reaction"));
    for (const auto& c : message_classes()) EXPECT_TRUE(valid_message_class(c));
    EXPECT_FALSE(valid_message_class("urgent"));
    EXPECT_FALSE(valid_message_class(""));
    EXPECT_FALSE(valid_message_class("Human"));
}

TEST(AgentMessage, MessagesKeepNewlinesTabsQuotesAndNonAsciiButNoOtherControls) {
    EXPECT_EQ(message_problem("a\nb\tc 'q' \"d\" $(rm -rf x); ü"), std::nullopt);
    EXPECT_TRUE(message_problem(""));
    EXPECT_TRUE(message_problem("bell\a"));
    EXPECT_TRUE(message_problem("esc\x1b[2J"));
    EXPECT_TRUE(message_problem("del\x7f"));
    EXPECT_TRUE(message_problem("\xff\xfe"));
}

TEST(AgentMessage, SourceLabelsAreOneWordWithoutThePreamblesPunctuation) {
    EXPECT_EQ(source_label_problem("operator"), std::nullopt);
    EXPECT_EQ(source_label_problem("ci-bot_2"), std::nullopt);
    for (const char* bad : {"", "two words", "a:b", "x]", "[x", "tab\t"}) EXPECT_TRUE(source_label_problem(bad)) << bad;
    EXPECT_TRUE(source_label_problem(std::string(65, 'a')));
}

TEST(AgentPane, TargetsAreExactAndTheSocketOnlyWhenNamed) {
    EXPECT_EQ(pane_target("coder-1"), "=coder-1:0.0");
    EXPECT_THAT(has_session_argv(std::nullopt, "a"), ElementsAre("tmux", "has-session", "-t", "=a"));
    EXPECT_THAT(has_session_argv("fleet", "a"), ElementsAre("tmux", "-L", "fleet", "has-session", "-t", "=a"));
}

TEST(AgentPane, SendIsOneLiteralSendKeysThenEnterInOneCall) {
    EXPECT_THAT(send_text_argv("fleet", "a", "-n $(x) 'q'"),
                ElementsAre("tmux", "-L", "fleet", "send-keys", "-t", "=a:0.0", "-l", "--", "-n $(x) 'q'", ";",
                            "send-keys", "-t", "=a:0.0", "Enter"));
}

TEST(AgentPane, AFinalSemicolonIsEscapedForTmuxAndNothingElse) {
    EXPECT_EQ(tmux_literal("a;b"), "a;b");
    EXPECT_EQ(tmux_literal("end;"), "end\\;");
    EXPECT_EQ(tmux_literal("end\\;"), "end\\\\;");
    EXPECT_EQ(tmux_literal(";"), "\\;");
    EXPECT_EQ(tmux_literal(""), "");
}

TEST(AgentPane, CaptureAndViewerArgv) {
    EXPECT_THAT(capture_argv(std::nullopt, "a"), ElementsAre("tmux", "capture-pane", "-p", "-J", "-t", "=a:0.0"));
    EXPECT_THAT(capture_argv("s", "a", 20),
                ElementsAre("tmux", "-L", "s", "capture-pane", "-p", "-J", "-t", "=a:0.0", "-S", "-20"));
    EXPECT_EQ(viewer_session("a", 42), "a-watch-42");
    EXPECT_THAT(viewer_create_argv("s", "a", "a-watch-42"),
                ElementsAre("tmux", "-L", "s", "new-session", "-d", "-s", "a-watch-42", "-t", "=a"));
    EXPECT_THAT(viewer_attach_argv("s", "a-watch-42"),
                ElementsAre("tmux", "-L", "s", "attach-session", "-r", "-t", "=a-watch-42", ";", "set-option", "-t",
                            "=a-watch-42", "destroy-unattached", "on"));
    EXPECT_THAT(viewer_kill_argv(std::nullopt, "v"), ElementsAre("tmux", "kill-session", "-t", "=v"));
}

TEST(AgentPane, DeliveryIsAcceptedDraftOrUnverified) {
    EXPECT_EQ(classify_delivery("$ \n", "$ hello\ngot: hello\n"), Delivery::accepted);
    EXPECT_EQ(classify_delivery("> \n", "> [h:operator -> h:a] hello\n\n\n"), Delivery::draft);
    EXPECT_EQ(classify_delivery("same\n", "same   \n"), Delivery::unverified);
    EXPECT_EQ(classify_delivery("", "\n\n  \n"), Delivery::unverified);
    EXPECT_EQ(classify_delivery("x\n", ""), Delivery::unverified);
    EXPECT_EQ(classify_delivery("", ">not a draft\n"), Delivery::accepted);
    EXPECT_EQ(classify_delivery("", "> a\ndone\n"), Delivery::accepted);  // only the last line counts
    EXPECT_EQ(to_string(Delivery::draft), "left as unsubmitted draft");
    EXPECT_EQ(to_string(Delivery::unverified), "could not verify delivery");
}

TEST(AgentPane, TailKeepsTheLastLinesWithoutTrailingBlankOnes) {
    EXPECT_EQ(tail_lines("1\n2\n3\n\n\n", 2), "2\n3\n");
    EXPECT_EQ(tail_lines("1\n2\n", 10), "1\n2\n");
    EXPECT_EQ(tail_lines("\n  \n", 5), "");
    EXPECT_EQ(last_nonempty_line("a\n> b  \n\n"), "> b");
}

TEST(AgentFleetClient, RosterReplyParsesWithResetCommandsFromTheRuntimes) {
    FleetRoster r = parse_fleet_roster(agent_test::roster_reply());
    EXPECT_EQ(r.host, "box");
    EXPECT_EQ(r.socket_name, "fleet");
    ASSERT_EQ(r.agents.size(), 2u);
    EXPECT_EQ(r.agents[0].reset_command, "/clear");
    EXPECT_EQ(r.agents[1].reset_command, std::nullopt);
    EXPECT_EQ(r.agents[1].session, "b_1");
    EXPECT_EQ(r.agents[1].unit, "mosaic-agent@b.1.service");
    EXPECT_EQ(r.require("b.1").runtime, "codex");
    try {
        r.require("zz");
        FAIL() << "no error";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_THAT(e.what(), HasSubstr("unknown agent 'zz'; the roster '/h/fleet/roster.yaml' has a, b.1"));
    }
}

TEST(AgentFleetClient, AReplyWithoutAgentsIsAFailure) {
    auto bad = agent_test::roster_reply();
    bad.erase("agents");
    EXPECT_THROW(parse_fleet_roster(bad), mosaic::Error);
    EXPECT_THROW(parse_fleet_roster(nlohmann::json::array()), mosaic::Error);
}

TEST(AgentView, JoinsTheRosterWithPsRowsByName) {
    nlohmann::json ps = {{"systemd_error", nullptr},
                         {"tmux_error", nullptr},
                         {"agents",
                          {{{"name", "a"},
                            {"managed", true},
                            {"session_exists", true},
                            {"unit", {{"active_state", "active"}, {"sub_state", "running"}, {"enabled", true}}},
                            {"pane", {{"pid", 4242}, {"command", "claude"}, {"dead", false}}},
                            {"heartbeat", {{"age_s", 3}, {"status", "alive"}}},
                            {"readiness", "working"},
                            {"flags", nlohmann::json::array()}},
                           {{"name", "b.1"}, {"managed", false}, {"readiness", "dead"}}}}};
    auto view = joined_view(parse_fleet_roster(agent_test::roster_reply()), ps);
    ASSERT_EQ(view["agents"].size(), 2u);
    EXPECT_EQ(view["agents"][0]["readiness"], "working");
    EXPECT_EQ(view["agents"][0]["reset_command"], "/clear");
    EXPECT_EQ(view["agents"][1]["readiness"], "unknown");  // the unmanaged row is not the agent
    auto status = render_status_table(view, false);
    for (const char* cell : {"a up", "active/running enabled", "4242 claude", "3s alive", "working"})
        EXPECT_THAT(status, HasSubstr(cell));
    auto roster = render_roster_table(view, false);
    for (const char* cell : {"b_1 ?", "restart", "/clear", "orchestrator"}) EXPECT_THAT(roster, HasSubstr(cell));
    EXPECT_EQ(joined_view(parse_fleet_roster(agent_test::roster_reply()), ps, std::string("b.1"))["agents"].size(), 1u);
}
