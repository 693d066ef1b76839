#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "commands.hpp"
#include "discovery.hpp"
#include "temp_tree.hpp"

using namespace mosaic::host;
using mosaic::host::test::TempTree;

namespace {

std::vector<std::string> paths(const std::vector<SearchDir>& dirs) {
    std::vector<std::string> out;
    for (const auto& d : dirs) out.push_back(d.path.string());
    return out;
}

DiscoveryRules rules(std::vector<std::string>* log = nullptr) {
    DiscoveryRules r;
    r.builtins = builtin_names();
    r.host_abi_major = 1;
    r.host_abi_minor = 0;
    if (log) r.debug = [log](const std::string& m) { log->push_back(m); };
    return r;
}

const PluginEntry& only(const Discovery& d, const std::string& name, std::size_t nth = 0) {
    for (const auto& p : d.plugins)
        if (p.name == name && nth-- == 0) return p;
    throw std::runtime_error("no plugin " + name);
}

}  // namespace

TEST(SearchPath, FollowsTheDocumentedOrder) {
    SearchInputs in;
    in.plugin_dirs = {"/cli1", "/cli2"};
    in.plugin_path_env = "/env1::/env2";
    in.xdg_data_home = "/xdg";
    in.home = "/home/u";
    in.exe_dir = "/opt/mosaic/bin";
    in.libdir = "lib/x86_64-linux-gnu";
    EXPECT_EQ(paths(search_path(in)),
              (std::vector<std::string>{"/cli1", "/cli2", "/env1", "/env2", "/xdg/mosaic/plugins",
                                        "/opt/mosaic/bin/../lib/mosaic/plugins",
                                        "/opt/mosaic/bin/../lib/x86_64-linux-gnu/mosaic/plugins"}));
}

TEST(SearchPath, FallsBackToHomeWhenXdgDataHomeIsUnsetOrRelative) {
    SearchInputs in;
    in.home = "/home/u";
    in.exe_dir = "/usr/bin";
    EXPECT_EQ(paths(search_path(in))[0], "/home/u/.local/share/mosaic/plugins");
    in.xdg_data_home = "relative/dir";
    EXPECT_EQ(paths(search_path(in))[0], "/home/u/.local/share/mosaic/plugins");
}

TEST(SearchPath, SystemPathVariableReplacesTheSystemDirectory) {
    SearchInputs in;
    in.exe_dir = "/usr/bin";
    in.system_path_env = "/sys1:/sys2";
    EXPECT_EQ(paths(search_path(in)), (std::vector<std::string>{"/sys1", "/sys2"}));
    in.system_path_env = "";
    EXPECT_TRUE(search_path(in).empty());
}

TEST(SearchPath, SetuidIgnoresEnvironmentDerivedDirectories) {
    SearchInputs in;
    in.plugin_dirs = {"/cli"};
    in.plugin_path_env = "/env";
    in.xdg_data_home = "/xdg";
    in.home = "/home/u";
    in.system_path_env = "/evil";
    in.exe_dir = "/usr/bin";
    in.setuid = true;
    EXPECT_EQ(paths(search_path(in)), (std::vector<std::string>{"/cli", "/usr/bin/../lib/mosaic/plugins"}));
}

TEST(PluginDiscovery, FirstMatchWinsAndLaterOnesAreShadowed) {
    TempTree t;
    auto a = t.dir("a"), b = t.dir("b");
    TempTree::plugin(a, "hello", {"hello"});
    TempTree::plugin(b, "hello", {"hello"});
    auto d = discover({{a, "--plugin-dir"}, {b, "MOSAIC_PLUGIN_PATH"}}, rules());
    ASSERT_EQ(d.plugins.size(), 2u);
    EXPECT_EQ(only(d, "hello", 0).status, PluginStatus::ok);
    EXPECT_EQ(only(d, "hello", 1).status, PluginStatus::shadowed);
    EXPECT_NE(only(d, "hello", 1).detail.find(a.string()), std::string::npos);
    EXPECT_EQ(std::filesystem::path(d.for_command("hello")->manifest_path).parent_path(), a);
    EXPECT_EQ(d.unusable_count(), 0u);
}

