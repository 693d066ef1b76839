// Gateway processes (gateway-test-daemon, i.e. `mosaic gateway run`) on the team tier with
// real PostgreSQL and Valkey: two gateways on one database and one Valkey behave as one
// deployment; a Valkey restart degrades /health and recovers, without a crash. Every daemon
// and server a test starts is stopped.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "stalling_relay.hpp"
#include "team_test_support.hpp"

using namespace gateway_test;
using nlohmann::json;

namespace {

const std::string kSetup = R"({"name":"Ada","email":"ada@example.com","password":"securepass123"})";

// One gateway: its own home and port, the shared backends.
struct Gateway {
    Gateway(const std::string& database_url, const std::string& valkey_url)
        : port(free_port()), home(tmp.path() / "home"), paths(home) {
        write_team_install(home, port, database_url, valkey_url);
        daemon = std::make_unique<DaemonProcess>(home, paths.log_file);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
    // The first admin, with this gateway's one-time setup token (as its install writes it).
    std::string setup_body() {
        auto j = json::parse(kSetup);
        j["setupToken"] = gw::ensure_setup_token(paths.setup_token);
        return j.dump();
    }
    gw::HttpResult send(const std::string& method, const std::string& path, const std::string& body = "",
                        const std::string& bearer = "") {
        std::map<std::string, std::string> h;
        if (!bearer.empty()) h["Authorization"] = "Bearer " + bearer;
        return http.send(method, url(), path, body, h);
    }
    mosaic::testing::TempDir tmp;
    int port;
    std::filesystem::path home;
    gw::GatewayPaths paths;
    std::unique_ptr<DaemonProcess> daemon;
    gw::BeastHttpClient http{std::chrono::seconds(10)};
};

class TwoGateways : public ::testing::Test {
protected:
    void SetUp() override {
        REQUIRE_TEAM_SERVERS();
        db = std::make_unique<ScratchDatabase>();
        a = std::make_unique<Gateway>(db->url, TeamServers::get().valkey_url);
        b = std::make_unique<Gateway>(db->url, TeamServers::get().valkey_url);
        ASSERT_TRUE(a->daemon->wait_healthy(a->url())) << read(a->paths.log_file);
        ASSERT_TRUE(b->daemon->wait_healthy(b->url())) << read(b->paths.log_file);
    }
    void TearDown() override {
        // Stop the gateways before the database is dropped.
        for (auto* g : {a.get(), b.get()}) {
            if (g) {
                EXPECT_EQ(g->daemon->terminate(), 0) << read(g->paths.log_file);
            }
        }
    }
    std::unique_ptr<ScratchDatabase> db;
    std::unique_ptr<Gateway> a, b;
};

}  // namespace

TEST_F(TwoGateways, HealthReportsBothBackendsOnEachGateway) {
    for (auto* g : {a.get(), b.get()}) {
        auto r = g->send("GET", "/health");
        ASSERT_EQ(r.status, 200) << r.body;
        auto j = json::parse(r.body);
        EXPECT_EQ(j["tier"], "team");
        EXPECT_EQ(j["backends"]["postgresql"]["status"], "ok");
        EXPECT_EQ(j["backends"]["valkey"]["status"], "ok");
    }
    std::string log = read(a->paths.log_file);
    EXPECT_NE(log.find("team tier: postgresql " + gw::redact_url(db->url)), std::string::npos) << log;
    EXPECT_EQ(log.find(db->url), std::string::npos);
}

TEST_F(TwoGateways, BootstrapRaceAcrossBothGatewaysYieldsOneAdmin) {
    std::vector<int> statuses(12, 0);
    const std::string body_a = a->setup_body(), body_b = b->setup_body();
    std::vector<std::thread> threads;
    std::atomic<bool> go{false};
    for (std::size_t i = 0; i < statuses.size(); ++i)
        threads.emplace_back([&, i] {
            Gateway& g = i % 2 ? *a : *b;
            const std::string body = i % 2 ? body_a : body_b;
            gw::BeastHttpClient http(std::chrono::seconds(30));
            while (!go.load()) std::this_thread::yield();
            statuses[i] = http.send("POST", g.url(), "/api/bootstrap/setup", body, {}).status;
        });
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), static_cast<long>(statuses.size()) - 1);
    for (auto* g : {a.get(), b.get()})
        EXPECT_EQ(json::parse(g->send("GET", "/api/bootstrap/status").body)["needsSetup"], false);
}

