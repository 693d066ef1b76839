#include <gtest/gtest.h>

#include "redact.hpp"

using namespace mosaic::config_hooks;

TEST(Redact, SecretKeysMatchAnyCase) {
    for (const char* k : {"api_key", "ANTHROPIC_API_KEY", "apiKey", "password", "MOSAIC_ADMIN_PASSWORD", "secret",
                          "BETTER_AUTH_SECRET", "token", "adminToken", "auth", "Authorization"})
        EXPECT_TRUE(is_secret_key(k)) << k;
    for (const char* k : {"name", "port", "MOSAIC_GATEWAY_PORT", "tier", "cors_origin", "intent"})
        EXPECT_FALSE(is_secret_key(k)) << k;
}

TEST(Redact, HidesPasswordsInUrls) {
    EXPECT_EQ(redact_url_password("postgresql://mosaic:s3cret@db:5432/mosaic"), "postgresql://mosaic:***@db:5432/mosaic");
    EXPECT_EQ(redact_url_password("redis://:pw@localhost:6379"), "redis://:***@localhost:6379");
    EXPECT_EQ(redact_url_password("http://localhost:3000"), "http://localhost:3000");
    EXPECT_EQ(redact_url_password("http://user@host/x@y"), "http://user@host/x@y");
}

TEST(Redact, HidesValuesUnderSecretKeysAtAnyDepth) {
    ojson in = ojson::parse(R"({"agent": {"name": "Mosaic"}, "provider": {"api_key": "sk-ant-123", "kind": "anthropic"},
        "auth": {"user": "a", "n": 3}, "token": "", "password": null, "db": "postgresql://u:pw@h/d"})");
    ojson out = redact_json(in);
    EXPECT_EQ(out["agent"]["name"], "Mosaic");
    EXPECT_EQ(out["provider"]["api_key"], "***");
    EXPECT_EQ(out["provider"]["kind"], "anthropic");
    EXPECT_EQ(out["auth"], ojson::parse(R"({"user": "***", "n": "***"})"));
    EXPECT_EQ(out["token"], "");
    EXPECT_TRUE(out["password"].is_null());
    EXPECT_EQ(out["db"], "postgresql://u:***@h/d");
    EXPECT_EQ(out.dump().find("sk-ant"), std::string::npos);
}

TEST(Redact, EverythingModeHidesAllScalars) {
    ojson out = redact_json(ojson::parse(R"({"anthropic": {"api_key": "sk-ant-1"}, "openai": {"org": "o-1"}})"), true);
    EXPECT_EQ(out, ojson::parse(R"({"anthropic": {"api_key": "***"}, "openai": {"org": "***"}})"));
}
