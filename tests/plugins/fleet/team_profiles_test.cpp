// fleet profile / provision: the built-in team profiles, their validator driven with broken
// profiles, and the rosters they provision.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include <mosaic/error.hpp>

#include "fleet_test_support.hpp"
#include "profiles.hpp"
#include "roster.hpp"
#include "team_profiles.hpp"

using namespace mosaic::fleet;
using fleet_test::error_of;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

// A small valid profile the broken ones start from: lead -> (worker x2, reviewer).
TeamProfile good() {
    return {"tiny", "Tiny", "a test team", "lead", {"orchestrator", "worker"},
            {{"lead", "orchestrator", "claude", "opus", std::nullopt, 1, 1, "leads"},
             {"coder", "worker", "codex", std::nullopt, "lead", 1, 2, "codes"},
             {"checker", "reviewer", "claude", std::nullopt, "lead", 1, 1, "checks"}}};
}

std::string broken(void (*breakit)(TeamProfile&)) {
    TeamProfile p = good();
    breakit(p);
    return error_of([&] { validate_profile(p); });
}

}  // namespace

TEST(TeamProfiles, TheFiveBaselineProfilesValidate) {
    std::vector<std::string> ids;
    for (const auto& p : team_profiles()) ids.push_back(p.id);
    EXPECT_THAT(ids, ElementsAre("software-delivery", "personal-assistant", "research", "business", "marketing"));
    EXPECT_NO_THROW(validate_profiles(team_profiles()));
    EXPECT_NO_THROW(validate_profile(good()));
}

TEST(TeamProfiles, EveryFloorAndFullRosterParsesWithTheUserParser) {
    for (const auto& p : team_profiles())
        for (bool full : {false, true}) {
            SCOPED_TRACE(p.id + (full ? " full" : " floor"));
            Roster r = parse_roster(provision_text(p, full), p.id);
            EXPECT_EQ(r.agents, team_agents(p, full));
            EXPECT_EQ(static_cast<int>(r.agents.size()), team_size(p, full));
            EXPECT_EQ(r.socket_name, "mosaic-fleet");
            ASSERT_FALSE(r.agents.empty());
            EXPECT_EQ(r.agents[0].name, p.lead);  // the lead comes first and reports to nobody
            EXPECT_FALSE(r.agents[0].reports_to);
            for (std::size_t i = 1; i < r.agents.size(); ++i) EXPECT_TRUE(r.agents[i].reports_to) << r.agents[i].name;
        }
}

TEST(TeamProfiles, TheFloorIsThePrefixOfTheFullTeamSeatBySeat) {
    for (const auto& p : team_profiles()) {
        std::set<std::string> full_names;
        for (const auto& a : team_agents(p, true)) full_names.insert(a.name);
        for (const auto& a : team_agents(p, false)) EXPECT_TRUE(full_names.count(a.name)) << p.id << " " << a.name;
        EXPECT_LT(team_size(p, false), team_size(p, true)) << p.id;
    }
}

TEST(TeamProfiles, SoftwareDeliveryFloorIsInitsSoftwareDeliveryWithReportsTo) {
    std::vector<Agent> init = parse_roster(roster_profile("software-delivery"), "init").agents;
    std::vector<Agent> floor = team_agents(find_team_profile("software-delivery"), false);
    ASSERT_EQ(floor.size(), init.size());
    for (std::size_t i = 0; i < floor.size(); ++i) {
        EXPECT_EQ(floor[i].reports_to, i == 0 ? std::optional<std::string>() : std::optional<std::string>("planner"));
        floor[i].reports_to.reset();
        EXPECT_EQ(floor[i], init[i]);
    }
}

TEST(TeamProfiles, SeatsExpandToNumberedAgentsAndTheFloorTakesTheFloorClasses) {
    const TeamProfile& p = find_team_profile("software-delivery");
    std::vector<std::string> floor, full;
    for (const auto& a : team_agents(p, false)) floor.push_back(a.name);
    for (const auto& a : team_agents(p, true)) full.push_back(a.name);
    EXPECT_THAT(floor, ElementsAre("planner", "coder-1", "coder-2", "reviewer"));
    EXPECT_THAT(full, ElementsAre("planner", "coder-1", "coder-2", "coder-3", "coder-4", "reviewer", "researcher"));
    EXPECT_EQ(team_agents(p, true)[1].reports_to, "planner");
    EXPECT_EQ(team_agents(p, true)[1].agent_class, "worker");
    EXPECT_EQ(team_agents(p, true)[0].model_hint, "opus");
}

TEST(TeamProfiles, UnknownIdListsTheKnownOnes) {
    EXPECT_EQ(error_of([] { find_team_profile("huge"); }),
              "unknown profile 'huge'; known profiles: software-delivery, personal-assistant, research, business, "
              "marketing");
}

TEST(TeamProfiles, TopologyIndentsEachSeatUnderItsBoss) {
    EXPECT_THAT(topology_lines(find_team_profile("marketing"), true),
                ElementsAre("topology of 'marketing', full team: 7 agents",
                            "  director (orchestrator, claude): leads",
                            "    editor (reviewer, claude): reports to director",
                            "      writer-1, writer-2, writer-3 (worker, claude): report to editor",
                            "      designer (worker, opencode): reports to editor",
                            "    strategist (researcher, claude): reports to director"));
    EXPECT_THAT(topology_lines(find_team_profile("marketing"), false),
                ElementsAre("topology of 'marketing', floor: 4 agents (the full team has 7)",
                            "  director (orchestrator, claude): leads",
                            "    editor (reviewer, claude): reports to director",
                            "      writer-1 (worker, claude): reports to editor",
                            "      designer (worker, opencode): reports to editor"));
}

