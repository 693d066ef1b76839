#include <gtest/gtest.h>

#include "error_code.hpp"

#include <mosaic/error.hpp>

#include "settings.hpp"

namespace gw = mosaic::gateway;

namespace {
std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const mosaic::Error& e) {
        return e.what();
    }
    return "";
}
gw::EnvLookup env_of(std::map<std::string, std::string> m) {
    return [m](const std::string& k) -> std::optional<std::string> {
        auto it = m.find(k);
        if (it == m.end()) return std::nullopt;
        return it->second;
    };
}
}  // namespace

TEST(GatewaySettings, PortAcceptsOneTo65535AndNamesTheSource) {
    EXPECT_EQ(gw::parse_port("1", "--port"), 1);
    EXPECT_EQ(gw::parse_port("65535", "--port"), 65535);
    for (const char* bad : {"0", "65536", "-1", "abc", "80x", ""}) EXPECT_EQ(mosaic::testing::error_code_of([&] { gw::parse_port(bad, "--port"); }), 2) << bad;
    EXPECT_NE(message_of([] { gw::parse_port("70000", "MOSAIC_GATEWAY_PORT"); }).find("MOSAIC_GATEWAY_PORT"), std::string::npos);
    EXPECT_NE(message_of([] { gw::parse_port("70000", "MOSAIC_GATEWAY_PORT"); }).find("'70000'"), std::string::npos);
}

TEST(GatewaySettings, TierIsLocalOrTeamOnly) {
    EXPECT_EQ(gw::parse_tier("local", "x"), "local");
    EXPECT_EQ(gw::parse_tier("team", "x"), "team");
    EXPECT_EQ(mosaic::testing::error_code_of([] { gw::parse_tier("cloud", "--tier"); }), 2);
}

TEST(GatewaySettings, OriginIsSchemeHostAndOptionalPortWithoutPath) {
    for (const char* ok : {"http://localhost:3000", "https://app.example.com", "http://127.0.0.1:8080", "http://[::1]:3000"})
        EXPECT_EQ(gw::parse_origin(ok, "x"), ok);
    for (const char* bad : {"localhost:3000", "http://localhost:3000/", "http://a.b/path", "ftp://x.y", "*", "http://x:99999", ""})
        EXPECT_EQ(mosaic::testing::error_code_of([&] { gw::parse_origin(bad, "--cors-origin"); }), 2) << bad;
}

TEST(GatewaySettings, EmailAndPasswordRules) {
    EXPECT_EQ(gw::parse_email("a@b.c", "x"), "a@b.c");
    for (const char* bad : {"a", "a@b", "@b.c", "a@@b.c", "a b@c.d"}) EXPECT_EQ(mosaic::testing::error_code_of([&] { gw::parse_email(bad, "x"); }), 2) << bad;
    EXPECT_EQ(mosaic::testing::error_code_of([] { gw::check_password("1234567", "MOSAIC_ADMIN_PASSWORD"); }), 2);
    EXPECT_EQ(mosaic::testing::error_code_of([] { gw::check_password("12345678", "MOSAIC_ADMIN_PASSWORD"); }), 0);
}

TEST(GatewaySettings, ShortPasswordErrorNeverQuotesThePassword) {
    auto m = message_of([] { gw::check_password("hunter2", "MOSAIC_ADMIN_PASSWORD"); });
    EXPECT_EQ(m.find("hunter2"), std::string::npos);
    EXPECT_NE(m.find("MOSAIC_ADMIN_PASSWORD"), std::string::npos);
}

TEST(GatewaySettings, FlagsWinOverEnvironment) {
    gw::ConfigureInputs in;
    in.port = gw::Sourced{"15001", "--port"};
    auto all = gw::with_environment(in, env_of({{"MOSAIC_GATEWAY_PORT", "15002"}, {"MOSAIC_CORS_ORIGIN", "http://x.io"}}));
    auto s = gw::resolve_settings(all, {});
    EXPECT_EQ(s.port, 15001);
    EXPECT_EQ(s.cors_origin, "http://x.io");
    EXPECT_EQ(s.tier, "local");
}

TEST(GatewaySettings, TeamTierNamesEveryMissingUrl) {
    gw::ConfigureInputs in;
    in.tier = gw::Sourced{"team", "--tier"};
    auto m = message_of([&] { gw::resolve_settings(in, {}); });
    EXPECT_NE(m.find("MOSAIC_DATABASE_URL"), std::string::npos);
    EXPECT_NE(m.find("MOSAIC_VALKEY_URL"), std::string::npos);
    in.database_url = gw::Sourced{"postgresql://u:p@db/mosaic", "--database-url"};
    m = message_of([&] { gw::resolve_settings(in, {}); });
    EXPECT_EQ(m.find("MOSAIC_DATABASE_URL"), std::string::npos);
    EXPECT_NE(m.find("MOSAIC_VALKEY_URL"), std::string::npos);
    in.valkey_url = gw::Sourced{"redis://cache:6379", "--valkey-url"};
    EXPECT_EQ(gw::resolve_settings(in, {}).tier, "team");
}

TEST(GatewaySettings, BadDatabaseUrlErrorDoesNotEchoTheUrl) {
    auto m = message_of([] { gw::parse_database_url("mysql://root:topsecret@db", "--database-url"); });
    EXPECT_EQ(m.find("topsecret"), std::string::npos);
    EXPECT_NE(m.find("--database-url"), std::string::npos);
}

TEST(GatewaySettings, EnvFileValuesRoundTripAndBadValuesNameFileAndKey) {
    gw::GatewaySettings s;
    s.port = 15555;
    s.cors_origin = "https://ui.example.com";
    auto back = gw::settings_from_env_values(gw::env_values_for(s), "/h/.env");
    EXPECT_EQ(back, s);
    auto values = gw::env_values_for(s);
    values["MOSAIC_GATEWAY_PORT"] = "nope";
    auto m = message_of([&] { gw::settings_from_env_values(values, "/h/.env"); });
    EXPECT_NE(m.find("MOSAIC_GATEWAY_PORT in '/h/.env'"), std::string::npos);
}
