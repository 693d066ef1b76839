// Provider detection, identities, sections and the answers assembled from defaults, an
// earlier install and the environment: pure functions, no host.
#include <gtest/gtest.h>

#include <map>

#include "answers.hpp"
#include "identity.hpp"
#include "provider.hpp"
#include "section.hpp"
#include "summary.hpp"

using namespace mosaic::wizard;
using nlohmann::json;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

int usage_error_code(const std::function<void()>& f, std::string& message) {
    try {
        f();
    } catch (const mosaic::Error& e) {
        message = e.what();
        return e.code();
    }
    return 0;
}

}  // namespace

TEST(WizardProvider, SkAntIsAnthropicOtherSkIsOpenAi) {
    EXPECT_EQ(detect_provider("sk-ant-api03-abc"), Provider::anthropic);
    EXPECT_EQ(detect_provider("sk-proj-abc"), Provider::openai);
    EXPECT_EQ(detect_provider("sk-abc"), Provider::openai);
    EXPECT_FALSE(detect_provider("sk-").has_value());
    EXPECT_FALSE(detect_provider("ant-abc").has_value());
    EXPECT_FALSE(detect_provider("").has_value());
}

TEST(WizardProvider, StoringAKeyKeepsOtherProvidersAndUnknownKeys) {
    json creds = {{"openai", {{"api_key", "sk-old"}}}, {"other", 1}};
    json out = with_api_key(creds, Provider::anthropic, "sk-ant-new");
    EXPECT_EQ(out["anthropic"]["api_key"], "sk-ant-new");
    EXPECT_EQ(out["openai"]["api_key"], "sk-old");
    EXPECT_EQ(out["other"], 1);
}

TEST(WizardProvider, StoredKeyPrefersTheConfiguredProvider) {
    json creds = {{"openai", {{"api_key", "sk-o"}}}, {"anthropic", {{"api_key", "sk-ant-a"}}}};
    EXPECT_EQ(stored_key(creds, Provider::openai)->second, "sk-o");
    EXPECT_EQ(stored_key(creds, std::nullopt)->first, Provider::anthropic);
    EXPECT_FALSE(stored_key(json::object(), std::nullopt).has_value());
}

TEST(WizardIdentity, OffersTheSixIntentsInOrder) {
    std::vector<std::string> ids;
    for (const auto& i : intents()) ids.push_back(i.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"general", "software-dev", "devops", "research", "content", "custom"}));
}

TEST(WizardIdentity, ProposesTheIntentsNameUnlessTheUserChoseTheirOwn) {
    EXPECT_EQ(proposed_name("devops", "Mosaic"), "Mosaic Ops");
    EXPECT_EQ(proposed_name("research", ""), "Mosaic Research");
    EXPECT_EQ(proposed_name("devops", "Mosaic Dev"), "Mosaic Ops");
    EXPECT_EQ(proposed_name("devops", "Jarvis"), "Jarvis");
}

TEST(WizardSection, QuickStartCoversEveryStageAndOnlyItIsDoneByAllOfThem) {
    EXPECT_EQ(stages_for(Section::quick_start), all_stages());
    auto done = sections_done_by({Stage::config, Stage::provider});
    EXPECT_TRUE(done.count(Section::providers));
    EXPECT_TRUE(done.count(Section::identity));
    EXPECT_FALSE(done.count(Section::hooks));
    EXPECT_FALSE(done.count(Section::quick_start));
    EXPECT_TRUE(sections_done_by(all_stages()).count(Section::quick_start));
}

TEST(WizardSection, ParsesEveryIdItPrints) {
    for (Section s : all_sections()) EXPECT_EQ(parse_section(section_id(s)), s);
    EXPECT_FALSE(parse_section("finish").has_value());
}

TEST(WizardAnswers, DefaultsAreTheWizardsOwnAndTheGatewaysAsItSaysThem) {
    Existing ex;
    ex.gateway_plugin = true;
    ex.gateway_defaults = parse_gateway_defaults({{"port", 14999}, {"tier", "local"}, {"cors_origin", "http://ui:1"}});
    Answers a = initial_answers(ex, env_of({}));
    EXPECT_EQ(a.agent_name, "Mosaic");
    EXPECT_EQ(a.intent, "general");
    EXPECT_TRUE(a.hooks);
    EXPECT_EQ(effective_port(a, ex), 14999);
    EXPECT_EQ(effective_tier(a, ex), "local");
    EXPECT_EQ(effective_cors_origin(a, ex), "http://ui:1");
    // Nothing chosen: nothing sent, so the gateway applies the very defaults it reported.
    json in = configure_input(a, ex);
    EXPECT_FALSE(in.contains("port"));
    EXPECT_FALSE(in.contains("tier"));
    EXPECT_FALSE(in.contains("cors_origin"));
}

