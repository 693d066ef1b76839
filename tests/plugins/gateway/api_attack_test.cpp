// Attacks on the gateway's HTTP API, each reproduced in process (no sockets): a web page in
// the user's browser (foreign Origin, text/plain bodies, DNS rebinding), a local user racing
// the first admin, and password guessing outrunning or abusing the sign-in limits.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crypto.hpp"
#include "gateway_test_support.hpp"

using nlohmann::json;

namespace {

const std::map<std::string, std::string> json_type{{"content-type", "application/json"}};

class ApiAttack : public ::testing::Test {
protected:
    mosaic::testing::TempDir tmp;
    gw::SqliteStorage storage{(tmp.path() / "g.sqlite3").string()};
    mosaic::support::FakeClock clock;
    std::shared_ptr<gw::MemorySetupToken> setup_token = std::make_shared<gw::MemorySetupToken>("mst_right");
    gw::Api api{storage, clock, options()};

    gw::ApiOptions options() {
        gw::ApiOptions o;
        o.version = "1.0";
        o.cors_origin = "http://localhost:3000";
        o.auth_secret = std::string(64, 'a');
        o.setup_token = setup_token;
        return o;
    }
    gw::ApiResponse req(const std::string& method, const std::string& path, const std::string& body,
                        std::map<std::string, std::string> headers = json_type, const std::string& addr = "10.0.0.1") {
        return api.handle(gw::ApiRequest{method, path, body, addr, std::move(headers)});
    }
    // The admin, created behind the API's back (these tests are about what comes after).
    void seed_admin() {
        std::int64_t id = 0;
        ASSERT_TRUE(storage.create_first_admin({"Ada", "ada@example.com", gw::hash_password("securepass123")},
                                               gw::sha256_hex("mgw_seed"), "seed", 0, id));
    }
    static std::string sign_in_body(const std::string& email, const std::string& password) {
        return json{{"email", email}, {"password", password}}.dump();
    }
    // `n` sign-ins at once, each from address(i); counts the answers by status.
    std::map<int, int> parallel_sign_ins(int n, const std::function<std::string(int)>& email,
                                         const std::function<std::string(int)>& address, const std::string& password) {
        std::mutex mu;
        std::map<int, int> by_status;
        std::vector<std::thread> threads;
        std::atomic<bool> go{false};
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&, i] {
                while (!go.load()) std::this_thread::yield();
                auto r = req("POST", "/api/auth/sign-in", sign_in_body(email(i), password), json_type, address(i));
                std::lock_guard lock(mu);
                ++by_status[r.status];
            });
        go = true;
        for (auto& t : threads) t.join();
        return by_status;
    }
};

const std::string admin_body = R"({"name":"Eve","email":"eve@example.com","password":"securepass123"})";

}  // namespace

// --- the first admin --------------------------------------------------------------------

TEST_F(ApiAttack, SetupWithoutTheOneTimeSetupTokenIsRefused) {
    auto none = req("POST", "/api/bootstrap/setup", admin_body);
    EXPECT_EQ(none.status, 403) << none.body;
    EXPECT_EQ(none.body["error"], "setup_token_required");
    auto wrong = req("POST", "/api/bootstrap/setup",
                     R"({"name":"Eve","email":"eve@example.com","password":"securepass123","setupToken":"mst_wrong"})");
    EXPECT_EQ(wrong.status, 403);
    EXPECT_FALSE(storage.has_users());

    auto right = req("POST", "/api/bootstrap/setup",
                     R"({"name":"Ada","email":"ada@example.com","password":"securepass123","setupToken":"mst_right"})");
    EXPECT_EQ(right.status, 201) << right.body;
    EXPECT_FALSE(setup_token->current()) << "the setup token is consumed by the first setup";
}

TEST_F(ApiAttack, WithoutASetupTokenOnFileSetupIsRefused) {
    setup_token->consume();
    auto r = req("POST", "/api/bootstrap/setup",
                 R"({"name":"Ada","email":"ada@example.com","password":"securepass123","setupToken":""})");
    EXPECT_EQ(r.status, 403);
    EXPECT_FALSE(storage.has_users());
}