TEST(PluginDiscovery, TheSameDirectoryTwiceIsSearchedOnce) {
    TempTree t;
    auto a = t.dir("a");
    t.dir("link-parent");
    std::filesystem::create_directory_symlink(a, t.root / "link-parent/alias");
    TempTree::plugin(a, "hello", {"hello"});
    auto d = discover({{a, "x"}, {a.string() + "/", "y"}, {t.root / "link-parent/alias", "z"}}, rules());
    EXPECT_EQ(d.dirs.size(), 1u);
    ASSERT_EQ(d.plugins.size(), 1u);
    EXPECT_EQ(d.plugins[0].status, PluginStatus::ok);
}

TEST(PluginDiscovery, MissingUnreadableAndNonDirectoryPathsAreSkipped) {
    TempTree t;
    auto locked = t.dir("locked");
    TempTree::plugin(locked, "hidden", {"hidden"});
    TempTree::write(t.root / "file", "x");
    ::chmod(locked.c_str(), 0);
    std::vector<std::string> log;
    auto d = discover({{t.root / "nope", "x"}, {locked, "y"}, {t.root / "file", "z"}}, rules(&log));
    ::chmod(locked.c_str(), 0755);
    if (::geteuid() != 0) {
        EXPECT_TRUE(d.commands.empty());  // root reads it anyway
    }
    auto logged = [&](const std::string& s) {
        return std::any_of(log.begin(), log.end(), [&](const std::string& l) { return l.find(s) != std::string::npos; });
    };
    EXPECT_TRUE(logged("skipping '" + (t.root / "nope").string() + "'"));
    EXPECT_TRUE(logged("skipping '" + (t.root / "file").string() + "' (from z): not a directory"));
}

TEST(PluginDiscovery, ReportsInvalidManifestsWithTheReason) {
    TempTree t;
    auto a = t.dir("a");
    TempTree::write(a / "broken.plugin.json", "{ not json");
    TempTree::write(a / "nameless.plugin.json", R"({"schema": 1})");
    auto d = discover({{a, "x"}}, rules());
    ASSERT_EQ(d.plugins.size(), 2u);
    EXPECT_EQ(only(d, "broken").status, PluginStatus::invalid_manifest);
    EXPECT_NE(only(d, "broken").detail.find("line 1"), std::string::npos);
    EXPECT_EQ(only(d, "nameless").detail, "missing key 'name'");
    EXPECT_EQ(d.unusable_count(), 2u);
}

TEST(PluginDiscovery, ReportsMissingLibraryAndIncompatibleAbi) {
    TempTree t;
    auto a = t.dir("a");
    TempTree::plugin(a, "nolib", {"nolib"}, 1, 0, false);
    TempTree::plugin(a, "future", {"future"}, 1, 1);
    TempTree::plugin(a, "ancient", {"ancient"}, 0, 9);
    auto d = discover({{a, "x"}}, rules());
    EXPECT_EQ(only(d, "nolib").status, PluginStatus::missing_library);
    EXPECT_EQ(only(d, "future").status, PluginStatus::incompatible_abi);
    EXPECT_NE(only(d, "future").detail.find("ABI 1.1"), std::string::npos);
    EXPECT_EQ(only(d, "ancient").status, PluginStatus::incompatible_abi);
    EXPECT_TRUE(d.commands.empty());
    EXPECT_EQ(d.unusable_count(), 3u);
}

TEST(PluginDiscovery, LibraryBehindASymlinkCountsOnlyWhenTheLinkResolves) {
    TempTree t;
    auto a = t.dir("a"), store = t.dir("store");
    TempTree::plugin(a, "linked", {"linked"}, 1, 0, false);
    TempTree::plugin(a, "dangling", {"dangling"}, 1, 0, false);
    TempTree::plugin(a, "subdir", {"subdir"}, 1, 0, false);
    TempTree::write(store / "linked.so", "not really a library");
    std::filesystem::create_symlink(store / "linked.so", a / "linked.so");
    std::filesystem::create_symlink(store / "gone.so", a / "dangling.so");
    std::filesystem::create_directory(a / "subdir.so");  // exists, as access(F_OK) would say
    auto d = discover({{a, "x"}}, rules());
    EXPECT_EQ(only(d, "linked").status, PluginStatus::ok);
    EXPECT_EQ(only(d, "dangling").status, PluginStatus::missing_library);
    EXPECT_EQ(only(d, "subdir").status, PluginStatus::ok);
}

