// TeamStorage against real servers (scripts/test-servers.sh): PostgreSQL migrations and
// bootstrap, sessions and sign-in counters in Valkey, shared by several instances (each
// instance is what one gateway process holds). Each test has a database of its own.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api.hpp"
#include "crypto.hpp"
#include "team_storage.hpp"
#include "team_test_support.hpp"

using namespace gateway_test;

namespace {

class TeamStorageTest : public ::testing::Test {
protected:
    void SetUp() override {
        REQUIRE_TEAM_SERVERS();
        db = std::make_unique<ScratchDatabase>();
    }
    std::unique_ptr<gw::TeamStorage> open() {
        return std::make_unique<gw::TeamStorage>(db->url, TeamServers::get().valkey_url);
    }
    // Two instances (two gateways) of one deployment, each with a limiter of `policy`.
    struct TwoLimiters {
        std::unique_ptr<gw::TeamStorage> a, b;
        std::unique_ptr<gw::AttemptLimiter> la, lb;
    };
    TwoLimiters two_limiters(const gw::LimitPolicy& policy) {
        TwoLimiters t{open(), open(), nullptr, nullptr};
        t.la = t.a->attempt_limiter("email", policy);
        t.lb = t.b->attempt_limiter("email", policy);
        return t;
    }
    std::unique_ptr<ScratchDatabase> db;
};

}  // namespace

TEST_F(TeamStorageTest, MigratesAFreshDatabaseOnOpenAndReopeningKeepsIt) {
    auto a = open();
    EXPECT_EQ(a->current_schema_version(), gw::TeamStorage::schema_version);
    EXPECT_FALSE(a->has_users());
    EXPECT_EQ(a->tier(), "team");
    auto b = open();
    EXPECT_EQ(b->current_schema_version(), gw::TeamStorage::schema_version);
    EXPECT_EQ(a->deployment_id(), b->deployment_id());
    EXPECT_EQ(a->shared_session_key(), b->shared_session_key());
    EXPECT_EQ(a->shared_session_key()->size(), 64u);
}

TEST_F(TeamStorageTest, RefusesADatabaseMigratedByANewerGateway) {
    open();
    gw::PgConnection(db->url, std::chrono::seconds(5)).exec("INSERT INTO gateway_schema_version VALUES (99, 0)");
    try {
        open();
        FAIL() << "opened a schema from the future";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_refused);
        EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
    }
}

TEST_F(TeamStorageTest, ConcurrentFirstAdminsOnSeveralInstancesHaveExactlyOneWinner) {
    auto a = open();
    auto b = open();
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            gw::TeamStorage& s = i % 2 ? *a : *b;
            std::int64_t tid = 0;
            auto u = s.create_first_admin({"A" + std::to_string(i), "a" + std::to_string(i) + "@b.c", "h"},
                                          "hash" + std::to_string(i), "bootstrap", 1, tid);
            if (u) ++winners;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(a->list_users().size(), 1u);
    EXPECT_EQ(b->list_tokens().size(), 1u);
}

TEST_F(TeamStorageTest, TokensAreStoredByHashAndRecordTheirUse) {
    auto s = open();
    std::int64_t tid = 0;
    auto u = s->create_first_admin({"Ada", "Ada@Example.com", "argon"}, "h1", "bootstrap", 100, tid);
    ASSERT_TRUE(u);
    auto found = s->find_user_by_email("ada@example.com");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->first.id, u->id);
    EXPECT_EQ(found->second, "argon");
    auto t2 = s->create_token(u->id, "cli", "h2", 200);
    EXPECT_EQ(s->user_for_token("h2", 300), u->id);
    EXPECT_FALSE(s->user_for_token("nope", 300));
    auto tokens = s->list_tokens();
    ASSERT_EQ(tokens.size(), 2u);
    EXPECT_EQ(tokens[1].last_used_at, 300);
    EXPECT_FALSE(tokens[0].last_used_at);
    EXPECT_TRUE(s->delete_token(t2));
    EXPECT_FALSE(s->delete_token(t2));
    EXPECT_FALSE(s->user_for_token("h2", 400));
}

TEST_F(TeamStorageTest, ASessionWrittenByOneInstanceIsValidOnAnotherUntilItExpires) {
    auto a = open();
    auto b = open();
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    a->create_session("s1", 7, now + 3600);
    EXPECT_EQ(b->user_for_session("s1", now), 7);
    EXPECT_FALSE(b->user_for_session("s1", now + 3600));
    EXPECT_FALSE(b->user_for_session("unknown", now));
}

TEST_F(TeamStorageTest, DeploymentsSharingOneValkeyDoNotSeeEachOthersSessions) {
    auto a = open();
    ScratchDatabase other_db;
    gw::TeamStorage other(other_db.url, TeamServers::get().valkey_url);
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    a->create_session("shared-hash", 1, now + 3600);
    EXPECT_NE(a->deployment_id(), other.deployment_id());
    EXPECT_FALSE(other.user_for_session("shared-hash", now));
}

