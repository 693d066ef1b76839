#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crypto.hpp"
#include "gateway_test_support.hpp"

using nlohmann::json;

namespace {

class ApiTest : public ::testing::Test {
protected:
    mosaic::testing::TempDir tmp;
    gw::SqliteStorage storage{(tmp.path() / "g.sqlite3").string()};
    mosaic::support::FakeClock clock;
    gw::Api api{storage, clock, options()};

    static gw::ApiOptions options() {
        gw::ApiOptions o;
        o.version = "9.9.9";
        o.cors_origin = "http://localhost:3000";
        o.auth_secret = std::string(64, 'a');
        o.max_body_bytes = 2048;
        o.limits.email_and_address.max_attempts = 3;
        o.limits.address.max_attempts = 5;
        o.setup_token = std::make_shared<gw::MemorySetupToken>("mst_test");
        return o;
    }
    // A body is sent as application/json unless the test says otherwise.
    gw::ApiResponse req(const std::string& method, const std::string& path, const std::string& body = "",
                        std::map<std::string, std::string> headers = {}, const std::string& addr = "127.0.0.1") {
        if (!body.empty() && !headers.count("content-type")) headers["content-type"] = "application/json";
        return api.handle(gw::ApiRequest{method, path, body, addr, std::move(headers)});
    }
    std::string setup() {
        auto r = req("POST", "/api/bootstrap/setup",
                     R"({"name":"Ada","email":"ada@example.com","password":"securepass123","setupToken":"mst_test"})");
        EXPECT_EQ(r.status, 201);
        return r.body["token"].get<std::string>();
    }
};

}  // namespace

TEST_F(ApiTest, HealthReportsTierVersionAndBackends) {
    auto r = req("GET", "/health");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body["status"], "ok");
    EXPECT_EQ(r.body["version"], "9.9.9");
    EXPECT_EQ(r.body["tier"], "local");
    EXPECT_EQ(r.body["backends"]["sqlite"]["status"], "ok");
}

TEST_F(ApiTest, BootstrapOnceThenConflict) {
    EXPECT_EQ(req("GET", "/api/bootstrap/status").body, (json{{"needsSetup", true}}));
    std::string token = setup();
    EXPECT_EQ(token.rfind("mgw_", 0), 0u);
    EXPECT_EQ(req("GET", "/api/bootstrap/status").body, (json{{"needsSetup", false}}));
    auto again = req("POST", "/api/bootstrap/setup", R"({"name":"Eve","email":"eve@example.com","password":"securepass123"})");
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.body["error"], "already_set_up");
}

TEST_F(ApiTest, TokensAndPasswordsAreStoredOnlyAsHashes) {
    std::string token = setup();
    auto found = storage.find_user_by_email("ada@example.com");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->second.rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(storage.user_for_token(gw::sha256_hex(token), 0));
    EXPECT_FALSE(storage.user_for_token(token, 0));
}

TEST_F(ApiTest, ConcurrentSetupsHaveExactlyOneWinner) {
    std::atomic<int> created{0}, conflicts{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] {
            auto r = req("POST", "/api/bootstrap/setup",
                         json{{"name", "U" + std::to_string(i)}, {"email", "u" + std::to_string(i) + "@x.io"},
                              {"password", "securepass123"}, {"setupToken", "mst_test"}}.dump());
            (r.status == 201 ? created : r.status == 409 ? conflicts : other)++;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflicts.load(), 19);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(storage.list_users().size(), 1u);
}

TEST_F(ApiTest, SetupValidatesTypesAndValues) {
    EXPECT_EQ(req("POST", "/api/bootstrap/setup", "{bad json").status, 400);
    EXPECT_EQ(req("POST", "/api/bootstrap/setup", "[1,2]").status, 400);
    auto wrong_type = req("POST", "/api/bootstrap/setup", R"({"name":"A","email":42,"password":"securepass123"})");
    EXPECT_EQ(wrong_type.status, 400);
    EXPECT_NE(wrong_type.body["message"].get<std::string>().find("email"), std::string::npos);
    auto short_pw = req("POST", "/api/bootstrap/setup", R"({"name":"A","email":"a@b.co","password":"short"})");
    EXPECT_EQ(short_pw.status, 400);
    EXPECT_EQ(short_pw.body.dump().find("short\""), std::string::npos);
    EXPECT_FALSE(storage.has_users());
}

