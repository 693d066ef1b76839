#include <gtest/gtest.h>

#include "validate.hpp"

using namespace mosaic::wizard;

TEST(WizardValidate, PasswordNeedsEightCharacters) {
    EXPECT_TRUE(check_password("1234567").has_value());
    EXPECT_FALSE(check_password("12345678").has_value());
    EXPECT_EQ(check_password("").value(), "must be at least 8 characters");
}

TEST(WizardValidate, EmailNeedsOneAtWithTextOnBothSides) {
    EXPECT_FALSE(check_email("admin@example.com").has_value());
    for (const char* bad : {"", "admin", "@example.com", "admin@", "a@b@c", "ad min@example.com"})
        EXPECT_TRUE(check_email(bad).has_value()) << bad;
}

TEST(WizardValidate, OriginIsSchemeHostAndOptionalPortOnly) {
    for (const char* good : {"http://localhost:3000", "https://mosaic.example.com", "http://[::1]:8080"})
        EXPECT_FALSE(check_origin(good).has_value()) << good;
    for (const char* bad : {"localhost:3000", "ftp://x", "http://", "http://host/path", "http://host:0",
                            "http://host:99999", "http://host:abc", "https://user@host"})
        EXPECT_TRUE(check_origin(bad).has_value()) << bad;
}

TEST(WizardValidate, PortIsOneTo65535DigitsOnly) {
    EXPECT_EQ(std::get<int>(parse_port("14242")), 14242);
    EXPECT_EQ(std::get<int>(parse_port("1")), 1);
    EXPECT_EQ(std::get<int>(parse_port("65535")), 65535);
    for (const char* bad : {"", "0", "65536", "-1", "12a", "999999", " 80"})
        EXPECT_TRUE(std::holds_alternative<std::string>(parse_port(bad))) << bad;
}

TEST(WizardValidate, TeamUrlsNeedTheirSchemes) {
    EXPECT_FALSE(check_database_url("postgresql://u@db:5432/mosaic").has_value());
    EXPECT_FALSE(check_database_url("postgres://db/mosaic").has_value());
    EXPECT_TRUE(check_database_url("mysql://db").has_value());
    EXPECT_FALSE(check_valkey_url("redis://cache:6379").has_value());
    EXPECT_FALSE(check_valkey_url("valkey://cache").has_value());
    EXPECT_TRUE(check_valkey_url("http://cache").has_value());
}

TEST(WizardValidate, SwitchAcceptsCommonSpellingsAndRejectsOthers) {
    EXPECT_TRUE(std::get<bool>(parse_switch("1")));
    EXPECT_TRUE(std::get<bool>(parse_switch("TRUE")));
    EXPECT_FALSE(std::get<bool>(parse_switch("0")));
    EXPECT_FALSE(std::get<bool>(parse_switch("no")));
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_switch("maybe")));
}

TEST(WizardValidate, AgentNameIsNonEmptyShortAndPrintable) {
    EXPECT_FALSE(check_agent_name("Mosaic Ops").has_value());
    EXPECT_TRUE(check_agent_name("").has_value());
    EXPECT_TRUE(check_agent_name(std::string(65, 'a')).has_value());
    EXPECT_TRUE(check_agent_name("bad\nname").has_value());
}