TEST(TeamProfiles, JsonHasTheSeatsAndTheCounts) {
    auto j = profile_json(find_team_profile("software-delivery"));
    EXPECT_EQ(j["id"], "software-delivery");
    EXPECT_EQ(j["lead"], "planner");
    EXPECT_EQ(j["floor_agents"], 4);
    EXPECT_EQ(j["full_agents"], 7);
    EXPECT_EQ(j["floor"], nlohmann::json({"orchestrator", "worker", "reviewer"}));
    ASSERT_EQ(j["seats"].size(), 4u);
    EXPECT_EQ(j["seats"][0]["reports_to"], nullptr);
    EXPECT_EQ(j["seats"][1]["id"], "coder");
    EXPECT_EQ(j["seats"][1]["floor_count"], 2);
    EXPECT_EQ(j["seats"][1]["count"], 4);
    EXPECT_EQ(j["seats"][3]["in_floor"], false);
    EXPECT_EQ(j["seats"][3]["floor_count"], 0);
}

// The validator, one broken profile at a time: exit 2 naming the profile and the seat.

TEST(ProfileValidator, UnknownLead) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.lead = "boss"; }), "profile 'tiny': the lead 'boss' is not a seat of the profile");
}

TEST(ProfileValidator, LeadThatReportsToSomeone) {
    EXPECT_THAT(broken([](TeamProfile& p) { p.seats[0].reports_to = "checker"; }),
                HasSubstr("profile 'tiny': the lead seat 'lead' reports to 'checker'"));
}

TEST(ProfileValidator, UnknownReportsTo) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[2].reports_to = "nobody"; }),
              "profile 'tiny': seat 'checker' reports to 'nobody', which is not a seat of the profile");
}

TEST(ProfileValidator, MissingReportsTo) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[2].reports_to.reset(); }),
              "profile 'tiny': seat 'checker' reports to nobody; every seat but the lead 'lead' needs reports_to");
}

TEST(ProfileValidator, ReportsToItselfAndToASeatOfSeveralAgents) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[2].reports_to = "checker"; }),
              "profile 'tiny': seat 'checker' reports to itself");
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[2].reports_to = "coder"; }),
              "profile 'tiny': seat 'checker' reports to 'coder', which has 2 agents; a seat others report to has count 1");
}

TEST(ProfileValidator, ReportsToCycle) {
    EXPECT_EQ(broken([](TeamProfile& p) {
                  p.floor.push_back("reviewer");
                  p.seats[1].count = p.seats[1].floor_count = 1;
                  p.seats[1].reports_to = "checker";
                  p.seats[2].reports_to = "coder";
              }),
              "profile 'tiny': seat 'coder' is in a reports_to cycle (coder -> checker -> coder)");
}

TEST(ProfileValidator, UnknownClassAndRuntime) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[1].seat_class = "intern"; }),
              "profile 'tiny': seat 'coder' has the unknown class 'intern'; known classes: orchestrator, worker, "
              "researcher, reviewer");
    EXPECT_THAT(broken([](TeamProfile& p) { p.seats[1].runtime = "emacs"; }),
                HasSubstr("profile 'tiny': seat 'coder' has the unknown runtime 'emacs'; known runtimes: claude"));
}

TEST(ProfileValidator, FloorNamingAnUnknownClassOrOneNoSeatHas) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.floor.push_back("intern"); }),
              "profile 'tiny': the floor names the unknown class 'intern'; known classes: orchestrator, worker, "
              "researcher, reviewer");
    EXPECT_EQ(broken([](TeamProfile& p) { p.floor.push_back("researcher"); }),
              "profile 'tiny': the floor names the class 'researcher', which no seat has");
    EXPECT_EQ(broken([](TeamProfile& p) { p.floor.clear(); }), "profile 'tiny': the floor names no class");
}

TEST(ProfileValidator, FloorSeatWhoseBossIsOutsideTheFloor) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[1].reports_to = "checker"; }),
              "profile 'tiny': seat 'coder' is in the floor but reports to 'checker', whose class 'reviewer' is not");
}

TEST(ProfileValidator, LeadOutsideTheFloor) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.floor = {"worker"}; }),
              "profile 'tiny': the lead seat 'lead' has the class 'orchestrator', which the floor does not name");
}

TEST(ProfileValidator, DuplicateSeatIdsAndClashingAgentNames) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[2].id = "coder"; }), "profile 'tiny': seat 'coder' is there twice");
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[2].id = "coder-2"; }),
              "profile 'tiny': seats 'coder' and 'coder-2' both give the agent name 'coder-2'");
}

TEST(ProfileValidator, CountsAndNames) {
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[1].floor_count = 3; }),
              "profile 'tiny': seat 'coder' has floor_count 3 and count 2; it needs 1 <= floor_count <= count");
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats[1].count = 0; }),
              "profile 'tiny': seat 'coder' has floor_count 1 and count 0; it needs 1 <= floor_count <= count");
    EXPECT_THAT(broken([](TeamProfile& p) { p.seats[1].id = "-x"; }), HasSubstr("profile 'tiny': seat '-x': invalid agent name"));
    EXPECT_THAT(broken([](TeamProfile& p) { p.id = "Tiny"; }), HasSubstr("profile 'Tiny': the id is not"));
    EXPECT_EQ(broken([](TeamProfile& p) { p.seats.clear(); }), "profile 'tiny': it has no seats");
}

TEST(ProfileValidator, DuplicateProfileIds) {
    EXPECT_EQ(error_of([] { validate_profiles({good(), good()}); }), "profile 'tiny': two profiles have this id");
}
