// The env-file lines that give each runtime the gateway's URLs and the agent's token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mosaic/error.hpp>

#include "model_access.hpp"

using namespace mosaic::fleet;
using Env = std::map<std::string, std::string>;

namespace {
const GatewayGrant grant{"http://127.0.0.1:9/anthropic", "http://127.0.0.1:9/openai/v1", 7, "mga_abc"};
}

TEST(ModelAccess, EachRuntimeGetsTheVariablesItReads) {
    EXPECT_EQ(model_env_values("claude", grant), (Env{{"ANTHROPIC_AUTH_TOKEN", "mga_abc"},
                                                      {"ANTHROPIC_BASE_URL", "http://127.0.0.1:9/anthropic"},
                                                      {"MOSAIC_GATEWAY_TOKEN_ID", "7"}}));
    for (const char* rt : {"codex", "opencode"})
        EXPECT_EQ(model_env_values(rt, grant), (Env{{"MOSAIC_GATEWAY_TOKEN_ID", "7"},
                                                    {"OPENAI_API_KEY", "mga_abc"},
                                                    {"OPENAI_BASE_URL", "http://127.0.0.1:9/openai/v1"}}));
    Env pi = model_env_values("pi", grant, "/h/fleet/agents/p.pi");
    EXPECT_EQ(pi.at("ANTHROPIC_API_KEY"), "mga_abc");
    EXPECT_EQ(pi.at("OPENAI_API_KEY"), "mga_abc");
    EXPECT_EQ(pi.at("PI_CODING_AGENT_DIR"), "/h/fleet/agents/p.pi");
    EXPECT_EQ(pi_agent_dir("/h", "p"), std::filesystem::path("/h/fleet/agents/p.pi"));
    EXPECT_FALSE(model_env_values("my-runtime", grant).count("PI_CODING_AGENT_DIR"));
    for (const auto& [key, value] : model_env_values("my-runtime", grant))
        EXPECT_NE(std::find(model_env_keys().begin(), model_env_keys().end(), key), model_env_keys().end()) << key;
}

TEST(ModelAccess, AHeldTokenIsFoundWithItsIdAndOnlyModelLinesArePassedOn) {
    auto file = mosaic::support::EnvFile::parse(
        "MOSAIC_AGENT_NAME=a\nMOSAIC_GATEWAY_TOKEN_ID=7\nANTHROPIC_BASE_URL=http://g/anthropic\nANTHROPIC_AUTH_TOKEN=mga_abc\n", "a.env");
    auto held = held_token(file);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->id, 7);
    EXPECT_EQ(held->token, "mga_abc");
    EXPECT_EQ(model_env_of(file), (Env{{"ANTHROPIC_AUTH_TOKEN", "mga_abc"}, {"ANTHROPIC_BASE_URL", "http://g/anthropic"}}));
    // A user's own provider key is no held token; a bad id is none either.
    EXPECT_FALSE(held_token(mosaic::support::EnvFile::parse("MOSAIC_GATEWAY_TOKEN_ID=7\nANTHROPIC_API_KEY=sk-ant-x\n", "b.env")));
    EXPECT_FALSE(held_token(mosaic::support::EnvFile::parse("MOSAIC_GATEWAY_TOKEN_ID=x\nOPENAI_API_KEY=mga_1\n", "c.env")));
}

TEST(ModelAccess, PisModelsJsonRoutesBothBuiltInProvidersAndKeepsWhatElseIsThere) {
    auto fresh = nlohmann::json::parse(pi_models_json(std::nullopt, "/h/models.json", grant));
    EXPECT_EQ(fresh, (nlohmann::json{{"providers",
                                      {{"anthropic", {{"baseUrl", "http://127.0.0.1:9/anthropic"}}},
                                       {"openai", {{"baseUrl", "http://127.0.0.1:9/openai/v1"}}}}}}));
    // A user's own provider and a model list of the built-in one stay; an old URL is replaced.
    std::string mine = R"({"providers": {"ollama": {"baseUrl": "http://localhost:11434/v1", "api": "openai-completions"},
                                         "anthropic": {"baseUrl": "http://old", "models": [{"id": "x"}]}}})";
    auto merged = nlohmann::json::parse(pi_models_json(mine, "/h/models.json", grant));
    EXPECT_EQ(merged["providers"]["ollama"]["baseUrl"], "http://localhost:11434/v1");
    EXPECT_EQ(merged["providers"]["anthropic"]["models"][0]["id"], "x");
    EXPECT_EQ(merged["providers"]["anthropic"]["baseUrl"], "http://127.0.0.1:9/anthropic");
}

TEST(ModelAccess, AModelsJsonThatCannotBeUsedIsNamedAndNotReplaced) {
    for (const char* text : {"{\"providers\": ", "[1]", R"({"providers": []})", R"({"providers": {"openai": "x"}})"}) {
        try {
            pi_models_json(std::string(text), "/h/fleet/agents/p.pi/models.json", grant);
            ADD_FAILURE() << "accepted " << text;
        } catch (const mosaic::Error& e) {
            EXPECT_EQ(e.code(), mosaic::exit_usage) << text;
            EXPECT_THAT(e.what(), ::testing::HasSubstr("/h/fleet/agents/p.pi/models.json")) << text;
        }
    }
}
