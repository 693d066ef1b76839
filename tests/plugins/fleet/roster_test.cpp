#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "roster.hpp"

using namespace mosaic::fleet;
using fleet_test::error_of;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

const char* kSpecRoster = R"(version: 1
transport: tmux
tmux: { socket_name: mosaic-fleet, holder_session: _holder }
defaults: { working_directory: ~/src }
runtimes: { claude: { reset_command: /clear } }
agents:
  - { name: planner, runtime: claude, class: orchestrator, model_hint: opus }
  - { name: coder-1, runtime: codex }
)";

const std::string kAgentsHead = "version: 1\nagents:\n";

}  // namespace

TEST(Roster, ParsesTheSpecExample) {
    Roster r = parse_roster(kSpecRoster, "/x/roster.yaml");
    EXPECT_EQ(r.version, 1);
    EXPECT_EQ(r.transport, "tmux");
    ASSERT_TRUE(r.socket_name);
    EXPECT_EQ(*r.socket_name, "mosaic-fleet");
    EXPECT_EQ(r.holder_session, "_holder");
    EXPECT_EQ(r.default_working_directory, "~/src");
    ASSERT_TRUE(r.runtimes.count("claude"));
    EXPECT_EQ(r.runtimes.at("claude").reset_command, "/clear");
    ASSERT_EQ(r.agents.size(), 2u);
    EXPECT_EQ(r.agents[0].name, "planner");
    EXPECT_EQ(r.agents[0].agent_class, "orchestrator");
    EXPECT_EQ(r.agents[0].model_hint, "opus");
    EXPECT_EQ(r.agents[1].name, "coder-1");
    EXPECT_EQ(r.agents[1].runtime, "codex");
}

TEST(Roster, ClassDefaultsToWorker) {
    Roster r = parse_roster("version: 1\nagents:\n  - { name: a, runtime: pi }\n", "r.yaml");
    EXPECT_EQ(r.agents.at(0).agent_class, "worker");
    EXPECT_FALSE(r.agents.at(0).model_hint);
}

TEST(Roster, AcceptsCamelCaseKeys) {
    Roster r = parse_roster(R"(version: 1
tmux: { socketName: s1, holderSession: hold }
defaults: { workingDirectory: /srv }
runtimes: { claude: { resetCommand: /reset } }
agents:
  - { name: a, runtime: claude, modelHint: sonnet, workingDirectory: /w }
)",
                            "r.yaml");
    EXPECT_EQ(r.socket_name, "s1");
    EXPECT_EQ(r.holder_session, "hold");
    EXPECT_EQ(r.default_working_directory, "/srv");
    EXPECT_EQ(r.runtimes.at("claude").reset_command, "/reset");
    EXPECT_EQ(r.agents[0].model_hint, "sonnet");
    EXPECT_EQ(r.agents[0].working_directory, "/w");
}

TEST(Roster, AbsentSocketNameMeansDefaultSocket) {
    Roster r = parse_roster("version: 1\ntmux: { holder_session: h }\nagents: []\n", "r.yaml");
    EXPECT_FALSE(r.socket_name);
    Roster r2 = parse_roster("version: 1\nagents: []\n", "r.yaml");
    EXPECT_FALSE(r2.socket_name);
}

TEST(Roster, UnknownKeyIsNamedWithItsLine) {
    std::string msg = error_of([] { parse_roster("version: 1\ntransport: tmux\n\nagnets: []\n", "/x/roster.yaml"); });
    EXPECT_THAT(msg, HasSubstr("unknown key 'agnets'"));
    EXPECT_THAT(msg, HasSubstr("'/x/roster.yaml' line 4"));
}