TEST_F(ApiTest, SignInGivesASessionThatAuthorisesAdminRoutes) {
    setup();
    auto r = req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})");
    ASSERT_EQ(r.status, 200);
    std::string session = r.body["token"];
    EXPECT_EQ(session.rfind("mgs_", 0), 0u);
    auto users = req("GET", "/api/admin/users", "", {{"authorization", "Bearer " + session}});
    EXPECT_EQ(users.status, 200);
    ASSERT_EQ(users.body["users"].size(), 1u);
    EXPECT_FALSE(users.body["users"][0].contains("password_hash"));
    EXPECT_EQ(users.body.dump().find("argon2"), std::string::npos);
}

TEST_F(ApiTest, SessionsExpire) {
    setup();
    auto r = req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})");
    std::string session = r.body["token"];
    clock.advance(std::chrono::hours(13));
    EXPECT_EQ(req("GET", "/api/admin/users", "", {{"authorization", "Bearer " + session}}).status, 401);
}

TEST_F(ApiTest, AdminTokensCreateListDelete) {
    std::string admin = setup();
    std::map<std::string, std::string> auth{{"authorization", "Bearer " + admin}};
    EXPECT_EQ(req("GET", "/api/admin/tokens").status, 401);
    EXPECT_EQ(req("GET", "/api/admin/tokens", "", {{"authorization", "Bearer mgw_wrong"}}).status, 401);
    auto created = req("POST", "/api/admin/tokens", R"({"label":"ci"})", auth);
    ASSERT_EQ(created.status, 201);
    std::string second = created.body["token"];
    auto list = req("GET", "/api/admin/tokens", "", auth);
    ASSERT_EQ(list.body["tokens"].size(), 2u);
    EXPECT_EQ(list.body.dump().find(second), std::string::npos);  // shown once, never listed
    std::string id = std::to_string(created.body["id"].get<long long>());
    EXPECT_EQ(req("DELETE", "/api/admin/tokens/" + id, "", auth).status, 200);
    EXPECT_EQ(req("DELETE", "/api/admin/tokens/" + id, "", auth).status, 404);
    EXPECT_EQ(req("DELETE", "/api/admin/tokens/abc", "", auth).status, 400);
    EXPECT_EQ(req("GET", "/api/admin/users", "", {{"authorization", "Bearer " + second}}).status, 401);
}

TEST_F(ApiTest, SignInFailuresAreLimitedPerEmailAndAddressWithRetryAfter) {
    setup();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"wrongpass"})").status, 401);
    auto limited = req("POST", "/api/auth/sign-in", R"({"email":"ADA@example.com","password":"securepass123"})");
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.headers["Retry-After"], "900");
    clock.advance(std::chrono::minutes(15));
    EXPECT_EQ(req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})").status, 200);
}

TEST_F(ApiTest, SignInFailuresAreLimitedPerClientAddress) {
    setup();
    for (int i = 0; i < 5; ++i)
        req("POST", "/api/auth/sign-in", json{{"email", "x" + std::to_string(i) + "@example.com"}, {"password", "nopenope"}}.dump(), {}, "10.0.0.9");
    auto limited = req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})", {}, "10.0.0.9");
    EXPECT_EQ(limited.status, 429);
    EXPECT_TRUE(limited.headers.count("Retry-After"));
    EXPECT_EQ(req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})", {}, "10.0.0.10").status, 200);
}

TEST_F(ApiTest, CorsAnswersExactlyTheConfiguredOrigin) {
    auto ok = req("GET", "/health", "", {{"origin", "http://localhost:3000"}});
    EXPECT_EQ(ok.headers["Access-Control-Allow-Origin"], "http://localhost:3000");
    auto other = req("GET", "/health", "", {{"origin", "http://evil.example"}});
    EXPECT_EQ(other.headers.count("Access-Control-Allow-Origin"), 0u);
    auto preflight = req("OPTIONS", "/api/auth/sign-in", "", {{"origin", "http://localhost:3000"}});
    EXPECT_EQ(preflight.status, 204);
    EXPECT_NE(preflight.headers["Access-Control-Allow-Methods"].find("POST"), std::string::npos);
    EXPECT_EQ(req("OPTIONS", "/api/auth/sign-in", "", {{"origin", "http://evil.example"}}).status, 403);
}