TEST_F(ApiAttack, AdminNameWithALineBreakIsRefused) {
    auto r = req("POST", "/api/bootstrap/setup",
                 R"({"name":"Ada\nroot","email":"ada@example.com","password":"securepass123","setupToken":"mst_right"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body["message"].get<std::string>().find("control character"), std::string::npos) << r.body;
    EXPECT_FALSE(storage.has_users());
}

// --- a web page in the user's browser -----------------------------------------------------

TEST_F(ApiAttack, AForeignOriginIsRefusedEvenForTextPlainSimpleRequests) {
    seed_admin();
    // What a page on evil.example can send without a preflight.
    std::map<std::string, std::string> page{{"origin", "http://evil.example"}, {"content-type", "text/plain"}};
    auto sign_in = req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"), page);
    EXPECT_EQ(sign_in.status, 403) << sign_in.body;
    EXPECT_EQ(sign_in.body["error"], "origin_not_allowed");
    EXPECT_FALSE(sign_in.body.contains("token"));
    page["content-type"] = "application/json";
    EXPECT_EQ(req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"), page).status, 403);
    EXPECT_EQ(req("GET", "/api/bootstrap/status", "", {{"origin", "null"}}).status, 403);
    // The configured origin is served, with its CORS headers.
    auto ok = req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"),
                  {{"origin", "http://localhost:3000"}, {"content-type", "application/json"}});
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.headers["Access-Control-Allow-Origin"], "http://localhost:3000");
}

TEST_F(ApiAttack, JsonRoutesRefuseBodiesThatAreNotDeclaredJson) {
    seed_admin();
    for (const auto& type : {std::string("text/plain"), std::string("application/x-www-form-urlencoded"),
                             std::string("multipart/form-data; boundary=x"), std::string()}) {
        std::map<std::string, std::string> h;
        if (!type.empty()) h["content-type"] = type;
        auto r = req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"), h);
        EXPECT_EQ(r.status, 415) << "content type '" << type << "': " << r.body;
        EXPECT_EQ(r.body["error"], "unsupported_media_type");
        EXPECT_EQ(req("POST", "/api/bootstrap/setup", admin_body, h).status, 415);
    }
    EXPECT_EQ(req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"),
                  {{"content-type", "Application/JSON; charset=utf-8"}})
                  .status,
              200);
}

TEST_F(ApiAttack, AHostNameThatIsNotTheGatewaysIsRefusedAgainstDnsRebinding) {
    auto rebound = req("GET", "/api/bootstrap/status", "", {{"host", "evil.example:14242"}});
    EXPECT_EQ(rebound.status, 403) << rebound.body;
    EXPECT_EQ(rebound.body["error"], "host_not_allowed");
    EXPECT_EQ(req("GET", "/health", "", {{"host", "localhost.evil.example"}}).status, 403);
    for (const char* host : {"localhost:14242", "127.0.0.1:14242", "127.0.0.1", "[::1]:14242", "LOCALHOST", "10.1.2.3:80"})
        EXPECT_EQ(req("GET", "/health", "", {{"host", host}}).status, 200) << host;
}

TEST_F(ApiAttack, DeeplyNestedBodiesAreA400NamingTheDepth) {
    std::string deep = "{\"email\":" + std::string(30000, '[') + std::string(30000, ']') + ",\"password\":\"x\"}";
    auto r = req("POST", "/api/auth/sign-in", deep);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body["message"].get<std::string>().find("nested deeper than"), std::string::npos) << r.body;
}

// --- password guessing ----------------------------------------------------------------------

TEST_F(ApiAttack, SixtyParallelWrongPasswordsForOneEmailGetExactlyFivePasswordChecks) {
    seed_admin();
    auto by = parallel_sign_ins(
        60, [](int) { return std::string("ada@example.com"); }, [](int) { return std::string("10.0.0.9"); }, "wrongpass");
    EXPECT_EQ(by[401], 5);
    EXPECT_EQ(by[429], 55);
}