TEST(Roster, UnknownAgentKeyIsNamedWithItsLine) {
    std::string msg = error_of(
        [] { parse_roster("version: 1\nagents:\n  - name: a\n    runtime: claude\n    modle: opus\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("unknown key 'agents[0].modle'"));
    EXPECT_THAT(msg, HasSubstr("line 5"));
}

TEST(Roster, WrongTypeIsNamedWithKeyAndLine) {
    std::string msg = error_of([] { parse_roster("version: one\nagents: []\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("'version' must be an integer"));
    EXPECT_THAT(msg, HasSubstr("line 1"));
    msg = error_of([] { parse_roster("version: 1\nagents:\n  - { name: [a], runtime: claude }\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("'agents[0].name' must be a string"));
    EXPECT_THAT(msg, HasSubstr("line 3"));
    msg = error_of([] { parse_roster("version: 1\nagents: { a: 1 }\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("'agents' must be a list"));
}

TEST(Roster, RejectsBadAgentNames) {
    for (const char* bad : {"a b", "a/b", "ä", "x;y", "''"}) {
        std::string text = std::string("version: 1\nagents:\n  - { name: ") + bad + ", runtime: claude }\n";
        std::string msg = error_of([&] { parse_roster(text, "/r.yaml"); });
        EXPECT_THAT(msg, HasSubstr("line 3")) << bad;
    }
    EXPECT_TRUE(valid_agent_name("A-z_0.9"));
    EXPECT_FALSE(valid_agent_name(""));
}

TEST(Roster, RuntimeIsRequired) {
    std::string msg = error_of([] { parse_roster("version: 1\nagents:\n  - { name: a }\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("agent 'a' has no 'runtime'"));
}

TEST(Roster, DuplicateAgentNamesAreRejected) {
    std::string msg = error_of([] {
        parse_roster("version: 1\nagents:\n  - { name: a, runtime: pi }\n  - { name: a, runtime: pi }\n", "/r.yaml");
    });
    EXPECT_THAT(msg, HasSubstr("duplicate agent name 'a'"));
    EXPECT_THAT(msg, HasSubstr("line 4"));
}

TEST(Roster, NamesThatShareATmuxSessionAreRejected) {
    std::string msg = error_of([] {
        parse_roster("version: 1\nagents:\n  - { name: a.b, runtime: pi }\n  - { name: a_b, runtime: pi }\n", "/r.yaml");
    });
    EXPECT_THAT(msg, HasSubstr("duplicate agent name 'a_b'"));
    msg = error_of([] { parse_roster("version: 1\nagents: [ { name: _holder, runtime: pi } ]\ntmux: { socket_name: s }\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("holder session"));
    EXPECT_THAT(msg, HasSubstr("line 2"));
}

TEST(Roster, UnsupportedVersionAndTransportAreRejected) {
    EXPECT_THAT(error_of([] { parse_roster("version: 2\n", "/r.yaml"); }), HasSubstr("unsupported roster version 2"));
    EXPECT_THAT(error_of([] { parse_roster("version: 1\ntransport: ssh\n", "/r.yaml"); }),
                HasSubstr("unsupported transport 'ssh'"));
}

TEST(Roster, NonMappingDocumentIsExplained) {
    EXPECT_THAT(error_of([] { parse_roster("garbage\n", "/r.yaml"); }),
                HasSubstr("the roster must be a mapping (version, tmux, defaults, runtimes, agents) in '/r.yaml' line 1"));
    EXPECT_THAT(error_of([] { parse_roster("", "/r.yaml"); }), HasSubstr("'/r.yaml' is empty"));
}

TEST(Roster, SyntaxErrorNamesLineAndColumn) {
    std::string msg = error_of([] { parse_roster("version: 1\nagents: [\n  - {\n", "/x/roster.yaml"); });
    EXPECT_THAT(msg, HasSubstr("cannot parse '/x/roster.yaml' line"));
    EXPECT_THAT(msg, HasSubstr("column"));
}

TEST(Roster, MissingFileIsRefusedWithAHint) {
    mosaic::testing::TempDir tmp;
    std::string msg = error_of([&] { load_roster(tmp.path() / "roster.yaml"); }, mosaic::exit_refused);
    EXPECT_THAT(msg, HasSubstr("mosaic fleet add"));
}

TEST(Roster, WorkingDirectoryFallsBackAndExpandsTilde) {
    Roster r = parse_roster(kSpecRoster, "r.yaml");
    EXPECT_EQ(working_directory_of(r, r.agents[0], "/home/u"), "/home/u/src");
    Agent own = r.agents[0];
    own.working_directory = "/opt/w";
    EXPECT_EQ(working_directory_of(r, own, "/home/u"), "/opt/w");
    r.default_working_directory.reset();
    EXPECT_EQ(working_directory_of(r, r.agents[1], "/home/u"), "/home/u");
}

TEST(Roster, AddingAnAgentKeepsEverythingElse) {
    Agent a;
    a.name = "coder-2";
    a.runtime = "opencode";
    a.model_hint = "gpt";
    std::string text = roster_text_with_agent(std::string(kSpecRoster), a, "r.yaml");
    Roster r = parse_roster(text, "r.yaml");
    ASSERT_EQ(r.agents.size(), 3u);
    EXPECT_EQ(r.agents[2].name, "coder-2");
    EXPECT_EQ(r.agents[2].model_hint, "gpt");
    EXPECT_EQ(r.socket_name, "mosaic-fleet");
    EXPECT_EQ(r.runtimes.at("claude").reset_command, "/clear");
    EXPECT_EQ(r.agents[0].agent_class, "orchestrator");
}

TEST(Roster, AddingToNoRosterCreatesOne) {
    Agent a;
    a.name = "solo";
    a.runtime = "claude";
    Roster r = parse_roster(roster_text_with_agent(std::nullopt, a, "r.yaml"), "r.yaml");
    EXPECT_EQ(r.socket_name, "mosaic-fleet");
    ASSERT_EQ(r.agents.size(), 1u);
    EXPECT_EQ(r.agents[0].name, "solo");
}

TEST(Roster, RemovingAnAgentKeepsTheOthers) {
    Roster r = parse_roster(roster_text_without_agent(kSpecRoster, "planner", "r.yaml"), "r.yaml");
    ASSERT_EQ(r.agents.size(), 1u);
    EXPECT_EQ(r.agents[0].name, "coder-1");
    EXPECT_EQ(r.default_working_directory, "~/src");
}

TEST(Roster, TextThatIsNotUtf8IsRefusedWhereItIs) {
    // yaml-cpp would read the byte as it is and write it back as U+FFFD on `fleet add`.
    std::string msg = error_of([] {
        parse_roster("version: 1\nagents:\n  - { name: a, runtime: pi, model_hint: caf\xe9 }\n", "/r.yaml");
    });
    EXPECT_THAT(msg, HasSubstr("'/r.yaml' line 3 column 44: byte 0xE9 is not UTF-8; save the file as UTF-8 text"));
    EXPECT_NO_THROW(parse_roster("version: 1\nagents:\n  - { name: a, runtime: pi, model_hint: café }\n", "/r.yaml"));
    // yaml-cpp decodes the escape "\_" (U+00A0) to the lone byte 0xA0, and "\N" to 0x85.
    for (const char* escape : {"\\_", "\\N"}) {
        msg = error_of([&] {
            parse_roster(std::string("version: 1\nagents:\n  - { name: a, runtime: pi, model_hint: \"x") + escape + "\" }\n",
                         "/r.yaml");
        });
        EXPECT_THAT(msg, HasSubstr("key 'agents[0].model_hint' is not UTF-8 ('x\\x")) << escape;
        EXPECT_THAT(msg, HasSubstr("line 3")) << escape;
    }
}

TEST(Roster, ControlCharactersAreRefusedAndShownEscaped) {
    std::string msg = error_of([] { parse_roster(std::string("version: 1\nagents: []\n\x06: 1\n"), "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("'/r.yaml' line 3 column 1: control character 0x06"));
    // In a double-quoted value, through an escape: the message shows it as \xNN, never raw,
    // so a NUL does not cut the message short.
    msg = error_of([] { parse_roster("version: 1\nagents:\n  - { name: \"a\\0b\", runtime: pi }\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("key 'agents[0].name' holds a control character ('a\\x00b')"));
    EXPECT_THAT(msg, HasSubstr("in '/r.yaml' line 3"));
    msg = error_of([] { parse_roster("version: 1\ndefaults: { working_directory: \"/a\\nb\" }\n", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("key 'defaults.working_directory' holds a control character ('/a\\x0ab')"));
    // yaml-cpp's own message quotes the byte after a backslash: at the end of the text, its
    // end-of-stream character 0x04.
    msg = error_of([] { parse_roster("version: 1\nruntimes: \"q\\", "/r.yaml"); });
    EXPECT_THAT(msg, HasSubstr("line 2 column 15: unknown escape character: \\x04;"));
    // Tabs and CRLF line ends are YAML's own.
    EXPECT_NO_THROW(parse_roster("version:\t1\r\nagents: []\r\n", "/r.yaml"));
}

TEST(Roster, AKeyWhoseEscapedFormIsLongIsWrittenSoThatItReadsBack) {
    // 600 '"' + 400 'a' is 1000 characters as written here, but 1600 once yaml-cpp's emitter
    // escapes each quote: past the 1024-character limit of a simple key, so the rewrite falls
    // back to explicit "? key" entries instead of writing a file it cannot read.
    std::string runtime = std::string(600, '"') + std::string(400, 'a');
    std::string text = "version: 1\nruntimes:\n  '" + runtime + "': { reset_command: /clear }\nagents: []\n";
    Roster before = parse_roster(text, "r.yaml");
    ASSERT_TRUE(before.runtimes.count(runtime));
    Agent a;
    a.name = "x";
    a.runtime = runtime;
    std::string with = roster_text_with_agent(text, a, "r.yaml");
    EXPECT_THAT(with, HasSubstr("? "));
    Roster after = parse_roster(with, "r.yaml");
    EXPECT_EQ(after.runtimes, before.runtimes);
    ASSERT_EQ(after.agents.size(), 1u);
    EXPECT_EQ(after.agents[0].runtime, runtime);
    Roster removed = parse_roster(roster_text_without_agent(with, "x", "r.yaml"), "r.yaml");
    EXPECT_EQ(removed, before);
}

TEST(RosterReportsTo, ParsedAndKeptByAdd) {
    Roster r = parse_roster(kAgentsHead + "  - { name: a, runtime: claude }\n  - { name: b, runtime: codex, reportsTo: a }\n", "x");
    EXPECT_FALSE(r.agents[0].reports_to);
    EXPECT_EQ(r.agents[1].reports_to, "a");
    EXPECT_THAT(r.reports_of("a"), ElementsAre("b"));
    Agent c{"c", "pi"};
    c.reports_to = "b";
    std::string text = roster_text_with_agent(kAgentsHead + "  - { name: a, runtime: claude }\n  - { name: b, runtime: codex, reports_to: a }\n", c, "x");
    EXPECT_EQ(parse_roster(text, "x").agents.at(2).reports_to, "b");
}

TEST(RosterReportsTo, UnknownAgentSelfAndCyclesAreErrors) {
    EXPECT_EQ(error_of([] { parse_roster(kAgentsHead + "  - { name: a, runtime: claude, reports_to: z }\n", "r.yaml"); }),
              "agent 'a' reports to 'z', which is not an agent of the roster in 'r.yaml' line 3");
    EXPECT_EQ(error_of([] { parse_roster(kAgentsHead + "  - { name: a, runtime: claude, reports_to: a }\n", "r.yaml"); }),
              "agent 'a' reports to itself in 'r.yaml' line 3");
    EXPECT_EQ(error_of([] {
                  parse_roster(kAgentsHead + "  - { name: l, runtime: claude }\n  - { name: a, runtime: claude, reports_to: b }\n"
                                             "  - { name: b, runtime: claude, reports_to: a }\n",
                               "r.yaml");
              }),
              "agents report to each other in a cycle (a -> b -> a); break it with another reports_to in 'r.yaml' line 4");
}

TEST(RosterReportsTo, RemovingAnAgentOthersReportToIsRefused) {
    std::string text = kAgentsHead + "  - { name: a, runtime: claude }\n  - { name: b, runtime: codex, reports_to: a }\n";
    EXPECT_EQ(error_of([&] { roster_text_without_agent(text, "a", "r.yaml"); }, mosaic::exit_refused),
              "'b' reports to 'a'; remove it first, or change its reports_to in 'r.yaml'");
    EXPECT_EQ(parse_roster(roster_text_without_agent(text, "b", "r.yaml"), "r.yaml").agent_names(),
              std::vector<std::string>{"a"});
}
