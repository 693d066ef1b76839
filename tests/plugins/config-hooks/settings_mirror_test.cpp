#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "hooks_config.hpp"
#include "settings_mirror.hpp"
#include "test_util.hpp"

using namespace mosaic::config_hooks;
using config_hooks_test::contains;
using config_hooks_test::realistic_settings;

namespace {
const fs::path home = "/h/.config/mosaic";
}

TEST(SettingsMirror, AddsEnabledMosaicGroupsAfterUserHooksAndTouchesNothingElse) {
    ojson settings = ojson::parse(realistic_settings());
    ojson config = add_mosaic_groups(ojson::object(), home);
    ojson out = mirror_into_settings(settings, config, home);

    ASSERT_EQ(out["hooks"]["PreToolUse"].size(), 2u);
    EXPECT_EQ(out["hooks"]["PreToolUse"][0], settings["hooks"]["PreToolUse"][0]);
    EXPECT_EQ(out["hooks"]["PreToolUse"][1],
              ojson::parse(R"({"matcher": "Write|Edit|MultiEdit", "hooks": [{"type": "command",
                "command": "/h/.config/mosaic/hooks/prevent-memory-write", "timeout": 10}]})"));
    EXPECT_EQ(out["hooks"]["PostToolUse"][0], settings["hooks"]["PostToolUse"][0]);
    EXPECT_EQ(out["hooks"]["PostToolUse"][1]["hooks"][0]["command"], "/h/.config/mosaic/hooks/typecheck");
    EXPECT_EQ(out["hooks"]["Stop"], settings["hooks"]["Stop"]);
    for (const auto& key : {"$schema", "permissions", "model", "env", "statusLine", "includeCoAuthoredBy"})
        EXPECT_EQ(out[key], settings[key]) << key;
    // Key order kept too.
    std::vector<std::string> keys_in, keys_out;
    for (const auto& [k, v] : settings.items()) keys_in.push_back(k);
    for (const auto& [k, v] : out.items()) keys_out.push_back(k);
    EXPECT_EQ(keys_in, keys_out);
}

TEST(SettingsMirror, RemovingGivesBackTheOriginalExactly) {
    ojson settings = ojson::parse(realistic_settings());
    ojson with = mirror_into_settings(settings, add_mosaic_groups(ojson::object(), home), home);
    ojson without = mirror_into_settings(with, ojson(), home);
    EXPECT_EQ(without.dump(2), settings.dump(2));
}

TEST(SettingsMirror, OnEmptySettingsCreatesHooksAndRemovalLeavesEmptyObject) {
    ojson with = mirror_into_settings(ojson::object(), add_mosaic_groups(ojson::object(), home), home);
    EXPECT_EQ(with["hooks"].size(), 2u);
    EXPECT_EQ(mirror_into_settings(with, ojson(), home), ojson::object());
}

TEST(SettingsMirror, DisabledGroupsAreNotMirrored) {
    ojson config = add_mosaic_groups(ojson::object(), home);
    ojson off = toggle_hooks(config, "PostToolUse", false, "f").doc;
    ojson out = mirror_into_settings(ojson::parse(realistic_settings()), off, home);
    ASSERT_EQ(out["hooks"]["PostToolUse"].size(), 1u);
    EXPECT_EQ(out["hooks"]["PostToolUse"][0]["hooks"][0]["command"], "npx prettier --write \"$CLAUDE_FILE\"");
}

TEST(SettingsMirror, ResyncKeepsMosaicGroupsWhereTheyStand) {
    ojson config = add_mosaic_groups(ojson::object(), home);
    ojson once = mirror_into_settings(ojson::parse(realistic_settings()), config, home);
    // The user adds a hook after Mosaic's.
    once["hooks"]["PreToolUse"].push_back(ojson::parse(R"({"hooks": [{"type": "command", "command": "/u/later"}]})"));
    ojson twice = mirror_into_settings(once, config, home);
    EXPECT_EQ(twice, once);
}

TEST(SettingsMirror, OnlyCommandsUnderTheHooksDirAreMirrored) {
    ojson config = ojson::parse(R"({"hooks": {"Stop": [
        {"id": "u", "hooks": [{"type": "command", "command": "/usr/bin/user-thing"}]},
        {"id": "m", "hooks": [{"type": "command", "command": "/h/.config/mosaic/hooks/extra"},
                              {"type": "command", "command": "/usr/bin/other"}]}]}})");
    ojson out = mirror_into_settings(ojson::object(), config, home);
    ASSERT_EQ(out["hooks"]["Stop"].size(), 1u);
    EXPECT_EQ(out["hooks"]["Stop"][0]["hooks"].size(), 1u);
    EXPECT_FALSE(out["hooks"]["Stop"][0].contains("id"));
}

TEST(SettingsMirror, ValidationNamesWrongTypeWithPosition) {
    mosaic::testing::TempDir dir;
    config_hooks_test::spit(dir.path() / "settings.json", "{\"hooks\": {\"Stop\": [\"echo\"]}}");
    auto doc = JsonDocument::load(dir.path() / "settings.json");
    try {
        validate_settings(doc);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        EXPECT_TRUE(contains(e.what(), "'hooks.Stop[0]'")) << e.what();
        EXPECT_TRUE(contains(e.what(), "line 1 column 21")) << e.what();
    }
}
