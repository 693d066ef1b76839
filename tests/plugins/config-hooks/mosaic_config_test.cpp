#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "mosaic_config.hpp"
#include "test_util.hpp"

using namespace mosaic::config_hooks;
using config_hooks_test::contains;
using config_hooks_test::spit;

TEST(ConfigValueTyping, ParsesJsonLiteralsElseKeepsTheString) {
    EXPECT_EQ(typed_value("true"), ojson(true));
    EXPECT_EQ(typed_value("false"), ojson(false));
    EXPECT_EQ(typed_value("42"), ojson(42));
    EXPECT_EQ(typed_value("-3.5"), ojson(-3.5));
    EXPECT_EQ(typed_value("null"), ojson());
    EXPECT_EQ(typed_value("[1, \"a\"]"), ojson::parse("[1, \"a\"]"));
    EXPECT_EQ(typed_value("{\"a\": {\"b\": 1}}"), ojson::parse("{\"a\": {\"b\": 1}}"));
    EXPECT_EQ(typed_value("Mosaic"), ojson("Mosaic"));
    EXPECT_EQ(typed_value("0755"), ojson("0755"));
    EXPECT_EQ(typed_value("True"), ojson("True"));
    EXPECT_EQ(typed_value(""), ojson(""));
    EXPECT_EQ(typed_value("\"quoted\""), ojson("quoted"));
}

TEST(ConfigKeys, RejectsEmptyParts) {
    EXPECT_EQ(split_key("agent.name"), (JsonPath{"agent", "name"}));
    for (const char* bad : {"", ".", "agent.", ".agent", "a..b"}) {
        try {
            split_key(bad);
            FAIL() << bad;
        } catch (const mosaic::Error& e) {
            EXPECT_EQ(e.code(), 2);
        }
    }
}

TEST(ConfigKeys, GetAndSetThroughNestedObjects) {
    JsonDocument doc;
    doc.value = ojson::object();
    EXPECT_FALSE(get_key(doc, "agent.name").has_value());
    EXPECT_TRUE(set_key(doc, "agent.name", "Mosaic"));
    EXPECT_FALSE(set_key(doc, "agent.name", "Mosaic"));
    EXPECT_EQ(*get_key(doc, "agent.name"), "Mosaic");
    EXPECT_EQ(*get_key(doc, "agent"), ojson::parse(R"({"name": "Mosaic"})"));
}

TEST(ConfigKeys, SettingThroughANonObjectIsUsageErrorWithPosition) {
    mosaic::testing::TempDir dir;
    auto file = dir.path() / "mosaic.config.json";
    spit(file, "{\n  \"agent\": \"Mosaic\"\n}\n");
    JsonDocument doc = load_config(file);
    try {
        set_key(doc, "agent.name", "x");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        EXPECT_TRUE(contains(e.what(), "'agent' in '" + file.string() + "' line 2 column 12 is a string")) << e.what();
    }
}

TEST(ConfigFile, TopLevelMustBeAnObject) {
    mosaic::testing::TempDir dir;
    spit(dir.path() / "c.json", "[1, 2]");
    try {
        load_config(dir.path() / "c.json");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        EXPECT_TRUE(contains(e.what(), "the top level in")) << e.what();
    }
}
