// Agent tokens, usage and request counting in both storage tiers: the same contract on SQLite
// and on PostgreSQL + Valkey (the team tests need scripts/test-servers.sh).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crypto.hpp"
#include "sqlite_storage.hpp"
#include "team_storage.hpp"
#include "team_test_support.hpp"

using namespace gateway_test;

namespace {

// Two storages on one deployment (for the team tier, two gateways' views of it).
struct Tier {
    virtual ~Tier() = default;
    virtual gw::Storage& a() = 0;
    virtual gw::Storage& b() = 0;
};

struct LocalTier : Tier {
    mosaic::testing::TempDir tmp;
    gw::SqliteStorage storage{(tmp.path() / "gateway.sqlite3").string()};
    gw::Storage& a() override { return storage; }
    gw::Storage& b() override { return storage; }  // one daemon per local database
};

struct TeamTier : Tier {
    ScratchDatabase db;
    gw::TeamStorage first{db.url, TeamServers::get().valkey_url};
    gw::TeamStorage second{db.url, TeamServers::get().valkey_url};
    gw::Storage& a() override { return first; }
    gw::Storage& b() override { return second; }
};

class AgentStorage : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "team") {
            REQUIRE_TEAM_SERVERS();
            tier = std::make_unique<TeamTier>();
        } else {
            tier = std::make_unique<LocalTier>();
        }
    }
    std::unique_ptr<Tier> tier;
};

}  // namespace

TEST_P(AgentStorage, TokensAreFoundByHashUntilRevoked) {
    gw::Storage& s = tier->a();
    auto h1 = gw::sha256_hex("mga_one"), h2 = gw::sha256_hex("mga_two");
    auto id1 = s.create_agent_token("coder", h1, {10, 1000}, 100);
    auto id2 = s.create_agent_token("coder", h2, {}, 101);
    auto t = tier->b().agent_token(h1, 200);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->id, id1);
    EXPECT_EQ(t->agent, "coder");
    EXPECT_EQ(t->limits.requests_per_minute, 10);
    EXPECT_EQ(t->limits.tokens_per_day, 1000);
    EXPECT_EQ(t->last_used_at, 200);
    EXPECT_FALSE(s.agent_token(gw::sha256_hex("mga_unknown"), 200));

    EXPECT_TRUE(s.set_agent_limits(id2, {5, std::nullopt}));
    EXPECT_EQ(s.agent_token(h2, 201)->limits, (gw::AgentLimits{5, std::nullopt}));
    EXPECT_FALSE(s.set_agent_limits(id2 + 100, {}));

    EXPECT_EQ(s.revoke_agent_tokens(id1, "", 300), 1);
    EXPECT_EQ(s.revoke_agent_tokens(id1, "", 301), 0);
    EXPECT_FALSE(tier->b().agent_token(h1, 302));
    EXPECT_TRUE(s.agent_token(h2, 302));
    EXPECT_EQ(s.revoke_agent_tokens(std::nullopt, "coder", 303), 1);
    EXPECT_FALSE(s.agent_token(h2, 304));
    auto all = s.list_agent_tokens();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].revoked_at, 300);
    EXPECT_EQ(all[1].revoked_at, 303);
}

TEST_P(AgentStorage, UsageAddsUpPerTokenDayAndModelAcrossGateways) {
    auto id = tier->a().create_agent_token("planner", gw::sha256_hex("mga_p"), {}, 1);
    auto other = tier->a().create_agent_token("coder", gw::sha256_hex("mga_c"), {}, 1);
    tier->a().add_usage({id, "planner", "2026-11-30", "claude-test", 1, 10, 5, 2, 1});
    tier->b().add_usage({id, "planner", "2026-11-30", "claude-test", 1, 20, 7, 0, 0});
    tier->b().add_usage({id, "planner", "2026-11-30", "gpt-test", 1, 3, 3, 0, 0});
    tier->a().add_usage({other, "coder", "2026-12-01", "claude-test", 2, 1, 1, 1, 1});
    auto rows = tier->b().usage("", "2026-11-30", "2026-12-01");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].model, "claude-test");
    EXPECT_EQ(rows[0].requests, 2);
    EXPECT_EQ(rows[0].input_tokens, 30);
    EXPECT_EQ(rows[0].output_tokens, 12);
    EXPECT_EQ(rows[0].cache_read_tokens, 2);
    EXPECT_EQ(rows[2].agent, "coder");
    EXPECT_EQ(tier->a().usage("coder", "2026-11-01", "2026-11-30").size(), 0u);
    EXPECT_EQ(tier->a().usage("planner", "2026-11-30", "2026-11-30").size(), 2u);
    EXPECT_EQ(tier->a().tokens_used(id, "2026-11-30"), 30 + 12 + 2 + 1 + 6);
    EXPECT_EQ(tier->a().tokens_used(id, "2026-12-01"), 0);
}

TEST_P(AgentStorage, CountsRequestsExactlyUnderConcurrency) {
    auto id = tier->a().create_agent_token("busy", gw::sha256_hex("mga_b"), {10, std::nullopt}, 1);
    std::atomic<int> allowed{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i)
        threads.emplace_back([&, i] {
            while (!go.load()) std::this_thread::yield();
            if ((i % 2 ? tier->a() : tier->b()).count_request(id, 10, 29000000)) ++allowed;
        });
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(allowed.load(), 10);
    EXPECT_TRUE(tier->a().count_request(id, 10, 29000001));  // a new minute
}

INSTANTIATE_TEST_SUITE_P(BothTiers, AgentStorage, ::testing::Values("local", "team"),
                         [](const auto& info) { return info.param; });