TEST_F(TwoGateways, TokensAndSessionsMintedOnOneGatewayWorkOnTheOther) {
    auto setup = a->send("POST", "/api/bootstrap/setup", a->setup_body());
    ASSERT_EQ(setup.status, 201) << setup.body;
    std::string admin_token = json::parse(setup.body)["token"];

    auto users = b->send("GET", "/api/admin/users", "", admin_token);
    ASSERT_EQ(users.status, 200) << users.body;
    EXPECT_EQ(json::parse(users.body)["users"][0]["email"], "ada@example.com");

    auto minted = b->send("POST", "/api/admin/tokens", R"({"label":"ci"})", admin_token);
    ASSERT_EQ(minted.status, 201) << minted.body;
    EXPECT_EQ(a->send("GET", "/api/admin/tokens", "", json::parse(minted.body)["token"]).status, 200);

    auto signin = a->send("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})");
    ASSERT_EQ(signin.status, 200) << signin.body;
    std::string session = json::parse(signin.body)["token"];
    EXPECT_EQ(b->send("GET", "/api/admin/users", "", session).status, 200);
    EXPECT_EQ(b->send("GET", "/api/admin/users", "", session + "x").status, 401);

    auto del = a->send("DELETE", "/api/admin/tokens/" + std::to_string(json::parse(minted.body)["id"].get<long long>()),
                       "", admin_token);
    EXPECT_EQ(del.status, 200);
    EXPECT_EQ(b->send("GET", "/api/admin/tokens", "", json::parse(minted.body)["token"]).status, 401);
}

TEST_F(TwoGateways, SignInRateLimitCountsFailuresOnBothGateways) {
    ASSERT_EQ(a->send("POST", "/api/bootstrap/setup", a->setup_body()).status, 201);
    const std::string wrong = R"({"email":"ada@example.com","password":"wrong-password"})";
    for (int i = 0; i < 5; ++i) {
        auto r = (i % 2 ? *a : *b).send("POST", "/api/auth/sign-in", wrong);
        EXPECT_EQ(r.status, 401) << i << ": " << r.body;
    }
    // Five failures, split 3 + 2: each gateway alone has seen fewer than the limit.
    for (auto* g : {a.get(), b.get()}) {
        auto r = g->send("POST", "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})");
        EXPECT_EQ(r.status, 429) << r.body;
        EXPECT_FALSE(r.headers["retry-after"].empty());
    }
}