TEST(WizardAnswers, AGatewayDefaultsReplyWithoutAFieldIsAnError) {
    std::string msg;
    EXPECT_EQ(usage_error_code([&] { parse_gateway_defaults({{"port", 1}, {"tier", "local"}}); }, msg), 1);
    EXPECT_NE(msg.find("'cors_origin'"), std::string::npos) << msg;
}

TEST(WizardAnswers, EnvironmentWinsOverAnEarlierInstall) {
    Existing ex;
    ex.agent_name = "Old";
    ex.intent = "research";
    Answers a = initial_answers(ex, env_of({{"MOSAIC_AGENT_NAME", "New"}, {"MOSAIC_AGENT_INTENT", "devops"}}));
    EXPECT_EQ(a.agent_name, "New");
    EXPECT_EQ(a.intent, "devops");
    Answers b = initial_answers(ex, env_of({}));
    EXPECT_EQ(b.agent_name, "Old");
    EXPECT_EQ(b.intent, "research");
}

TEST(WizardAnswers, EmptyVariablesCountAsUnset) {
    Existing ex;
    Answers a = initial_answers(ex, env_of({{"MOSAIC_GATEWAY_PORT", ""}, {"MOSAIC_AGENT_NAME", ""}}));
    EXPECT_FALSE(a.gateway.port.has_value());
    EXPECT_EQ(a.agent_name, "Mosaic");
}