TEST(PluginDiscovery, DisabledPluginsAreSkippedAndShadowNothing) {
    TempTree t;
    auto a = t.dir("a"), b = t.dir("b");
    TempTree::plugin(a, "hello", {"hello"});
    TempTree::plugin(b, "hello", {"hello"});
    auto r = rules();
    r.disabled = parse_disabled(" hello , other,,");
    EXPECT_EQ(r.disabled, (std::set<std::string>{"hello", "other"}));
    auto d = discover({{a, "x"}, {b, "y"}}, r);
    EXPECT_EQ(only(d, "hello", 0).status, PluginStatus::disabled);
    EXPECT_EQ(only(d, "hello", 1).status, PluginStatus::disabled);
    EXPECT_EQ(d.for_command("hello"), nullptr);
    EXPECT_EQ(d.unusable_count(), 0u);
}

TEST(PluginDiscovery, BuiltinsAndEarlierPluginsWinCommandCollisions) {
    TempTree t;
    auto a = t.dir("a");
    TempTree::plugin(a, "aaa", {"deploy"});
    TempTree::plugin(a, "bbb", {"deploy", "other"});
    TempTree::plugin(a, "ccc", {"plugins"});
    auto d = discover({{a, "x"}}, rules());
    EXPECT_EQ(only(d, "aaa").status, PluginStatus::ok);
    EXPECT_EQ(only(d, "bbb").status, PluginStatus::command_collision);
    EXPECT_EQ(only(d, "bbb").detail, "command 'deploy' is already provided by plugin 'aaa'");
    EXPECT_EQ(only(d, "ccc").status, PluginStatus::command_collision);
    EXPECT_EQ(only(d, "ccc").detail, "command 'plugins' is a built-in command");
    EXPECT_EQ(d.for_command("deploy")->name, "aaa");
    EXPECT_EQ(d.for_command("other"), nullptr);
    EXPECT_EQ(d.for_command("plugins"), nullptr);
    EXPECT_EQ(d.unusable_count(), 2u);
}

TEST(PluginDiscovery, ExplainsEveryDecisionWhenAsked) {
    TempTree t;
    auto a = t.dir("a");
    TempTree::plugin(a, "hello", {"hello"});
    std::vector<std::string> log;
    discover({{a, "--plugin-dir"}, {a, "MOSAIC_PLUGIN_PATH"}, {t.root / "missing", "XDG_DATA_HOME"}}, rules(&log));
    auto has = [&](const std::string& s) {
        return std::any_of(log.begin(), log.end(), [&](const std::string& l) { return l.find(s) != std::string::npos; });
    };
    EXPECT_TRUE(has("searching '" + a.string() + "' (from --plugin-dir)"));
    EXPECT_TRUE(has("already searched"));
    EXPECT_TRUE(has("(from XDG_DATA_HOME)"));
    EXPECT_TRUE(has("plugin 'hello' from '" + (a / "hello.plugin.json").string() + "': ok"));
}

TEST(HelpText, ListsCommandsAlphabeticallyWithSummariesAndAFooter) {
    TempTree t;
    auto a = t.dir("a");
    TempTree::plugin(a, "zeta", {"zeta", "alpha"});
    TempTree::plugin(a, "broken", {"broken"}, 2, 0);
    TempTree::write(a / "bad.plugin.json", "[]");
    auto d = discover({{a, "x"}}, rules());
    std::string help = help_text(d);
    auto pos = [&](const std::string& s) { return help.find("\n  " + s + " "); };
    ASSERT_NE(pos("alpha"), std::string::npos);
    EXPECT_LT(pos("alpha"), pos("completion"));
    EXPECT_LT(pos("version"), pos("zeta"));
    EXPECT_NE(help.find("the alpha command"), std::string::npos);
    EXPECT_EQ(help.find("  broken "), std::string::npos);
    EXPECT_NE(help.find("\n2 plugins could not be used; run 'mosaic plugins list'\n"), std::string::npos);
}

TEST(HelpText, HasNoFooterWhenEveryPluginIsUsable) {
    TempTree t;
    auto a = t.dir("a");
    TempTree::plugin(a, "one", {"one"});
    EXPECT_EQ(help_text(discover({{a, "x"}}, rules())).find("could not be used"), std::string::npos);
}
