// fleet init: the profiles, and writing one without clobbering a roster.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "profiles.hpp"
#include "roster.hpp"

using namespace mosaic::fleet;
using fleet_test::read_text;
using fleet_test::write_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(RosterProfiles, EveryProfileIsAValidRosterForTheUserParser) {
    ASSERT_THAT(roster_profile_names(), ElementsAre("minimal", "software-delivery"));
    for (const auto& name : roster_profile_names()) {
        Roster r = parse_roster(roster_profile(name), name);
        EXPECT_FALSE(r.agents.empty()) << name;
        EXPECT_EQ(r.socket_name, "mosaic-fleet") << name;
    }
}

TEST(RosterProfiles, MinimalHasOneAgentAndSoftwareDeliveryAPlannerWithWorkers) {
    Roster minimal = parse_roster(roster_profile("minimal"), "minimal");
    ASSERT_EQ(minimal.agents.size(), 1u);
    EXPECT_EQ(minimal.agents[0].runtime, "claude");
    Roster sd = parse_roster(roster_profile("software-delivery"), "software-delivery");
    ASSERT_GE(sd.agents.size(), 3u);
    EXPECT_EQ(sd.agents[0].name, "planner");
    EXPECT_EQ(sd.agents[0].agent_class, "orchestrator");
    int workers = 0;
    for (const auto& a : sd.agents) workers += a.agent_class == "worker";
    EXPECT_GE(workers, 2);
}

TEST(RosterProfiles, UnknownProfileListsTheKnownOnes) {
    try {
        roster_profile("huge");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_EQ(std::string(e.what()), "unknown profile 'huge'; known profiles: minimal, software-delivery");
    }
}

TEST(FleetInit, WithoutWriteOnlyReturnsTheText) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "fleet/roster.yaml";
    InitResult r = init_roster({"software-delivery", false, false}, path);
    EXPECT_FALSE(r.written);
    EXPECT_EQ(r.text, roster_profile("software-delivery"));
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(FleetInit, WritesTheRosterAndRefusesToOverwriteWithoutForce) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "fleet/roster.yaml";
    InitResult r = init_roster({"minimal", true, false}, path);
    EXPECT_TRUE(r.written);
    EXPECT_EQ(read_text(path), roster_profile("minimal"));
    EXPECT_EQ(load_roster(path).agents.size(), 1u);

    write_text(path, "# mine\nversion: 1\nagents: []\n");
    try {
        init_roster({"software-delivery", true, false}, path);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_refused);
        EXPECT_THAT(std::string(e.what()), HasSubstr("'" + path.string() + "' already exists; pass --force"));
    }
    EXPECT_EQ(read_text(path), "# mine\nversion: 1\nagents: []\n");
}

TEST(FleetInit, ForceReplacesAndKeepsTheOldRosterBeside) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "roster.yaml";
    write_text(path, "not: [valid\n");
    InitResult r = init_roster({"software-delivery", true, true}, path);
    EXPECT_TRUE(r.written);
    ASSERT_TRUE(r.backup);
    EXPECT_THAT(r.backup->filename().string(), ::testing::StartsWith("roster.yaml.mosaic-bak-"));
    EXPECT_EQ(read_text(*r.backup), "not: [valid\n");
    EXPECT_EQ(load_roster(path).agents[0].name, "planner");
}

TEST(FleetInit, UnknownProfileWritesNothing) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "roster.yaml";
    EXPECT_THROW(init_roster({"nope", true, true}, path), mosaic::Error);
    EXPECT_FALSE(std::filesystem::exists(path));
}
