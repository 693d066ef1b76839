#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "json_document.hpp"
#include "test_util.hpp"

using namespace mosaic::config_hooks;
using config_hooks_test::contains;
using config_hooks_test::spit;

TEST(JsonLocate, FindsNestedValueAfterStringsThatLookLikeKeys) {
    std::string text = "{\n  \"a\": \"\\\"b\\\": [\",\n  \"b\": [1, {\"c\": true}]\n}";
    auto at = locate_json_value(text, {"b", "1", "c"});
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(line_column(text, *at), "line 3 column 18");
    EXPECT_FALSE(locate_json_value(text, {"b", "7"}).has_value());
    EXPECT_FALSE(locate_json_value(text, {"zz"}).has_value());
}

TEST(JsonDocument, MissingFileIsAnEmptyObject) {
    mosaic::testing::TempDir dir;
    auto doc = JsonDocument::load(dir.path() / "nope.json");
    EXPECT_FALSE(doc.exists);
    EXPECT_EQ(doc.value, ojson::object());
}

TEST(JsonDocument, ParseErrorNamesPathLineAndColumn) {
    mosaic::testing::TempDir dir;
    auto file = dir.path() / "bad.json";
    spit(file, "{\n  \"a\": 1,\n  \"b\": tru\n}\n");
    try {
        JsonDocument::load(file);
        FAIL() << "expected an error";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        EXPECT_TRUE(contains(e.what(), "'" + file.string() + "' line 3 column")) << e.what();
        EXPECT_TRUE(contains(e.what(), "fix or remove the file")) << e.what();
    }
}

TEST(JsonDocument, EmptyFileIsAParseError) {
    mosaic::testing::TempDir dir;
    spit(dir.path() / "empty.json", "");
    EXPECT_THROW(JsonDocument::load(dir.path() / "empty.json"), mosaic::Error);
}

TEST(JsonDocument, WrongTypeNamesKeyPathPositionAndTypes) {
    mosaic::testing::TempDir dir;
    auto file = dir.path() / "s.json";
    spit(file, "{\n  \"hooks\": {\n    \"PreToolUse\": \"oops\"\n  }\n}\n");
    auto doc = JsonDocument::load(file);
    try {
        doc.wrong_type({"hooks", "PreToolUse"}, "an array");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        EXPECT_EQ(std::string(e.what()), "'hooks.PreToolUse' in '" + file.string() +
                                             "' line 3 column 19 is a string; expected an array; fix the file");
    }
}

TEST(JsonDocument, StoreKeepsKeyOrder) {
    mosaic::testing::TempDir dir;
    auto file = dir.path() / "o.json";
    spit(file, R"({"z": 1, "a": 2, "m": {"y": 1, "b": 2}})");
    auto doc = JsonDocument::load(file);
    store_json_document(file, doc.value);
    EXPECT_EQ(config_hooks_test::slurp(file), "{\n  \"z\": 1,\n  \"a\": 2,\n  \"m\": {\n    \"y\": 1,\n    \"b\": 2\n  }\n}\n");
}
