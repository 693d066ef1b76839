#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "hook_catalogue.hpp"
#include "hooks_config.hpp"
#include "test_util.hpp"

using namespace mosaic::config_hooks;
using config_hooks_test::contains;

namespace {

const fs::path home = "/h/.config/mosaic";

// Several groups per event, unknown keys at every level, a group without id.
ojson sample() {
    return ojson::parse(R"({
      "mosaic-managed": true, "schema": 1, "x-top": {"keep": [1, 2]},
      "hooks": {
        "PreToolUse": [
          {"id": "a", "matcher": "Bash", "hooks": [{"type": "command", "command": "/bin/a"}], "x-g": 1},
          {"id": "b", "matcher": "Write", "hooks": [{"type": "command", "command": "/bin/b", "x-h": true}]},
          {"matcher": "Read", "hooks": [{"type": "command", "command": "/bin/anon"}]}
        ],
        "PostToolUse": [
          {"id": "c", "hooks": [{"type": "command", "command": "/bin/c"}]}
        ]
      },
      "disabled": {}
    })");
}

nlohmann::json plain(const ojson& v) { return nlohmann::json::parse(v.dump()); }

}  // namespace

TEST(HooksToggle, DisableThenEnableEventGivesBackTheSameDocument) {
    ojson doc = sample();
    auto off = toggle_hooks(doc, "PreToolUse", false, "f");
    EXPECT_TRUE(off.changed);
    EXPECT_EQ(off.groups, 3u);
    EXPECT_FALSE(off.doc["hooks"].contains("PreToolUse"));
    EXPECT_EQ(off.doc["disabled"]["PreToolUse"].size(), 3u);
    auto on = toggle_hooks(off.doc, "PreToolUse", true, "f");
    EXPECT_TRUE(on.changed);
    EXPECT_EQ(plain(on.doc), plain(doc));
}

TEST(HooksToggle, DisableThenEnableOneGroupPutsItBackInItsPlace) {
    ojson doc = sample();
    auto off = toggle_hooks(doc, "b", false, "f");
    EXPECT_EQ(off.subject, "hook 'b'");
    EXPECT_EQ(off.doc["hooks"]["PreToolUse"].size(), 2u);
    auto on = toggle_hooks(off.doc, "b", true, "f");
    EXPECT_EQ(on.doc["hooks"]["PreToolUse"][1]["id"], "b");
    EXPECT_EQ(plain(on.doc), plain(doc));
}

TEST(HooksToggle, AnIdUsedTwiceMovesEveryGroupAndComesBackInOrder) {
    // A group copied without renaming its id: one disable moves both (a second one then
    // changes nothing), one enable puts both back where they were.
    ojson doc = sample();
    doc["hooks"]["PreToolUse"].push_back(doc["hooks"]["PreToolUse"][1]);
    doc["hooks"]["PreToolUse"].back()["matcher"] = "Edit";
    doc["hooks"]["PostToolUse"].push_back(doc["hooks"]["PreToolUse"][1]);
    auto off = toggle_hooks(doc, "b", false, "f");
    EXPECT_EQ(off.groups, 3u);
    EXPECT_EQ(off.doc["hooks"]["PreToolUse"].size(), 2u);
    EXPECT_EQ(off.doc["hooks"]["PostToolUse"].size(), 1u);
    auto again = toggle_hooks(off.doc, "b", false, "f");
    EXPECT_FALSE(again.changed);
    EXPECT_EQ(again.doc, off.doc);
    auto on = toggle_hooks(off.doc, "b", true, "f");
    EXPECT_EQ(on.groups, 3u);
    EXPECT_EQ(plain(on.doc), plain(doc));
}

TEST(HooksToggle, MixedDisablesUndoneByEventEnableRestoreOrder) {
    ojson doc = sample();
    auto one = toggle_hooks(doc, "b", false, "f");
    auto all = toggle_hooks(one.doc, "PreToolUse", false, "f");
    auto back = toggle_hooks(all.doc, "PreToolUse", true, "f");
    EXPECT_EQ(plain(back.doc), plain(doc));
}

TEST(HooksToggle, BothDirectionsAreIdempotent) {
    ojson doc = sample();
    auto on = toggle_hooks(doc, "PostToolUse", true, "f");
    EXPECT_FALSE(on.changed);
    EXPECT_EQ(on.doc, doc);
    auto off = toggle_hooks(doc, "c", false, "f");
    auto again = toggle_hooks(off.doc, "c", false, "f");
    EXPECT_FALSE(again.changed);
    EXPECT_EQ(again.doc, off.doc);
    auto event_again = toggle_hooks(off.doc, "PostToolUse", false, "f");
    EXPECT_FALSE(event_again.changed);
}

