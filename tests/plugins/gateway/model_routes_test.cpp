// Model traffic through a real gateway daemon (gateway-test-daemon) to the fake provider:
// agent tokens, the provider key substituted and never shown, streams byte for byte, usage
// per agent, limits, revocation, scopes; and the team tier, where two gateways add to one
// usage total and count one limit.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "fake_provider.hpp"
#include "fake_provider_process.hpp"
#include "model_routes.hpp"
#include "raw_http_client.hpp"
#include "setup_token.hpp"
#include "team_test_support.hpp"

using namespace gateway_test;
using nlohmann::json;

namespace {

const std::string kSetup = R"({"name":"Ada","email":"ada@example.com","password":"securepass123"})";

// A gateway daemon whose providers are the fake, with an admin.
struct ModelGateway {
    ModelGateway(const FakeProviderProcess& fake, const std::string& database_url = "", const std::string& valkey_url = "",
                 bool with_openai_key = true)
        : port(free_port()), home(tmp.path() / "home"), paths(home) {
        if (database_url.empty()) write_install(home, port);
        else write_team_install(home, port, database_url, valkey_url);
        auto env = mosaic::support::EnvFile::load(paths.env_file);
        env.set("MOSAIC_ANTHROPIC_API_KEY", fake.anthropic_key);
        env.set("MOSAIC_OPENAI_API_KEY", with_openai_key ? fake.openai_key : "");
        env.set("MOSAIC_ANTHROPIC_BASE_URL", fake.url());
        env.set("MOSAIC_OPENAI_BASE_URL", fake.url());
        mosaic::support::write_file_atomic(paths.env_file, env.render(), {.mode = 0600, .force_mode = true});
        daemon = std::make_unique<DaemonProcess>(home, paths.log_file);
    }
    bool start(bool bootstrap = true) {
        if (!daemon->wait_healthy(url())) return false;
        if (!bootstrap) return true;
        json setup = json::parse(kSetup);
        setup["setupToken"] = gw::ensure_setup_token(paths.setup_token);
        auto r = http.send("POST", url(), "/api/bootstrap/setup", setup.dump(), {});
        if (r.status == 201) admin = json::parse(r.body)["token"];
        else admin = sign_in();
        return !admin.empty();
    }
    std::string sign_in() {
        auto r = http.send("POST", url(), "/api/auth/sign-in", R"({"email":"ada@example.com","password":"securepass123"})", {});
        return r.status == 200 ? json::parse(r.body)["token"].get<std::string>() : "";
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
    gw::HttpResult admin_call(const std::string& method, const std::string& path, const std::string& body = "") {
        return http.send(method, url(), path, body, {{"Authorization", "Bearer " + admin}});
    }
    json agent_token(const std::string& agent, const json& limits = json::object()) {
        json body = limits;
        body["agent"] = agent;
        auto r = admin_call("POST", "/api/admin/agent-tokens", body.dump());
        if (r.status != 201) ADD_FAILURE() << r.status << " " << r.body;
        return json::parse(r.body);
    }
    gw::HttpResult message(const std::string& token, const json& body, const std::string& header = "x-api-key") {
        std::map<std::string, std::string> h{{"anthropic-version", "2023-06-01"}};
        if (header == "x-api-key") h["x-api-key"] = token;
        else h["Authorization"] = "Bearer " + token;
        return http.send("POST", url(), "/anthropic/v1/messages", body.dump(), h);
    }
    mosaic::testing::TempDir tmp;
    int port;
    std::filesystem::path home;
    gw::GatewayPaths paths;
    std::unique_ptr<DaemonProcess> daemon;
    gw::BeastHttpClient http{std::chrono::seconds(10)};
    std::string admin;
};

const json kMessage{{"model", "claude-test"}, {"max_tokens", 16}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};

}  // namespace

TEST(ModelCredential, TellsAgentAdminAndOtherCredentialsApart) {
    gw::HttpRequest r;
    EXPECT_EQ(gw::model_credential(r).kind, gw::ModelCredential::Kind::missing);
    r.headers["x-api-key"] = "mga_abc";
    EXPECT_EQ(gw::model_credential(r).kind, gw::ModelCredential::Kind::agent);
    EXPECT_EQ(gw::model_credential(r).token, "mga_abc");
    r.headers.clear();
    r.headers["authorization"] = "Bearer mgw_admin";
    EXPECT_EQ(gw::model_credential(r).kind, gw::ModelCredential::Kind::admin);
    r.headers["authorization"] = "Bearer mgs_session";
    EXPECT_EQ(gw::model_credential(r).kind, gw::ModelCredential::Kind::admin);
    r.headers["authorization"] = "Bearer sk-ant-real-key";
    EXPECT_EQ(gw::model_credential(r).kind, gw::ModelCredential::Kind::other);
    r.headers["authorization"] = "Basic mga_x";
    EXPECT_EQ(gw::model_credential(r).kind, gw::ModelCredential::Kind::missing);
}

TEST(ModelRoutes, AnAgentTokenCallsTheProviderWhoseKeyStaysInTheGateway) {
    FakeProviderProcess fake;
    ModelGateway g(fake);
    ASSERT_TRUE(g.start()) << read(g.paths.log_file);
    json minted = g.agent_token("coder");
    std::string token = minted["token"];
    ASSERT_EQ(token.rfind("mga_", 0), 0u);

    auto r = g.message(token, kMessage, "bearer");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, fake_provider::anthropic_message("claude-test").dump());
    auto seen = fake.recorded().back();
    EXPECT_EQ(seen["headers"]["x-api-key"], fake.anthropic_key);
    EXPECT_FALSE(seen["headers"].contains("authorization"));

