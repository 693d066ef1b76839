#include <algorithm>
#include <string>
#include <vector>

#include <mosaic/plugin_abi.h>

#include <gtest/gtest.h>

#include "catalogue.hpp"
#include "commands.hpp"
#include "discovery.hpp"

using namespace mosaic::host;

TEST(BuiltinCommands, AreSortedAndUnique) {
    auto table = builtin_commands();
    ASSERT_FALSE(table.empty());
    for (std::size_t i = 1; i < table.size(); ++i) EXPECT_LT(std::string(table[i - 1].name), table[i].name);
}

TEST(BuiltinCommands, EveryEntryHasASummaryAndAHandler) {
    for (const auto& c : builtin_commands()) {
        EXPECT_TRUE(c.summary && *c.summary) << c.name;
        EXPECT_NE(c.run, nullptr) << c.name;
    }
}

TEST(BuiltinCommands, AreFoundByExactNameOnly) {
    ASSERT_NE(find_builtin("plugins"), nullptr);
    EXPECT_STREQ(find_builtin("plugins")->name, "plugins");
    EXPECT_EQ(find_builtin("plugin"), nullptr);
    EXPECT_EQ(find_builtin(""), nullptr);
    EXPECT_EQ(find_builtin("zzz"), nullptr);
}

TEST(DidYouMean, SuggestsTheClosestCommand) {
    std::vector<std::string> names{"completion", "config", "fleet", "gateway", "help", "plugins", "version"};
    EXPECT_EQ(closest_match("gatewya", names), "gateway");
    EXPECT_EQ(closest_match("plugin", names), "plugins");
    EXPECT_EQ(closest_match("flet", names), "fleet");
    EXPECT_EQ(closest_match("conf", names), "config");
}

TEST(DidYouMean, StaysQuietForUnrelatedWords) {
    std::vector<std::string> names{"config", "fleet", "help"};
    EXPECT_EQ(closest_match("xyzzy", names), std::nullopt);
    EXPECT_EQ(closest_match("", names), std::nullopt);
    EXPECT_EQ(closest_match("a", {}), std::nullopt);
}

TEST(DidYouMean, BreaksTiesAlphabetically) {
    EXPECT_EQ(closest_match("bat", {"cat", "bar"}), "bar");
}

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndTranspositions) {
    EXPECT_EQ(edit_distance("", ""), 0u);
    EXPECT_EQ(edit_distance("abc", ""), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
    EXPECT_EQ(edit_distance("fleet", "felet"), 1u);
}

TEST(Catalogue, NamesThePackageOfEachFirstPartyCommand) {
    const CatalogueEntry* e = catalogue_entry_for_command("gateway");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(not_installed_message(*e, "command", "gateway"),
              "the 'gateway' command is provided by package mosaic-plugin-gateway, which is not installed");
    EXPECT_STREQ(catalogue_entry_for_command("yolo")->package, "mosaic-plugin-fleet");
    EXPECT_STREQ(catalogue_entry_for_command("config")->package, "mosaic-plugin-config-hooks");
    EXPECT_STREQ(catalogue_entry_for_command("wizard")->package, "mosaic-plugin-wizard");
    EXPECT_STREQ(catalogue_entry_for_command("agent")->package, "mosaic-plugin-agent");
    EXPECT_EQ(catalogue_entry_for_command("hello"), nullptr);
}

TEST(Catalogue, MapsServicesByPrefix) {
    EXPECT_STREQ(catalogue_entry_for_service("hooks.install")->package, "mosaic-plugin-config-hooks");
    EXPECT_STREQ(catalogue_entry_for_service("config.get")->package, "mosaic-plugin-config-hooks");
    EXPECT_STREQ(catalogue_entry_for_service("fleet.status")->package, "mosaic-plugin-fleet");
    EXPECT_STREQ(catalogue_entry_for_service("gateway.start")->package, "mosaic-plugin-gateway");
    EXPECT_EQ(catalogue_entry_for_service("gateway."), nullptr);
    EXPECT_EQ(catalogue_entry_for_service("gatewayx.start"), nullptr);
}

TEST(Catalogue, DoesNotCollideWithBuiltins) {
    for (const auto& e : first_party_catalogue())
        for (const char* c : e.commands) EXPECT_EQ(find_builtin(c), nullptr) << c;
}

TEST(Version, NamesTheProgramAndTheAbi) {
    EXPECT_EQ(version_line(), std::string("mosaic ") + MOSAIC_TEST_VERSION + " (plugin ABI 1." + std::to_string(MOSAIC_ABI_MINOR) + ")");
}