TEST(HooksToggle, UnknownTargetIsUsageErrorListingEventsAndIds) {
    try {
        toggle_hooks(sample(), "PostToolUze", false, "/c/hooks-config.json");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        std::string m = e.what();
        EXPECT_TRUE(contains(m, "unknown hook event or id 'PostToolUze'")) << m;
        EXPECT_TRUE(contains(m, "events: PreToolUse, PostToolUse; ids: a, b, c")) << m;
    }
}

TEST(HooksToggle, KnownEventWithoutGroupsIsUsageError) {
    try {
        toggle_hooks(sample(), "Stop", true, "f");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        EXPECT_TRUE(contains(e.what(), "no hooks for event 'Stop'")) << e.what();
    }
}

TEST(HooksList, OneRowPerCommandWithStatus) {
    auto off = toggle_hooks(sample(), "c", false, "f");
    auto rows = list_hooks(off.doc);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].event, "PreToolUse");
    EXPECT_EQ(rows[0].id, "a");
    EXPECT_EQ(rows[0].matcher, "Bash");
    EXPECT_EQ(rows[0].command, "/bin/a");
    EXPECT_TRUE(rows[0].enabled);
    EXPECT_EQ(rows[2].id, "");
    EXPECT_EQ(rows[3].id, "c");
    EXPECT_FALSE(rows[3].enabled);
}

TEST(HooksInstallMerge, NewFileGetsManagedSkeletonAndBothGroups) {
    ojson doc = add_mosaic_groups(ojson::object(), home);
    EXPECT_TRUE(is_mosaic_managed(doc));
    EXPECT_EQ(doc["schema"], 1);
    EXPECT_EQ(doc["hooks"]["PreToolUse"][0]["id"], "prevent-memory-write");
    EXPECT_EQ(doc["hooks"]["PreToolUse"][0]["hooks"][0]["command"], "/h/.config/mosaic/hooks/prevent-memory-write");
    EXPECT_EQ(doc["hooks"]["PostToolUse"][0]["id"], "typecheck");
    EXPECT_EQ(doc["disabled"], ojson::object());
}

TEST(HooksInstallMerge, KeepsUserGroupsAndADisabledMosaicGroupStaysDisabled) {
    ojson doc = add_mosaic_groups(sample(), home);
    auto off = toggle_hooks(doc, "typecheck", false, "f");
    ojson again = add_mosaic_groups(off.doc, home);
    EXPECT_EQ(again, off.doc);
    EXPECT_EQ(again["hooks"]["PreToolUse"].size(), 4u);
    EXPECT_EQ(again["x-top"], sample()["x-top"]);
}

TEST(HooksUninstallMerge, RemovesOnlyMosaicGroups) {
    ojson installed = add_mosaic_groups(sample(), home);
    auto left = remove_mosaic_groups(installed, home);
    ASSERT_TRUE(left.has_value());
    EXPECT_EQ(plain(*left), plain(sample()));
}

TEST(HooksUninstallMerge, NothingButSkeletonLeftMeansRemoveTheFile) {
    ojson installed = add_mosaic_groups(ojson::object(), home);
    auto off = toggle_hooks(installed, "typecheck", false, "f");
    EXPECT_FALSE(remove_mosaic_groups(off.doc, home).has_value());
}

TEST(HookCatalogue, RecognisesMosaicCommandsQuotedOrNot) {
    fs::path spaced = "/home/a b/.config/mosaic";
    EXPECT_TRUE(is_mosaic_command("/h/.config/mosaic/hooks/typecheck", home));
    EXPECT_TRUE(is_mosaic_command("/h/.config/mosaic/hooks/typecheck --flag", home));
    EXPECT_TRUE(is_mosaic_command(hook_command(mosaic_hooks()[0], spaced), spaced));
    EXPECT_EQ(hook_command(mosaic_hooks()[0], spaced), "'/home/a b/.config/mosaic/hooks/prevent-memory-write'");
    EXPECT_TRUE(is_mosaic_command("\"/home/a b/.config/mosaic/hooks/x\"", spaced));
    EXPECT_FALSE(is_mosaic_command("/h/.config/mosaic/hooksx/typecheck", home));
    EXPECT_FALSE(is_mosaic_command("/h/.config/mosaic/hooks/../bin/x", home));
    EXPECT_FALSE(is_mosaic_command("echo /h/.config/mosaic/hooks/typecheck", home));
    EXPECT_FALSE(is_mosaic_command("", home));
}

TEST(HookCatalogue, InstalledScriptCarriesTheClaudeHomeQuoted) {
    std::string text = installed_script(mosaic_hooks()[0], "/x/it's claude");
    EXPECT_TRUE(contains(text, "installed_claude_home='/x/it'\\''s claude'")) << text.substr(0, 600);
    EXPECT_FALSE(contains(text, "@JSON_FIELD_AWK@"));
    EXPECT_FALSE(contains(text, "__MOSAIC_CLAUDE_HOME__"));
}