TEST_F(ApiTest, UnknownRoutesWrongMethodsAndOversizedBodiesAnswerJson) {
    auto nf = req("GET", "/nope");
    EXPECT_EQ(nf.status, 404);
    EXPECT_EQ(nf.body["error"], "not_found");
    auto wm = req("POST", "/health");
    EXPECT_EQ(wm.status, 405);
    EXPECT_EQ(wm.headers["Allow"], "GET");
    auto big = req("POST", "/api/auth/sign-in", std::string(4096, 'x'));
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(big.body["error"], "payload_too_large");
}

namespace {

// The team tier as the Api sees it, with a Valkey that can go away: users in SQLite,
// sessions and sign-in counters "in Valkey" (memory, throwing BackendUnavailable while down).
class FlakyTeamStorage final : public gw::Storage {
public:
    explicit FlakyTeamStorage(const std::string& path) : inner(path) {}
    gw::SqliteStorage inner;
    bool valkey_up = true;
    std::vector<std::string> limiters;

    void require_valkey() const {
        if (!valkey_up) throw gw::BackendUnavailable("valkey", "valkey at cache:6379: connection refused");
    }
    std::string tier() const override { return "team"; }
    std::vector<gw::BackendHealth> check_backends() override {
        return {{"postgresql", true, 1.5, "db:5432"},
                {"valkey", valkey_up, 0.5, valkey_up ? "cache:6379" : "valkey at cache:6379: connection refused"}};
    }
    bool has_users() override { return inner.has_users(); }
    std::optional<gw::User> create_first_admin(const gw::NewAdmin& a, const std::string& h, const std::string& l,
                                               std::int64_t now, std::int64_t& id) override {
        return inner.create_first_admin(a, h, l, now, id);
    }
    std::optional<std::pair<gw::User, std::string>> find_user_by_email(const std::string& e) override {
        return inner.find_user_by_email(e);
    }
    std::optional<gw::User> find_user(std::int64_t id) override { return inner.find_user(id); }
    std::vector<gw::User> list_users() override { return inner.list_users(); }
    std::int64_t create_token(std::int64_t u, const std::string& l, const std::string& h, std::int64_t now) override {
        return inner.create_token(u, l, h, now);
    }
    std::optional<std::int64_t> user_for_token(const std::string& h, std::int64_t now) override {
        return inner.user_for_token(h, now);
    }
    std::vector<gw::TokenRecord> list_tokens() override { return inner.list_tokens(); }
    bool delete_token(std::int64_t id) override { return inner.delete_token(id); }
    void create_session(const std::string& h, std::int64_t u, std::int64_t exp) override {
        require_valkey();
        inner.create_session(h, u, exp);
    }
    std::optional<std::int64_t> user_for_session(const std::string& h, std::int64_t now) override {
        require_valkey();
        return inner.user_for_session(h, now);
    }
    std::optional<std::string> shared_session_key() override { return std::string(64, 's'); }
    std::int64_t create_agent_token(const std::string& a, const std::string& h, const gw::AgentLimits& l,
                                    std::int64_t now) override {
        return inner.create_agent_token(a, h, l, now);
    }
    std::optional<gw::AgentToken> agent_token(const std::string& h, std::int64_t now) override { return inner.agent_token(h, now); }
    std::vector<gw::AgentToken> list_agent_tokens() override { return inner.list_agent_tokens(); }
    int revoke_agent_tokens(std::optional<std::int64_t> id, const std::string& a, std::int64_t now) override {
        return inner.revoke_agent_tokens(id, a, now);
    }
    bool set_agent_limits(std::int64_t id, const gw::AgentLimits& l) override { return inner.set_agent_limits(id, l); }
    void add_usage(const gw::UsageRow& d) override { inner.add_usage(d); }
    std::vector<gw::UsageRow> usage(const std::string& a, const std::string& s, const std::string& u) override {
        return inner.usage(a, s, u);
    }
    std::int64_t tokens_used(std::int64_t id, const std::string& day) override { return inner.tokens_used(id, day); }
    bool count_request(std::int64_t id, std::int64_t limit, std::int64_t minute) override {
        require_valkey();
        return inner.count_request(id, limit, minute);
    }

