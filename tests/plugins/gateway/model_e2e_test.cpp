// Model traffic as a user drives it: `gateway install` with the provider settings from the
// environment, `gateway status` naming the providers, `gateway tokens` and `gateway usage`
// through the built `mosaic`, and `config set` changing a key without losing the admin token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "e2e_world.hpp"
#include "fake_provider.hpp"
#include "fake_provider_process.hpp"
#include "http.hpp"

using namespace gateway_test;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

namespace {

class GatewayModelE2E : public GatewayE2EWorld {
protected:
    FakeProviderProcess fake;
    gw::BeastHttpClient http{std::chrono::seconds(10)};

    GatewayModelE2E() {
        env.env["MOSAIC_ANTHROPIC_API_KEY"] = fake.anthropic_key;
        env.env["MOSAIC_ANTHROPIC_BASE_URL"] = fake.url();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
    gw::HttpResult message(const std::string& token) {
        json body{{"model", "claude-test"}, {"max_tokens", 16}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
        return http.send("POST", url(), "/anthropic/v1/messages", body.dump(),
                         {{"x-api-key", token}, {"anthropic-version", "2023-06-01"}});
    }
    // `gateway usage --json` once the batched usage write has reached storage.
    json usage_with_requests(long long requests) {
        json j;
        for (int i = 0; i < 100; ++i) {
            auto r = env.mosaic({"gateway", "usage", "--agent", "coder", "--json"});
            EXPECT_EQ(r.exit_code, 0) << r.err;
            j = json::parse(r.out);
            if (j["totals"]["requests"] == requests) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return j;
    }
};

}  // namespace

TEST_F(GatewayModelE2E, AnAgentTokenFromTheCliCallsTheProviderAndItsUsageShowsUntilItIsRevoked) {
    auto install = env.mosaic({"gateway", "install"});
    ASSERT_EQ(install.exit_code, 0) << install.out << install.err;

    auto status = env.mosaic({"gateway", "status"});
    EXPECT_THAT(status.out, HasSubstr("models:  anthropic (key set) at " + url() + "/anthropic -> " + fake.url()));
    EXPECT_THAT(status.out, HasSubstr("models:  openai (no key: 'mosaic gateway config set openai-api-key')"));
    auto status_json = json::parse(env.mosaic({"gateway", "status", "--json"}).out);
    EXPECT_EQ(status_json["providers"]["anthropic"]["key_set"], true);
    EXPECT_EQ(status_json["providers"]["openai"]["route"], url() + "/openai/v1");

    auto created = env.mosaic({"gateway", "tokens", "create", "coder", "--rpm", "100", "--json"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    json t = json::parse(created.out);
    std::string token = t["token"];
    EXPECT_EQ(token.rfind("mga_", 0), 0u) << token;
    EXPECT_EQ(t["requestsPerMinute"], 100);

    auto r = message(token);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, fake_provider::anthropic_message("claude-test").dump());
    EXPECT_EQ(fake.recorded().back()["headers"]["x-api-key"], fake.anthropic_key);

    json usage = usage_with_requests(1);
    EXPECT_EQ(usage["totals"]["requests"], 1) << usage;
    EXPECT_EQ(usage["totals"]["inputTokens"], fake_provider::anthropic_input);
    auto table = env.mosaic({"gateway", "usage"});
    EXPECT_THAT(table.out, HasSubstr("coder"));
    EXPECT_THAT(table.out, HasSubstr("claude-test"));

    auto list = env.mosaic({"gateway", "tokens", "list"});
    EXPECT_THAT(list.out, HasSubstr("coder"));
    EXPECT_THAT(list.out, HasSubstr("active"));
    EXPECT_THAT(list.out, Not(HasSubstr(token)));

    std::string id = std::to_string(t["id"].get<long long>());
    auto limits = env.mosaic({"gateway", "tokens", "set-limits", id, "--rpm", "0", "--tokens-per-day", "5000"});
    EXPECT_EQ(limits.exit_code, 0) << limits.err;
    EXPECT_THAT(limits.out, HasSubstr("- requests per minute, 5000 tokens per day"));

    auto revoked = env.mosaic({"gateway", "tokens", "revoke", "--agent", "coder"});
    EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
    EXPECT_THAT(revoked.out, HasSubstr("revoked 1 token of 'coder'"));
    EXPECT_EQ(message(token).status, 401);
    EXPECT_EQ(env.mosaic({"gateway", "tokens", "revoke", id}).exit_code, 3);  // already revoked: 404

    for (const auto& out : {status.out, install.out, install.err, list.out, table.out,
                            env.mosaic({"gateway", "config", "show"}).out})
        EXPECT_EQ(out.find(fake.anthropic_key), std::string::npos) << out;
}

TEST_F(GatewayModelE2E, ConfigSetChangesAProviderKeyAndUrlKeepingTheAdminToken) {
    ASSERT_EQ(env.mosaic({"gateway", "install"}).exit_code, 0);
    auto bad = env.mosaic({"gateway", "config", "set", "openai-base-url", "ftp://models.example"});
    EXPECT_EQ(bad.exit_code, 2) << bad.out;
    EXPECT_THAT(bad.err, HasSubstr("openai-base-url"));
    auto argv_secret = env.mosaic({"gateway", "config", "set", "openai-api-key", "sk-from-argv"});
    EXPECT_EQ(argv_secret.exit_code, 2);

    env.env["MOSAIC_OPENAI_API_KEY"] = fake.openai_key;
    auto set = env.mosaic({"gateway", "config", "set", "openai-api-key"});
    ASSERT_EQ(set.exit_code, 0) << set.err;
    EXPECT_THAT(set.out, HasSubstr("restarted the gateway"));
    ASSERT_EQ(env.mosaic({"gateway", "config", "set", "openai-base-url", fake.url()}).exit_code, 0);
    auto status = json::parse(env.mosaic({"gateway", "status", "--json"}).out);
    EXPECT_EQ(status["providers"]["openai"]["key_set"], true);
    EXPECT_EQ(status["providers"]["openai"]["base_url"], fake.url());

    // The admin token on file still works: a token is minted with it, and OpenAI answers.
    auto created = env.mosaic({"gateway", "tokens", "create", "reviewer", "--json"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    std::string token = json::parse(created.out)["token"];
    json chat{{"model", "gpt-test"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
    auto r = http.send("POST", url(), "/openai/v1/chat/completions", chat.dump(), {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(fake.recorded().back()["headers"]["authorization"], "Bearer " + fake.openai_key);
    env.mosaic({"gateway", "stop"});
}

TEST_F(GatewayModelE2E, TokenCommandsWithoutAnAdminTokenSayHowToGetOne) {
    ASSERT_EQ(env.mosaic({"gateway", "install"}).exit_code, 0);
    auto meta = json::parse(read(paths.meta_file));
    meta.erase("admin_token");
    mosaic::support::write_file_atomic(paths.meta_file, meta.dump(), {.mode = 0600, .force_mode = true});
    auto r = env.mosaic({"gateway", "tokens", "list"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.err, HasSubstr("mosaic gateway login"));
    auto none = env.mosaic({"gateway", "tokens", "revoke"});
    EXPECT_EQ(none.exit_code, 2);
    env.mosaic({"gateway", "stop"});
}