TEST(WizardAnswers, BadVariableIsAUsageErrorNamingIt) {
    Existing ex;
    std::string msg;
    EXPECT_EQ(usage_error_code([&] { initial_answers(ex, env_of({{"MOSAIC_GATEWAY_PORT", "70000"}})); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_GATEWAY_PORT"), std::string::npos);
    EXPECT_EQ(usage_error_code([&] { initial_answers(ex, env_of({{"MOSAIC_STORAGE_TIER", "cloud"}})); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_STORAGE_TIER"), std::string::npos);
    EXPECT_EQ(usage_error_code([&] { initial_answers(ex, env_of({{"MOSAIC_CORS_ORIGIN", "localhost"}})); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_CORS_ORIGIN"), std::string::npos);
    EXPECT_EQ(usage_error_code([&] { initial_answers(ex, env_of({{"MOSAIC_SKIP_CLAUDE_HOOKS", "perhaps"}})); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_SKIP_CLAUDE_HOOKS"), std::string::npos);
}

TEST(WizardAnswers, ShortPasswordErrorNamesTheVariableButNeverTheValue) {
    Existing ex;
    std::string msg;
    EXPECT_EQ(usage_error_code([&] { initial_answers(ex, env_of({{"MOSAIC_ADMIN_PASSWORD", "hunter2"}})); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_ADMIN_PASSWORD"), std::string::npos);
    EXPECT_EQ(msg.find("hunter2"), std::string::npos);
}

TEST(WizardAnswers, HeadlessNeedsAdminOnlyWhenNoAdminExists) {
    Existing ex;
    ex.gateway_plugin = true;
    Answers a = initial_answers(ex, env_of({}));
    std::string msg;
    EXPECT_EQ(usage_error_code([&] { require_headless_values(a, ex, all_stages()); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_ADMIN_EMAIL"), std::string::npos);
    a.admin_email = "a@b.c";
    EXPECT_EQ(usage_error_code([&] { require_headless_values(a, ex, all_stages()); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_ADMIN_PASSWORD"), std::string::npos);
    EXPECT_EQ(usage_error_code([&] { require_headless_values(a, ex, {Stage::config}); }, msg), 0);
    ex.gateway.installed = true;
    ex.gateway.admin_exists = true;
    Answers b = initial_answers(ex, env_of({}));
    EXPECT_EQ(usage_error_code([&] { require_headless_values(b, ex, all_stages()); }, msg), 0);
}

TEST(WizardAnswers, TeamTierNeedsBothUrls) {
    Existing ex;
    ex.gateway_plugin = true;
    ex.gateway.admin_exists = true;
    Answers a = initial_answers(ex, env_of({{"MOSAIC_STORAGE_TIER", "team"}}));
    std::string msg;
    EXPECT_EQ(usage_error_code([&] { require_headless_values(a, ex, all_stages()); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_DATABASE_URL"), std::string::npos);
    a.gateway.database_url = "postgresql://db/m";
    EXPECT_EQ(usage_error_code([&] { require_headless_values(a, ex, all_stages()); }, msg), 2);
    EXPECT_NE(msg.find("MOSAIC_VALKEY_URL"), std::string::npos);
}

TEST(WizardAnswers, InstalledGatewayKeepsWhatWasNotChosen) {
    Existing ex;
    ex.gateway.installed = true;
    ex.gateway.port = 15001;
    ex.gateway.tier = "local";
    Answers a = initial_answers(ex, env_of({}));
    json in = configure_input(a, ex);
    EXPECT_FALSE(in.contains("port"));
    EXPECT_FALSE(in.contains("cors_origin"));
    EXPECT_EQ(effective_port(a, ex), 15001);
    Answers b = initial_answers(ex, env_of({{"MOSAIC_GATEWAY_PORT", "15002"}}));
    EXPECT_EQ(configure_input(b, ex)["port"], 15002);
}

TEST(WizardAnswers, EnvironmentKeyEqualToTheStoredOneIsNotWrittenAgain) {
    Existing ex;
    ex.key = std::make_pair(Provider::anthropic, std::string("sk-ant-same"));
    Answers a = initial_answers(ex, env_of({{"MOSAIC_ANTHROPIC_API_KEY", "sk-ant-same"}}));
    EXPECT_FALSE(a.new_key.has_value());
    EXPECT_EQ(a.provider, Provider::anthropic);
    EXPECT_EQ(configure_input(a, ex)["anthropic_api_key"], "sk-ant-same");
    Answers b = initial_answers(ex, env_of({{"MOSAIC_ANTHROPIC_API_KEY", "sk-ant-other"}}));
    EXPECT_EQ(b.new_key, "sk-ant-other");
}

TEST(WizardAnswers, ANewKeyReachesAnInstalledGatewayThroughSetNotConfigure) {
    Existing ex;
    ex.gateway.installed = true;
    ex.key = std::make_pair(Provider::anthropic, std::string("sk-ant-old"));
    Answers a = initial_answers(ex, env_of({{"MOSAIC_ANTHROPIC_API_KEY", "sk-ant-new"}}));
    EXPECT_FALSE(configure_input(a, ex).contains("anthropic_api_key"));
    EXPECT_EQ(set_input(a, ex), json({{"anthropic_api_key", "sk-ant-new"}}));
    Answers same = initial_answers(ex, env_of({{"MOSAIC_ANTHROPIC_API_KEY", "sk-ant-old"}}));
    EXPECT_EQ(set_input(same, ex), std::nullopt);
    ex.gateway.installed = false;  // a first install takes the key with its configuration
    EXPECT_EQ(configure_input(a, ex)["anthropic_api_key"], "sk-ant-new");
    EXPECT_EQ(set_input(a, ex), std::nullopt);
}

TEST(WizardAnswers, AnOpenAiKeyGoesToTheGatewaysOpenAiSetting) {
    Existing ex;
    Answers a = initial_answers(ex, env_of({{"MOSAIC_OPENAI_API_KEY", "sk-proj-new"}}));
    EXPECT_EQ(a.provider, Provider::openai);
    EXPECT_EQ(configure_input(a, ex)["openai_api_key"], "sk-proj-new");
    EXPECT_FALSE(configure_input(a, ex).contains("anthropic_api_key"));
    ex.gateway.installed = true;
    EXPECT_EQ(set_input(a, ex), json({{"openai_api_key", "sk-proj-new"}}));
}

TEST(WizardAnswers, SkippedKeyStaysSkippedUntilAKeyArrives) {
    Existing ex;
    ex.provider_skipped = true;
    EXPECT_TRUE(initial_answers(ex, env_of({})).provider_skipped);
    EXPECT_FALSE(initial_answers(ex, env_of({{"MOSAIC_OPENAI_API_KEY", "sk-x"}})).provider_skipped);
}

TEST(WizardSummary, ReadyOnlyWhenTheGatewayRanHealthy) {
    ApplyReport r;
    EXPECT_NE(closing_line(r, all_stages()), "Mosaic is ready.\n");
    r.gateway_ran = true;
    r.gateway.healthy = true;
    EXPECT_EQ(closing_line(r, all_stages()), "Mosaic is ready.\n");
    ApplyReport missing;
    missing.missing_packages.push_back(gateway_package);
    EXPECT_NE(closing_line(missing, all_stages()).find("mosaic-plugin-gateway"), std::string::npos);
}

TEST(WizardSummary, NeverShowsTheKeyOrPassword) {
    Existing ex;
    Answers a;
    a.provider = Provider::anthropic;
    a.new_key = "sk-ant-secret-key";
    a.admin_email = "a@b.c";
    a.admin_password = "secret-password";
    ApplyReport r;
    r.gateway_ran = true;
    r.gateway.healthy = true;
    r.gateway.url = "http://127.0.0.1:9";
    r.admin_created = true;
    std::string s = render_summary(a, ex, r, all_stages(), "/h", "/h/mosaic.config.json");
    EXPECT_NE(s.find("the fleet's agents call http://127.0.0.1:9/anthropic and /openai/v1"), std::string::npos) << s;
    EXPECT_EQ(s.find("sk-ant-secret-key"), std::string::npos);
    EXPECT_EQ(s.find("secret-password"), std::string::npos);
    EXPECT_NE(s.find("Anthropic"), std::string::npos);
    EXPECT_NE(s.find("a@b.c (created)"), std::string::npos);
}