    class Limiter final : public gw::AttemptLimiter {
    public:
        Limiter(FlakyTeamStorage& s, const gw::LimitPolicy& p) : s_(s), mem_(p) {}
        gw::Reservation reserve(const std::string& k, std::chrono::system_clock::time_point now) override {
            s_.require_valkey();
            return mem_.reserve(k, now);
        }
        void cancel(const std::string& k, const std::string& id) override {
            s_.require_valkey();
            mem_.cancel(k, id);
        }
        void reset(const std::string& k) override { mem_.reset(k); }

    private:
        FlakyTeamStorage& s_;
        gw::MemoryAttemptLimiter mem_;
    };
    std::unique_ptr<gw::AttemptLimiter> attempt_limiter(const std::string& name, const gw::LimitPolicy& p) override {
        limiters.push_back(name + ":" + std::to_string(p.max_attempts) + "/" + std::to_string(p.backoff_after));
        return std::make_unique<Limiter>(*this, p);
    }
};

class TeamApiTest : public ::testing::Test {
protected:
    mosaic::testing::TempDir tmp;
    FlakyTeamStorage storage{(tmp.path() / "g.sqlite3").string()};
    mosaic::support::FakeClock clock;
    gw::Api api{storage, clock, options()};
    static gw::ApiOptions options() {
        gw::ApiOptions o{"1.0", "http://localhost:3000", std::string(64, 'a')};
        o.setup_token = std::make_shared<gw::MemorySetupToken>("mst_test");
        return o;
    }
    gw::ApiResponse req(const std::string& method, const std::string& path, const std::string& body = "") {
        return api.handle(gw::ApiRequest{method, path, body, "127.0.0.1", {{"content-type", "application/json"}}});
    }
};

}  // namespace

TEST_F(TeamApiTest, SignInLimitersComeFromTheStorage) {
    EXPECT_EQ(storage.limiters, (std::vector<std::string>{"email-address:5/0", "address:20/0", "email:0/10"}));
}

TEST_F(TeamApiTest, HealthDegradesTo503NamingTheBackendThatIsDownAndRecovers) {
    auto ok = req("GET", "/health");
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body["tier"], "team");
    EXPECT_EQ(ok.body["backends"]["postgresql"]["status"], "ok");
    EXPECT_EQ(ok.body["backends"]["valkey"]["status"], "ok");
    EXPECT_FALSE(ok.body.contains("unavailable"));

    storage.valkey_up = false;
    auto down = req("GET", "/health");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(down.body["status"], "degraded");
    EXPECT_EQ(down.body["unavailable"], json::array({"valkey"}));
    EXPECT_EQ(down.body["backends"]["valkey"]["status"], "error");
    EXPECT_EQ(down.body["backends"]["valkey"]["error"], "valkey at cache:6379: connection refused");
    EXPECT_EQ(down.body["backends"]["postgresql"]["status"], "ok");

    storage.valkey_up = true;
    EXPECT_EQ(req("GET", "/health").status, 200);
}

TEST_F(TeamApiTest, ARequestNeedingABackendThatIsDownGets503NamingIt) {
    ASSERT_EQ(req("POST", "/api/bootstrap/setup",
                  R"({"name":"Ada","email":"ada@example.com","password":"securepass123","setupToken":"mst_test"})")
                  .status,
              201);
    storage.valkey_up = false;
    auto r = req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.body["error"], "backend_unavailable");
    EXPECT_EQ(r.body["backend"], "valkey");
    EXPECT_EQ(r.headers["Retry-After"], "5");
    storage.valkey_up = true;
    EXPECT_EQ(req("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})").status, 200);
}