TEST_F(ApiAttack, SixtyParallelSignInsForAnUnknownEmailGetExactlyFivePasswordChecks) {
    seed_admin();
    auto by = parallel_sign_ins(
        60, [](int) { return std::string("nobody@example.com"); }, [](int) { return std::string("10.0.0.9"); },
        "wrongpass");
    EXPECT_EQ(by[401], 5);
    EXPECT_EQ(by[429], 55);
}

TEST_F(ApiAttack, SixtyParallelGuessesFromOneAddressGetExactlyTwentyPasswordChecks) {
    seed_admin();
    auto by = parallel_sign_ins(
        60, [](int i) { return "user" + std::to_string(i) + "@example.com"; },
        [](int) { return std::string("10.0.0.9"); }, "wrongpass");
    EXPECT_EQ(by[401], 20);
    EXPECT_EQ(by[429], 40);
}

TEST_F(ApiAttack, WrongPasswordsFromOneAddressDoNotLockTheOwnerOut) {
    seed_admin();
    for (int i = 0; i < 6; ++i) req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "wrongpass"), json_type, "10.6.6.6");
    EXPECT_EQ(req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"), json_type, "10.6.6.6").status,
              429);
    auto owner = req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"), json_type, "10.0.0.1");
    EXPECT_EQ(owner.status, 200) << owner.body;
}

TEST_F(ApiAttack, GuessesFromManyAddressesSlowAnEmailDownForAMinuteAtMost) {
    seed_admin();
    // Ten addresses, five guesses each: past ten failures per email, every attempt waits a
    // doubling delay (1 s, 2 s, ... capped at 60 s) since the last one, whoever makes it.
    int checks = 0;
    for (int a = 0; a < 10; ++a)
        for (int i = 0; i < 5; ++i) {
            auto r = req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "wrongpass"), json_type,
                         "10.9.0." + std::to_string(a));
            if (r.status == 401) ++checks;
            clock.advance(std::chrono::milliseconds(100));
        }
    EXPECT_LT(checks, 20) << "the per-email backoff holds many addresses back";
    auto owner = req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"), json_type, "10.0.0.1");
    if (owner.status == 429) {
        int wait = std::stoi(owner.headers["Retry-After"]);
        EXPECT_LE(wait, 60);
        clock.advance(std::chrono::seconds(wait));
        owner = req("POST", "/api/auth/sign-in", sign_in_body("ada@example.com", "securepass123"), json_type, "10.0.0.1");
    }
    EXPECT_EQ(owner.status, 200) << owner.body;
}

TEST_F(ApiAttack, EveryLoopbackAddressCountsAsOneClient) {
    seed_admin();
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(req("POST", "/api/auth/sign-in", sign_in_body("u" + std::to_string(i) + "@example.com", "wrongpass"),
                      json_type, "127.0.0." + std::to_string(i + 2))
                      .status,
                  401);
    EXPECT_EQ(req("POST", "/api/auth/sign-in", sign_in_body("v@example.com", "wrongpass"), json_type, "127.3.2.1").status, 429);
    EXPECT_EQ(req("POST", "/api/auth/sign-in", sign_in_body("v@example.com", "wrongpass"), json_type, "::1").status, 429);
    EXPECT_EQ(req("POST", "/api/auth/sign-in", sign_in_body("v@example.com", "wrongpass"), json_type, "::ffff:127.0.0.1").status,
              429);
}

// --- proof that the CLI talks to its own daemon ---------------------------------------------

TEST_F(ApiAttack, AnswersAChallengeWithTheHmacOfItsProofKey) {
    gw::ApiOptions o = options();
    o.proof_key = std::string(64, 'p');
    gw::Api own{storage, clock, o};
    auto r = own.handle(gw::ApiRequest{"GET", "/health", "", "127.0.0.1", {{"x-mosaic-challenge", "abc123"}}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["X-Mosaic-Proof"], gw::gateway_proof(std::string(64, 'p'), "abc123"));
    EXPECT_NE(r.headers["X-Mosaic-Proof"], gw::gateway_proof(std::string(64, 'q'), "abc123"));
    EXPECT_EQ(req("GET", "/health", "", {}).headers.count("X-Mosaic-Proof"), 0u);
}
