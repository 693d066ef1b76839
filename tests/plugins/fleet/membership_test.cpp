// fleet add / remove.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "error_code.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/process.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "membership.hpp"
#include "roster.hpp"

using namespace mosaic::fleet;
using fleet_test::read_text;
using fleet_test::write_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

struct MembershipFixture : ::testing::Test {
    mosaic::testing::TempDir tmp;
    MembershipPaths paths{tmp.path() / "m/fleet/roster.yaml", tmp.path() / "m", "/home/u"};
    mosaic::support::FakeRunner runner;

    AddOptions add(const std::string& name, const std::string& runtime) {
        AddOptions o;
        o.agent.name = name;
        o.agent.runtime = runtime;
        return o;
    }
};

}  // namespace

TEST_F(MembershipFixture, AddCreatesTheRosterTheEnvFileAndStartsTheUnit) {
    AddOptions o = add("coder-1", "codex");
    o.agent.model_hint = "gpt-5";
    auto report = add_agent(o, paths, runner);
    EXPECT_TRUE(report.all_ok());
    Roster r = load_roster(paths.roster);
    ASSERT_EQ(r.agents.size(), 1u);
    EXPECT_EQ(r.agents[0].model_hint, "gpt-5");
    std::string env = read_text(tmp.path() / "m/fleet/agents/coder-1.env");
    EXPECT_THAT(env, HasSubstr("MOSAIC_AGENT_NAME=coder-1\n"));
    EXPECT_THAT(env, HasSubstr("MOSAIC_AGENT_MODEL=gpt-5\n"));
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user start mosaic-agent@coder-1.service"));
}

TEST_F(MembershipFixture, AddWithNoStartIssuesNoCommand) {
    AddOptions o = add("a", "claude");
    o.start = false;
    add_agent(o, paths, runner);
    EXPECT_TRUE(runner.commands_ran.empty());
    EXPECT_TRUE(load_roster(paths.roster).find("a"));
}

TEST_F(MembershipFixture, AddRejectsBadInputWithoutWriting) {
    EXPECT_EQ(mosaic::testing::error_code_of([&] { add_agent(add("bad name", "claude"), paths, runner); }), mosaic::exit_usage);
    EXPECT_EQ(mosaic::testing::error_code_of([&] { add_agent(add("a", "gemini"), paths, runner); }), mosaic::exit_usage);
    EXPECT_FALSE(std::filesystem::exists(paths.roster));
    add_agent(add("a", "claude"), paths, runner);
    std::string before = read_text(paths.roster);
    EXPECT_EQ(mosaic::testing::error_code_of([&] { add_agent(add("a", "pi"), paths, runner); }), mosaic::exit_refused);
    EXPECT_EQ(read_text(paths.roster), before);
}

TEST_F(MembershipFixture, AddRejectsAControlCharacterInAFlagValueNamingTheFlag) {
    AddOptions o = add("a", "claude");
    o.agent.working_directory = "/src/a\nb";
    try {
        add_agent(o, paths, runner);
        ADD_FAILURE() << "no error";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_THAT(e.what(), HasSubstr("--working-dir holds a control character ('/src/a\\x0ab')"));
    }
    EXPECT_FALSE(std::filesystem::exists(paths.roster));
}

TEST_F(MembershipFixture, AddAcceptsARuntimeTheRosterDeclares) {
    write_text(paths.roster, "version: 1\nruntimes: { aider: {} }\nagents: []\n");
    add_agent(add("x", "aider"), paths, runner);
    EXPECT_EQ(load_roster(paths.roster).find("x")->runtime, "aider");
}

TEST_F(MembershipFixture, AddRefusesToRewriteAnInvalidRoster) {
    write_text(paths.roster, "version: 1\nagnets: []\n");
    EXPECT_EQ(mosaic::testing::error_code_of([&] { add_agent(add("a", "claude"), paths, runner); }), mosaic::exit_usage);
    EXPECT_EQ(read_text(paths.roster), "version: 1\nagnets: []\n");
}

TEST_F(MembershipFixture, RemoveStopsThenRemovesAndKeepsUserEnvLines) {
    add_agent(add("a", "claude"), paths, runner);
    add_agent(add("b", "codex"), paths, runner);
    auto env_a = tmp.path() / "m/fleet/agents/a.env";
    auto env_b = tmp.path() / "m/fleet/agents/b.env";
    write_text(env_a, read_text(env_a) + "MY_TOKEN_FILE=/x\n");
    runner.commands_ran.clear();

    remove_agent("a", true, paths, runner);
    remove_agent("b", true, paths, runner);
    EXPECT_THAT(runner.argv_lines(), ElementsAre("systemctl --user stop mosaic-agent@a.service",
                                                 "systemctl --user stop mosaic-agent@b.service"));
    EXPECT_TRUE(load_roster(paths.roster).agents.empty());
    EXPECT_EQ(read_text(env_a), "MY_TOKEN_FILE=/x\n");
    EXPECT_FALSE(std::filesystem::exists(env_b));
}

TEST_F(MembershipFixture, RemoveKeepsTheAgentWhenItsUnitFailsToStop) {
    add_agent(add("a", "claude"), paths, runner);
    runner.on({"systemctl", "--user", "stop"}, {1, "", "boom\n", false});
    auto report = remove_agent("a", true, paths, runner);
    EXPECT_FALSE(report.all_ok());
    EXPECT_TRUE(load_roster(paths.roster).find("a"));
}

TEST_F(MembershipFixture, RemoveWithNoStopAndUnknownAgent) {
    add_agent(add("a", "claude"), paths, runner);
    runner.commands_ran.clear();
    remove_agent("a", false, paths, runner);
    EXPECT_TRUE(runner.commands_ran.empty());
    EXPECT_EQ(mosaic::testing::error_code_of([&] { remove_agent("a", false, paths, runner); }), mosaic::exit_usage);
}
