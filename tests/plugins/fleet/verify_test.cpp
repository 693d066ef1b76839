// fleet verify: the pure judgement over a ps report (the command and the services the agent
// plugin uses are driven through FakeHost in plugin_test.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fleet_test_support.hpp"
#include "verify.hpp"

using mosaic::fleet::PsReport;
using mosaic::fleet::PsRow;
using mosaic::fleet::Readiness;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace {

PsRow healthy(const std::string& name) {
    PsRow row;
    row.name = name;
    row.session = name;
    row.session_exists = true;
    row.pane = mosaic::fleet::TmuxPane{name, 0, 4242, "claude", false, 0};
    mosaic::fleet::UnitState u;
    u.unit = "mosaic-agent@" + name + ".service";
    u.active_state = "active";
    u.unit_file_state = "enabled";
    row.unit = u;
    row.heartbeat = mosaic::fleet::Heartbeat{100, 4242, "alive", 15};
    row.heartbeat_age_s = 3;
    row.readiness = Readiness::working;
    return row;
}

PsReport report_of(std::vector<PsRow> rows) {
    PsReport r;
    r.roster_path = "/h/fleet/roster.yaml";
    r.socket_name = "fleet";
    r.rows = std::move(rows);
    return r;
}

}  // namespace

TEST(FleetVerify, AHealthyFleetIsOk) {
    auto ps = report_of({healthy("a"), healthy("b")});
    auto v = mosaic::fleet::verify_fleet(ps);
    EXPECT_TRUE(v.ok());
    ASSERT_EQ(v.agents.size(), 2u);
    EXPECT_THAT(v.agents[0].problems, IsEmpty());
    auto j = mosaic::fleet::verify_json(v, ps);
    EXPECT_EQ(j["ok"], true);
    EXPECT_EQ(j["agents"][1]["name"], "b");
}

TEST(FleetVerify, EachKindOfProblemIsNamed) {
    PsRow no_session = healthy("a");
    no_session.session_exists = false;
    no_session.pane.reset();
    no_session.readiness = Readiness::dead;
    no_session.heartbeat_age_s = 400;
    PsRow dead_pane = healthy("b");
    dead_pane.pane->dead = true;
    PsRow disabled = healthy("c");
    disabled.unit->unit_file_state = "disabled";
    PsRow stale = healthy("d");
    stale.readiness = Readiness::stale;
    PsRow unmanaged = healthy("x");
    unmanaged.managed = false;
    unmanaged.session_exists = false;
    auto v = mosaic::fleet::verify_fleet(report_of({no_session, dead_pane, disabled, stale, unmanaged}));
    EXPECT_FALSE(v.ok());
    ASSERT_EQ(v.agents.size(), 4u);  // the unmanaged session is not judged
    EXPECT_THAT(v.agents[0].problems, ElementsAre("no tmux session 'a' on socket 'fleet'",
                                                  "no fresh heartbeat (readiness dead, last beat 6m ago)"));
    EXPECT_THAT(v.agents[1].problems, ElementsAre("the pane of tmux session 'b' is dead"));
    EXPECT_THAT(v.agents[2].problems[0], HasSubstr("unit mosaic-agent@c.service is not enabled (unit file state 'disabled')"));
    EXPECT_THAT(v.agents[3].problems, ElementsAre("no fresh heartbeat (readiness stale, last beat 3s ago)"));
    EXPECT_EQ(v.problem_count(), 5u);
}

TEST(FleetVerify, SourcesThatCouldNotBeReadAreProblems) {
    PsRow row = healthy("a");
    row.unit.reset();
    row.session_exists.reset();
    auto ps = report_of({row});
    ps.systemd_error = "Failed to connect to bus";
    ps.tmux_error = "tmux list-sessions: boom";
    auto v = mosaic::fleet::verify_fleet(ps);
    EXPECT_FALSE(v.ok());
    EXPECT_THAT(v.fleet_problems, ElementsAre("cannot read the unit states: Failed to connect to bus",
                                              "cannot read tmux: tmux list-sessions: boom"));
}