TEST_F(TeamStorageTest, SignInAttemptsAreCountedAcrossInstances) {
    auto two = two_limiters({3, std::chrono::seconds(900), 0, std::chrono::seconds(60)});
    auto& la = two.la;
    auto& lb = two.lb;
    auto now = std::chrono::system_clock::now();
    EXPECT_TRUE(la->reserve("email:x@y.z", now).allowed());
    auto second = lb->reserve("email:x@y.z", now);
    ASSERT_TRUE(second.allowed());
    EXPECT_TRUE(la->reserve("email:x@y.z", now).allowed());
    auto refused = lb->reserve("email:x@y.z", now);
    EXPECT_FALSE(refused.allowed());
    EXPECT_EQ(refused.retry_after_s, 900);
    la->cancel("email:x@y.z", *second.id);  // a success does not count, on every instance
    EXPECT_TRUE(lb->reserve("email:x@y.z", now).allowed());
    EXPECT_TRUE(lb->reserve("email:x@y.z", now + std::chrono::seconds(900)).allowed());
    EXPECT_TRUE(lb->reserve("email:other@y.z", now).allowed());
    lb->reset("email:x@y.z");
    EXPECT_TRUE(la->reserve("email:x@y.z", now).allowed());
}

TEST_F(TeamStorageTest, BackoffSpacesAttemptsAcrossInstances) {
    auto two = two_limiters({0, std::chrono::seconds(900), 2, std::chrono::seconds(60)});
    auto& la = two.la;
    auto& lb = two.lb;
    auto now = std::chrono::system_clock::now();
    EXPECT_TRUE(la->reserve("k", now).allowed());
    EXPECT_TRUE(lb->reserve("k", now).allowed());
    auto refused = la->reserve("k", now);
    EXPECT_FALSE(refused.allowed());
    EXPECT_EQ(refused.retry_after_s, 1);
    EXPECT_TRUE(lb->reserve("k", now + std::chrono::seconds(1)).allowed());
    EXPECT_EQ(la->reserve("k", now + std::chrono::seconds(1)).retry_after_s, 2);
}

// Issue: 60 parallel wrong passwords got 52-60 real checks before the first 429. Here over two
// instances (two gateways) sharing the deployment: exactly the limit is checked.
TEST_F(TeamStorageTest, SixtyParallelWrongPasswordsOverTwoGatewaysGetExactlyFivePasswordChecks) {
    auto a = open();
    auto b = open();
    std::int64_t tid = 0;
    ASSERT_TRUE(a->create_first_admin({"Ada", "ada@example.com", gw::hash_password("securepass123")}, "h", "b", 1, tid));
    mosaic::support::SystemClock clock;
    gw::ApiOptions o{"1.0", "http://localhost:3000", std::string(64, 'a')};
    gw::Api api_a(*a, clock, o), api_b(*b, clock, o);
    for (const char* email : {"ada@example.com", "nobody@example.com"}) {
        std::atomic<int> checked{0}, limited{0}, other{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < 60; ++i)
            threads.emplace_back([&, i] {
                while (!go.load()) std::this_thread::yield();
                gw::ApiRequest r{"POST", "/api/auth/sign-in",
                                 nlohmann::json{{"email", email}, {"password", "wrong-password"}}.dump(), "10.0.0.9",
                                 {{"content-type", "application/json"}}};
                int status = (i % 2 ? api_a : api_b).handle(r).status;
                (status == 401 ? checked : status == 429 ? limited : other)++;
            });
        go = true;
        for (auto& t : threads) t.join();
        EXPECT_EQ(checked.load(), 5) << email;
        EXPECT_EQ(limited.load(), 55) << email;
        EXPECT_EQ(other.load(), 0) << email;
    }
}

TEST_F(TeamStorageTest, HealthNamesBothBackendsByAddress) {
    auto s = open();
    auto h = s->check_backends();
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[0].name, "postgresql");
    EXPECT_EQ(h[1].name, "valkey");
    EXPECT_TRUE(h[0].ok) << h[0].detail;
    EXPECT_TRUE(h[1].ok) << h[1].detail;
    EXPECT_EQ(h[0].detail, gw::parse_postgres_url(db->url).address());
}

TEST_F(TeamStorageTest, ProbesReportReachableBackendsWithRedactedUrls) {
    auto pg = gw::probe_postgres(db->url, std::chrono::seconds(3));
    auto vk = gw::probe_valkey(TeamServers::get().valkey_url, std::chrono::seconds(3));
    EXPECT_TRUE(pg.ok) << pg.detail;
    EXPECT_TRUE(vk.ok) << vk.detail;
    EXPECT_NE(pg.detail.find(gw::redact_url(db->url)), std::string::npos) << pg.detail;
    EXPECT_EQ(pg.detail.find(db->url), std::string::npos) << pg.detail;
    EXPECT_EQ(vk.detail.find(gw::parse_valkey_target(TeamServers::get().valkey_url).password), std::string::npos);
}

TEST_F(TeamStorageTest, AWrongValkeyPasswordIsReportedWithoutIt) {
    auto t = gw::parse_valkey_target(TeamServers::get().valkey_url);
    std::string url = "redis://:wrong-secret-123@" + t.address() + "/0";
    auto vk = gw::probe_valkey(url, std::chrono::seconds(3));
    EXPECT_FALSE(vk.ok);
    EXPECT_NE(vk.detail.find("valkey at " + t.address()), std::string::npos) << vk.detail;
    EXPECT_EQ(vk.detail.find("wrong-secret-123"), std::string::npos) << vk.detail;
}
