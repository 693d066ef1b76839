// A busy team against the fleet, end to end with the built `mosaic`: many `fleet add` at once,
// names that cannot be agents, a mosaic home others can write to, and overlapping restarts
// where one breaks the lock of an owner that is still running.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "fleet_test_support.hpp"
#include "roster.hpp"
#include "test_env.hpp"

using fleet_test::eventually;
using fleet_test::read_text;
using fleet_test::write_text;
using mosaic::testing::MosaicTestEnv;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

struct FleetAttackE2E : ::testing::Test {
    MosaicTestEnv env;
    std::filesystem::path roster = env.mosaic_home / "fleet/roster.yaml";
    FleetAttackE2E() { env.use_built_plugins(); }
};

}  // namespace

TEST_F(FleetAttackE2E, TwentyParallelAddsAllLandInTheRoster) {
    std::vector<mosaic::support::ProcessResult> results(20);
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] {
            results[i] = env.mosaic({"fleet", "add", "zz" + std::to_string(i), "--runtime", "claude", "--no-start"});
        });
    for (auto& t : threads) t.join();
    for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
    auto parsed = mosaic::fleet::parse_roster(read_text(roster), roster.string());
    EXPECT_EQ(parsed.agents.size(), 20u) << read_text(roster);
    for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(parsed.find("zz" + std::to_string(i))) << "zz" << i;
        EXPECT_TRUE(std::filesystem::exists(env.mosaic_home / ("fleet/agents/zz" + std::to_string(i) + ".env")));
    }
    // And 20 removes leave none.
    threads.clear();
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] { results[i] = env.mosaic({"fleet", "remove", "zz" + std::to_string(i), "--no-stop"}); });
    for (auto& t : threads) t.join();
    for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(mosaic::fleet::parse_roster(read_text(roster), roster.string()).agents.empty()) << read_text(roster);
}

TEST_F(FleetAttackE2E, NamesThatCannotBeAgentsAreRefusedWithExitTwo) {
    for (const std::string& name : std::vector<std::string>{"-rf", ".", "..", std::string(300, 'a')}) {
        auto r = env.mosaic({"fleet", "add", "--runtime", "claude", "--no-start", "--", name});
        EXPECT_EQ(r.exit_code, 2) << name << ": " << r.out << r.err;
        EXPECT_THAT(r.err, HasSubstr("invalid agent name")) << name;
        EXPECT_THAT(r.err, Not(HasSubstr("File name too long"))) << name;
    }
    EXPECT_FALSE(std::filesystem::exists(roster));
}

TEST_F(FleetAttackE2E, AMosaicHomeOthersCanWriteIsRefusedAndStatusReportsIt) {
    write_text(roster, "version: 1\nagents:\n  - { name: a, runtime: claude }\n");
    std::filesystem::permissions(env.mosaic_home, std::filesystem::perms::all, std::filesystem::perm_options::replace);
    auto add = env.mosaic({"fleet", "add", "b", "--runtime", "claude", "--no-start"});
    EXPECT_EQ(add.exit_code, 3) << add.err;
    EXPECT_THAT(add.err, HasSubstr("'" + env.mosaic_home.string() + "' is writable by others (mode 0777)"));
    EXPECT_THAT(read_text(roster), Not(HasSubstr("name: b")));
    env.write_script("systemctl", "#!/bin/sh\nexit 1\n");
    auto status = env.mosaic({"fleet", "status"});
    EXPECT_THAT(status.err, HasSubstr("is writable by others"));
}

// A restart that holds the lock while its units restart (the fake systemctl waits for a file
// the test creates), a second one with --max-wait 1 breaking it, and status/ps in between.
TEST_F(FleetAttackE2E, BreakingALiveOwnersLockSaysSoPlainlyAndStatusShowsWhoHoldsIt) {
    fleet_test::PrivateTmux tmux;
    auto release = env.root / "release";
    write_text(roster, "version: 1\ntmux: { socket_name: " + tmux.name() +
                           " }\nagents:\n  - { name: a, runtime: claude }\n");
    env.write_script("systemctl", "#!/bin/sh\n"
                                  "case \"$2\" in\n"
                                  "  restart) while [ ! -e '" + release.string() + "' ]; do sleep 0.05; done;;\n"
                                  "  show) printf 'Id=mosaic-tmux-holder.service\\nActiveState=active\\nSubState=exited\\n';;\n"
                                  "esac\nexit 0\n");
    auto lock = env.mosaic_home / "fleet/run/restart.lock";
    mosaic::support::ProcessResult first, second;
    std::thread t1, t2;
    // Whatever fails below, the restarts are let go and waited for.
    struct Finish {
        std::function<void()> f;
        ~Finish() { f(); }
    } finish{[&] {
        write_text(release, "");
        for (auto* t : {&t1, &t2})
            if (t->joinable()) t->join();
    }};
    t1 = std::thread([&] { first = env.mosaic({"fleet", "restart"}); });
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(lock) && !read_text(lock).empty(); }));
    auto owner = mosaic::fleet::parse_lock_owner(read_text(lock));
    ASSERT_TRUE(owner);

    auto status = env.mosaic({"fleet", "status", "--json"});
    auto doc = nlohmann::json::parse(status.out);
    ASSERT_TRUE(doc["restart"].is_object()) << status.out;
    EXPECT_EQ(doc["restart"]["pid"], owner->pid);
    EXPECT_THAT(doc["restart"]["what"].get<std::string>(), HasSubstr("mosaic-agent@a.service"));
    EXPECT_THAT(env.mosaic({"fleet", "status"}).out, HasSubstr("restart in progress: pid " + std::to_string(owner->pid)));
    auto ps = nlohmann::json::parse(env.mosaic({"fleet", "ps", "--json"}).out);
    EXPECT_EQ(ps["restart"]["pid"], owner->pid);

    t2 = std::thread([&] { second = env.mosaic({"fleet", "restart", "--max-wait", "1"}); });
    ASSERT_TRUE(eventually([&] {
        auto now = mosaic::fleet::parse_lock_owner(read_text(lock));
        return now && now->pid != owner->pid;
    }));
    finish.f();
    EXPECT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(second.exit_code, 0) << second.err;
    EXPECT_THAT(second.err, HasSubstr("pid " + std::to_string(owner->pid)));
    EXPECT_THAT(second.err, HasSubstr("is still running"));
    EXPECT_THAT(second.err, HasSubstr("held the lock for"));
    EXPECT_THAT(second.err, HasSubstr("mosaic-tmux-holder.service"));
    EXPECT_THAT(second.err, HasSubstr("overlap"));
    EXPECT_EQ(nlohmann::json::parse(env.mosaic({"fleet", "status", "--json"}).out)["restart"], nullptr);
}