    // Streamed, through a raw client: the bytes are the fake's.
    RawClient c(g.port);
    json streamed = kMessage;
    streamed["stream"] = true;
    std::string b = streamed.dump();
    ASSERT_TRUE(c.send("POST /anthropic/v1/messages HTTP/1.1\r\nHost: g\r\nx-api-key: " + token +
                       "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(b.size()) + "\r\n\r\n" + b));
    auto s = c.read_response();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->status, 200);
    EXPECT_EQ(s->body, fake_provider::joined(fake_provider::anthropic_events("claude-test")));

    // OpenAI too, where the SDK sends Authorization: Bearer.
    auto o = g.http.send("POST", g.url(), "/openai/v1/chat/completions",
                         json{{"model", "gpt-test"}, {"messages", json::array()}}.dump(), {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(o.status, 200) << o.body;
    EXPECT_EQ(fake.recorded().back()["headers"]["authorization"], "Bearer " + fake.openai_key);

    // Usage per agent, day and model, from what the answers reported.
    json usage;
    for (int i = 0; i < 50; ++i) {  // recorded after the answer, on the worker pool
        usage = json::parse(g.admin_call("GET", "/api/admin/usage?agent=coder").body);
        if (usage["totals"]["requests"] == 3) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(usage["totals"]["requests"], 3) << usage.dump();
    EXPECT_EQ(usage["totals"]["inputTokens"], 2 * fake_provider::anthropic_input + fake_provider::chat_prompt);
    EXPECT_EQ(usage["totals"]["outputTokens"], 2 * fake_provider::anthropic_output + fake_provider::chat_completion_tokens);
    EXPECT_EQ(usage["totals"]["cacheReadTokens"], 2 * fake_provider::anthropic_cache_read + fake_provider::chat_cached);

    EXPECT_EQ(g.daemon->terminate(), 0);
    std::string log = read(g.paths.log_file);
    EXPECT_NE(log.find(" POST /anthropic/v1/messages 200 "), std::string::npos) << log;
    for (const auto& secret : {fake.anthropic_key, fake.openai_key, token}) EXPECT_EQ(log.find(secret), std::string::npos);
    EXPECT_EQ(r.body.find(fake.anthropic_key), std::string::npos);
}

TEST(ModelRoutes, RefusesWhatIsNotAnActiveAgentTokenInTheProvidersShape) {
    FakeProviderProcess fake;
    ModelGateway g(fake);
    ASSERT_TRUE(g.start());
    auto none = g.http.send("POST", g.url(), "/anthropic/v1/messages", kMessage.dump(), {});
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(json::parse(none.body)["error"]["type"], "authentication_error");
    auto admin = g.message(g.admin, kMessage);
    EXPECT_EQ(admin.status, 403) << admin.body;
    EXPECT_EQ(json::parse(admin.body)["type"], "error");
    auto session = g.message(g.sign_in(), kMessage, "bearer");
    EXPECT_EQ(session.status, 403);
    auto raw_key = g.message(fake.anthropic_key, kMessage);  // a provider key is no gateway credential
    EXPECT_EQ(raw_key.status, 401);
    auto unknown = g.message("mga_" + std::string(64, '0'), kMessage);
    EXPECT_EQ(unknown.status, 401);
    auto openai = g.http.send("POST", g.url(), "/openai/v1/chat/completions", "{}", {{"Authorization", "Bearer mga_nope"}});
    EXPECT_EQ(openai.status, 401);
    EXPECT_EQ(json::parse(openai.body)["error"]["code"], "invalid_api_key");

    // An agent token never works on the admin routes.
    std::string token = g.agent_token("coder")["token"];
    EXPECT_EQ(g.http.send("GET", g.url(), "/api/admin/users", "", {{"Authorization", "Bearer " + token}}).status, 401);
    // Revoked: the next call is refused.
    ASSERT_EQ(g.message(token, kMessage).status, 200);
    auto revoked = g.admin_call("DELETE", "/api/admin/agent-tokens?agent=coder");
    EXPECT_EQ(json::parse(revoked.body)["revoked"], 1) << revoked.body;
    EXPECT_EQ(g.message(token, kMessage).status, 401);
    for (const auto& j : fake.recorded())
        if (j.contains("headers")) EXPECT_EQ(j["headers"]["x-api-key"].get<std::string>(), fake.anthropic_key);
}

TEST(ModelRoutes, AProviderWithoutAKeyIs503NamingTheVariable) {
    FakeProviderProcess fake;
    ModelGateway g(fake, "", "", false);
    ASSERT_TRUE(g.start());
    std::string token = g.agent_token("coder")["token"];
    auto r = g.http.send("POST", g.url(), "/openai/v1/responses", "{}", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(r.status, 503);
    EXPECT_NE(json::parse(r.body)["error"]["message"].get<std::string>().find("MOSAIC_OPENAI_API_KEY"), std::string::npos);
    EXPECT_EQ(g.message(token, kMessage).status, 200);  // the other provider is configured
}

TEST(ModelRoutes, EnforcesRequestsPerMinuteExactlyUnderConcurrency) {
    FakeProviderProcess fake;
    ModelGateway g(fake);
    ASSERT_TRUE(g.start());
    std::string token = g.agent_token("busy", {{"requestsPerMinute", 10}})["token"];
    std::atomic<int> ok{0}, limited{0}, other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i)
        threads.emplace_back([&] {
            gw::BeastHttpClient c(std::chrono::seconds(30));
            while (!go.load()) std::this_thread::yield();
            auto r = c.send("POST", g.url(), "/anthropic/v1/messages", kMessage.dump(), {{"x-api-key", token}});
            if (r.status == 200) ++ok;
            else if (r.status == 429 && !r.headers["retry-after"].empty()) ++limited;
            else ++other;
        });
    go = true;
    for (auto& t : threads) t.join();
    // A minute may turn during the burst; then up to twice the limit pass, never more.
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(ok.load() + limited.load(), 50);
    EXPECT_TRUE(ok.load() == 10 || ok.load() == 20) << ok.load();
}

TEST(ModelRoutes, TokensPerDayStopAnAgentOnceSpentAndLimitsCanChange) {
    FakeProviderProcess fake;
    ModelGateway g(fake);
    ASSERT_TRUE(g.start());
    json minted = g.agent_token("thrifty", {{"tokensPerDay", 40}});  // one call is 25 + 12 + 3 + 4 = 44
    std::string token = minted["token"];
    ASSERT_EQ(g.message(token, kMessage).status, 200);
    gw::HttpResult r;
    for (int i = 0; i < 50 && r.status != 429; ++i) {  // the first call's usage lands after its answer
        r = g.message(token, kMessage);
        if (r.status != 429) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(json::parse(r.body)["error"]["type"], "rate_limit_error");
    EXPECT_FALSE(r.headers["retry-after"].empty());
    auto patched = g.admin_call("PATCH", "/api/admin/agent-tokens/" + std::to_string(minted["id"].get<long long>()),
                                R"({"tokensPerDay": null})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    EXPECT_TRUE(json::parse(patched.body)["tokensPerDay"].is_null());
    EXPECT_EQ(g.message(token, kMessage).status, 200);
}

TEST(ModelRoutes, ProviderErrorsAndRetryAfterPassThroughAndCount) {
    FakeProviderProcess fake;
    ModelGateway g(fake);
    ASSERT_TRUE(g.start());
    std::string token = g.agent_token("coder")["token"];
    auto r = g.message(token, {{"model", "fake-rate-limited"}});
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.headers["retry-after"], "7");
    EXPECT_EQ(json::parse(r.body)["error"]["message"], "slow down");
}

TEST(ModelRoutesTeam, TwoGatewaysAddToOneUsageTotalAndShareOneLimit) {
    REQUIRE_TEAM_SERVERS();
    FakeProviderProcess fake;
    ScratchDatabase db;
    ModelGateway a(fake, db.url, TeamServers::get().valkey_url), b(fake, db.url, TeamServers::get().valkey_url);
    ASSERT_TRUE(a.start()) << read(a.paths.log_file);
    ASSERT_TRUE(b.start()) << read(b.paths.log_file);
    std::string token = a.agent_token("shared", {{"requestsPerMinute", 4}})["token"];
    int ok = 0;
    for (int i = 0; i < 6; ++i) ok += (i % 2 ? a : b).message(token, kMessage).status == 200;
    EXPECT_TRUE(ok == 4 || ok == 6) << ok;  // 6 only when a minute turned between the calls
    json usage;
    for (int i = 0; i < 50; ++i) {
        usage = json::parse(b.admin_call("GET", "/api/admin/usage?agent=shared").body);
        if (usage["totals"]["requests"] == ok) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(usage["totals"]["requests"], ok);
    EXPECT_EQ(usage["totals"]["inputTokens"], ok * fake_provider::anthropic_input);
    EXPECT_EQ(a.daemon->terminate(), 0);
    EXPECT_EQ(b.daemon->terminate(), 0);
}