TEST(TeamValkeyRestart, HealthDegradesNamingValkeyAndRecoversWithoutACrash) {
    REQUIRE_TEAM_SERVERS();
    if (PrivateRedis::binary().empty()) {
        if (TeamServers::required()) FAIL() << "redis-server is not installed";
        GTEST_SKIP() << "redis-server is not installed";
    }
    ScratchDatabase db;
    PrivateRedis redis;
    ASSERT_TRUE(redis.start());
    Gateway g(db.url, redis.url());
    ASSERT_TRUE(g.daemon->wait_healthy(g.url())) << read(g.paths.log_file);
    ASSERT_EQ(g.send("POST", "/api/bootstrap/setup", g.setup_body()).status, 201);
    const std::string creds = R"({"email":"ada@example.com","password":"securepass123"})";
    auto before = g.send("POST", "/api/auth/sign-in", creds);
    ASSERT_EQ(before.status, 200);
    std::string session = json::parse(before.body)["token"];

    redis.stop();
    gw::HttpResult down;
    for (int i = 0; i < 100 && down.status != 503; ++i) {
        down = g.send("GET", "/health");
        if (down.status != 503) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(down.status, 503) << down.body;
    auto j = json::parse(down.body);
    EXPECT_EQ(j["status"], "degraded");
    EXPECT_EQ(j["unavailable"], json::array({"valkey"}));
    EXPECT_EQ(j["backends"]["postgresql"]["status"], "ok");
    EXPECT_NE(j["backends"]["valkey"]["error"].get<std::string>().find("127.0.0.1:" + std::to_string(redis.port)),
              std::string::npos);
    auto refused = g.send("POST", "/api/auth/sign-in", creds);
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(json::parse(refused.body)["backend"], "valkey");
    // What needs only PostgreSQL still works.
    EXPECT_EQ(g.send("GET", "/api/bootstrap/status").status, 200);

    ASSERT_TRUE(redis.start());  // same port, empty (no persistence)
    gw::HttpResult up;
    for (int i = 0; i < 100 && up.status != 200; ++i) {
        up = g.send("GET", "/health");
        if (up.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(g.send("POST", "/api/auth/sign-in", creds).status, 200);
    EXPECT_EQ(g.send("GET", "/api/admin/users", "", session).status, 401);  // the restart lost the old session
    EXPECT_EQ(g.daemon->terminate(), 0) << read(g.paths.log_file);
}

TEST(TeamStalledDatabase, HealthAnswersDegradedAtOnceAndPreflightsStillAnswer) {
    REQUIRE_TEAM_SERVERS();
    ScratchDatabase db;
    // The gateway reaches PostgreSQL through a relay the test can stall.
    std::string url = db.url;
    auto at = url.find("@127.0.0.1:");
    ASSERT_NE(at, std::string::npos) << gw::redact_url(url);
    auto port_start = at + std::string("@127.0.0.1:").size();
    auto port_end = url.find('/', port_start);
    StallingRelay relay(std::stoi(url.substr(port_start, port_end - port_start)));
    url = url.substr(0, port_start) + std::to_string(relay.port) + url.substr(port_end);
    Gateway g(url, TeamServers::get().valkey_url);
    ASSERT_TRUE(g.daemon->wait_healthy(g.url())) << read(g.paths.log_file);

    relay.stall();
    gw::BeastHttpClient quick(std::chrono::seconds(2));
    gw::HttpResult health;
    for (int i = 0; i < 50 && health.status != 503; ++i) {
        health = quick.send("GET", g.url(), "/health", "", {});
        ASSERT_TRUE(health.answered()) << "/health did not answer within 2 s: " << health.error;
        if (health.status != 503) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(health.status, 503) << health.body;
    auto j = json::parse(health.body);
    EXPECT_EQ(j["status"], "degraded");
    EXPECT_EQ(j["backends"]["postgresql"]["status"], "error");
    EXPECT_GE(j["ageMs"].get<double>(), 1000.0);
    // Requests that need the database wait in the pool; the I/O threads keep answering.
    std::thread waiting([&] { gw::BeastHttpClient(std::chrono::seconds(30)).send("GET", g.url(), "/api/bootstrap/status", "", {}); });
    for (int i = 0; i < 5; ++i) {
        auto preflight = quick.send("OPTIONS", g.url(), "/api/auth/sign-in", "", {{"Origin", "http://localhost:3000"}});
        EXPECT_EQ(preflight.status, 204) << preflight.error;
        EXPECT_EQ(quick.send("GET", g.url(), "/health", "", {}).status, 503);
    }

    relay.resume();
    gw::HttpResult up;
    for (int i = 0; i < 100 && up.status != 200; ++i) {
        up = quick.send("GET", g.url(), "/health", "", {});
        if (up.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(up.status, 200) << up.body;
    waiting.join();
    EXPECT_EQ(g.daemon->terminate(), 0) << read(g.paths.log_file);
}
