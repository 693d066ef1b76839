// `mosaic fleet profile list|show` and `mosaic fleet provision` through the in-process
// FakeHost, as a user runs them: output, exit codes, and what is (not) written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "roster.hpp"

using fleet_test::lines_of;
using fleet_test::read_text;
using fleet_test::write_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::StartsWith;

namespace {

struct Provision : ::testing::Test {
    mosaic::testing::FakeHost host;
    std::filesystem::path roster = host.home / "fleet/roster.yaml";

    std::vector<std::filesystem::path> fleet_files() {
        std::vector<std::filesystem::path> out;
        if (std::filesystem::exists(host.home / "fleet"))
            for (const auto& e : std::filesystem::directory_iterator(host.home / "fleet")) out.push_back(e.path());
        return out;
    }
};

}  // namespace

TEST_F(Provision, ProfileListPrintsATableAndJson) {
    auto r = host.run("fleet", {"profile", "list"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto lines = lines_of(r.out);
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_THAT(lines[0], MatchesRegex("ID +TITLE +LEAD +FLOOR +FULL"));
    EXPECT_THAT(lines[1], MatchesRegex("software-delivery +Software delivery +planner +4 +7"));
    EXPECT_THAT(lines[5], MatchesRegex("marketing +Marketing +director +4 +7"));

    r = host.run("fleet", {"profile", "list", "--json"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_TRUE(j.is_array());
    ASSERT_EQ(j.size(), 5u);
    EXPECT_EQ(j[2]["id"], "research");
    EXPECT_EQ(j[2]["lead"], "principal");
    EXPECT_TRUE(j[2]["seats"].is_array());
}

TEST_F(Provision, ProfileShowPrintsTheSeatTreeAndJson) {
    auto r = host.run("fleet", {"profile", "show", "software-delivery"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto lines = lines_of(r.out);
    ASSERT_GE(lines.size(), 9u);
    EXPECT_EQ(lines[0], "software-delivery: Software delivery");
    EXPECT_EQ(lines[2], "lead:  planner");
    EXPECT_EQ(lines[3], "floor: orchestrator, worker, reviewer (4 agents; the full team has 7)");
    EXPECT_THAT(lines[4], MatchesRegex("SEAT +CLASS +RUNTIME +MODEL +FLOOR +FULL +DUTY"));
    EXPECT_THAT(lines[5], MatchesRegex("planner +orchestrator +claude +opus +1 +1 +plans the work and hands it out"));
    EXPECT_THAT(lines[6], MatchesRegex("  coder +worker +codex +- +2 +4 +implements the tasks"));
    EXPECT_THAT(lines[8], MatchesRegex("  researcher +researcher +claude +- +- +1 +.*"));

    r = host.run("fleet", {"profile", "show", "marketing", "--json"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["id"], "marketing");
    EXPECT_EQ(j["full_agents"], 7);
    EXPECT_EQ(j["seats"][2]["reports_to"], "editor");
}

TEST_F(Provision, UnknownProfileExits2ListingTheKnownIds) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"profile", "show", "huge"}, {"provision", "--profile", "huge"}, {"provision", "--profile", "huge", "--write"}}) {
        auto r = host.run("fleet", args);
        EXPECT_EQ(r.code, 2);
        EXPECT_EQ(r.error, "unknown profile 'huge'; known profiles: software-delivery, personal-assistant, research, "
                           "business, marketing");
    }
    EXPECT_TRUE(fleet_files().empty());
    EXPECT_EQ(host.run("fleet", {"provision"}).code, 2);  // --profile is required
    auto r = host.run("fleet", {"provision", "--profile", "research", "--force"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.error, HasSubstr("--force requires --write"));
}

TEST_F(Provision, DryRunPrintsTheFloorRosterAndTopologyAndWritesNothing) {
    auto r = host.run("fleet", {"provision", "--profile", "software-delivery"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(fleet_files().empty());
    // The whole output is a roster: the topology is in comments.
    auto parsed = mosaic::fleet::parse_roster(r.out, "stdout");
    ASSERT_EQ(parsed.agent_names(), (std::vector<std::string>{"planner", "coder-1", "coder-2", "reviewer"}));
    EXPECT_EQ(parsed.agents[1].reports_to, "planner");
    EXPECT_THAT(r.out, StartsWith("# Mosaic fleet roster, written by 'mosaic fleet provision --profile software-delivery'.\n"));
    EXPECT_THAT(r.out, HasSubstr("  - { name: planner, runtime: claude, class: orchestrator, model_hint: opus }\n"));
    EXPECT_THAT(r.out, HasSubstr("  - { name: coder-1, runtime: codex, class: worker, reports_to: planner }\n"));
    EXPECT_THAT(r.out, HasSubstr("\n# topology of 'software-delivery', floor: 4 agents (the full team has 7)\n"
                                 "#   planner (orchestrator, claude): leads\n"
                                 "#     coder-1, coder-2 (worker, codex): report to planner\n"
                                 "#     reviewer (reviewer, claude): reports to planner\n"
                                 "# nothing written; add --write to write " + roster.string() + "\n"));
}

TEST_F(Provision, FullGivesEverySeatAtItsCount) {
    auto r = host.run("fleet", {"provision", "--profile", "research", "--full"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto parsed = mosaic::fleet::parse_roster(r.out, "stdout");
    EXPECT_EQ(parsed.agent_names(), (std::vector<std::string>{"principal", "researcher-1", "researcher-2",
                                                              "researcher-3", "researcher-4", "analyst", "reviewer"}));
    EXPECT_THAT(r.out, HasSubstr("written by 'mosaic fleet provision --profile research --full'"));
    EXPECT_THAT(r.out, HasSubstr("# topology of 'research', full team: 7 agents\n"));
}

TEST_F(Provision, WriteCreatesTheRosterAndRefusesToOverwriteWithoutForce) {
    auto r = host.run("fleet", {"provision", "--profile", "business", "--write"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_THAT(r.out, StartsWith("wrote " + roster.string() + " (profile 'business', floor); next: 'mosaic fleet install-systemd'\n"));
    EXPECT_THAT(r.out, HasSubstr("topology of 'business', floor: 3 agents"));
    std::string written = read_text(roster);
    EXPECT_EQ(mosaic::fleet::load_roster(roster).agent_names(),
              (std::vector<std::string>{"chief", "operator-1", "controller"}));

    write_text(roster, written + "# my edit\n");
    r = host.run("fleet", {"provision", "--profile", "marketing", "--full", "--write"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(r.error, "'" + roster.string() + "' already exists; pass --force to replace it");
    EXPECT_EQ(read_text(roster), written + "# my edit\n");
    for (const auto& f : fleet_files()) EXPECT_THAT(f.filename().string(), Not(HasSubstr("mosaic-bak"))) << "no backup";
}

TEST_F(Provision, ForceReplacesTheRosterAndKeepsABackup) {
    write_text(roster, "# mine\nversion: 1\nagents: []\n");
    auto r = host.run("fleet", {"provision", "--profile", "marketing", "--full", "--write", "--force"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto lines = lines_of(r.out);
    ASSERT_GE(lines.size(), 2u);
    EXPECT_THAT(lines[0], StartsWith("kept the previous roster as " + roster.string() + ".mosaic-bak-"));
    std::filesystem::path backup = lines[0].substr(std::string("kept the previous roster as ").size());
    EXPECT_EQ(read_text(backup), "# mine\nversion: 1\nagents: []\n");
    EXPECT_THAT(lines[1], HasSubstr("(profile 'marketing', full team)"));
    EXPECT_EQ(mosaic::fleet::load_roster(roster).agents.size(), 7u);
}

TEST_F(Provision, RemoveRefusesAnAgentOthersReportTo) {
    ASSERT_EQ(host.run("fleet", {"provision", "--profile", "software-delivery", "--write"}).code, 0);
    std::string before = read_text(roster);
    auto r = host.run("fleet", {"remove", "planner", "--no-stop", "--no-gateway"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(r.error, "'coder-1', 'coder-2', 'reviewer' report to 'planner'; remove them first, or change their "
                       "reports_to in '" + roster.string() + "'");
    EXPECT_EQ(read_text(roster), before);

    r = host.run("fleet", {"add", "tester", "--runtime", "pi", "--reports-to", "nobody", "--no-start", "--no-gateway"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.error, "--reports-to 'nobody' is not an agent of '" + roster.string() + "'");
    r = host.run("fleet", {"add", "tester", "--runtime", "pi", "--reports-to", "reviewer", "--no-start", "--no-gateway"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(mosaic::fleet::load_roster(roster).find("tester")->reports_to, "reviewer");
}

TEST_F(Provision, HelpNamesTheNewCommands) {
    auto r = host.run("fleet", {"--help"});
    ASSERT_EQ(r.code, 0);
    EXPECT_THAT(r.out, HasSubstr("  profile "));
    EXPECT_THAT(r.out, HasSubstr("  provision "));
    r = host.run("fleet", {"profile"});
    ASSERT_EQ(r.code, 0);
    EXPECT_THAT(r.out, HasSubstr("usage: mosaic fleet profile <command> [options]"));
    EXPECT_THAT(r.out, HasSubstr("  list "));
    EXPECT_THAT(r.out, HasSubstr("  show "));
}
