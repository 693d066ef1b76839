// `mosaic plugins new`: what it refuses (a bad NAME, a DIR that is not a new or empty
// directory), and that a failed write leaves nothing. That the project it writes builds,
// passes its tests and installs against the installed SDK is tests/packaging/plugin_new_test.sh.
#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include <mosaic/support/file.hpp>

#include "plugin_world.hpp"

using namespace mosaic::testing;

namespace {

std::vector<std::string> files_below(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(PluginsNew, RefusesABadNameWithExit2AndWritesNothing) {
    MosaicTestEnv env;
    const fs::path dir = env.root / "project";
    for (std::string name : {"Foo", "9lives", "my_tool", "-x", "a b", "", "plugins", "doctor"}) {
        auto r = env.mosaic({"plugins", "new", "--", name, dir.string()});
        EXPECT_EQ(r.exit_code, 2) << name;
        EXPECT_EQ(r.err.rfind("mosaic: error: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_FALSE(fs::exists(dir)) << name;
    }
    auto r = env.mosaic({"plugins", "new", "gateway", dir.string()});
    EXPECT_EQ(r.err,
              "mosaic: error: invalid plugin name 'gateway': it is a command of the first-party plugin 'gateway' "
              "(package mosaic-plugin-gateway); choose another name\n");
    r = env.mosaic({"plugins", "new", "My-Tool", dir.string()});
    EXPECT_TRUE(contains(r.err, "invalid plugin name 'My-Tool': use a lowercase letter")) << r.err;
}

TEST(PluginsNew, RefusesANonEmptyDirectoryWithExit3) {
    MosaicTestEnv env;
    const fs::path dir = env.root / "taken";
    fs::create_directories(dir);
    std::ofstream(dir / "notes.txt") << "mine\n";
    auto r = env.mosaic({"plugins", "new", "demo", dir.string()});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err, "mosaic: error: refusing to write into '" + dir.string() +
                         "': the directory is not empty; choose a new or empty directory\n");
    EXPECT_EQ(files_below(dir), std::vector<std::string>{"notes.txt"});

    auto f = env.mosaic({"plugins", "new", "demo", (dir / "notes.txt").string()});
    EXPECT_EQ(f.exit_code, 3);
    EXPECT_TRUE(contains(f.err, "it exists and is not a directory")) << f.err;
}

TEST(PluginsNew, UsageErrorsAndHelp) {
    MosaicTestEnv env;
    EXPECT_EQ(env.mosaic({"plugins", "new"}).exit_code, 2);
    auto extra = env.mosaic({"plugins", "new", "demo", (env.root / "a").string(), "b"});
    EXPECT_EQ(extra.exit_code, 2);
    EXPECT_TRUE(contains(extra.err, "unexpected argument 'b' for 'plugins new'")) << extra.err;
    EXPECT_EQ(env.mosaic({"plugins", "new", "demo", "--force"}).exit_code, 2);
    auto help = env.mosaic({"plugins", "new", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_EQ(help.out.rfind("usage: mosaic plugins new NAME [DIR]\n", 0), 0u) << help.out;
    EXPECT_TRUE(contains(env.mosaic({"plugins", "--help"}).out, "mosaic plugins new NAME [DIR]"));
}

TEST(PluginsNew, WritesTheWholeProjectIntoAnEmptyDirectory) {
    MosaicTestEnv env;
    const fs::path dir = env.root / "empty";
    fs::create_directories(dir);
    auto r = env.mosaic({"plugins", "new", "my-tool", dir.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::vector<std::string> expected{".gitignore", "CMakeLists.txt", "README.md", "src/my-tool.cpp",
                                            "tests/my-tool_test.cpp"};
    EXPECT_EQ(files_below(dir), expected);
    for (const auto& f : expected) EXPECT_TRUE(contains(r.out, "wrote " + (dir / f).string() + "\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "mosaic --plugin-dir " + (dir / "build/plugins").string() + " my-tool")) << r.out;
    std::string cmake = *mosaic::support::read_file(dir / "CMakeLists.txt");
    EXPECT_TRUE(contains(cmake, "find_package(MosaicSDK ")) << cmake;
    EXPECT_TRUE(contains(cmake, "mosaic_add_plugin(NAME my-tool SOURCES src/my-tool.cpp")) << cmake;
    EXPECT_TRUE(contains(cmake, "gtest_discover_tests(my-tool_test)")) << cmake;
    EXPECT_TRUE(contains(*mosaic::support::read_file(dir / "src/my-tool.cpp"),
                         "MOSAIC_PLUGIN(mosaic_plugin_my_tool::MyToolPlugin)"));
    EXPECT_EQ(r.err, "");
}

// A NAME too long for the file system's file names: CMakeLists.txt is written, the source
// file is not, and then what was written goes again, with the directories it created.
TEST(PluginsNew, LeavesNothingWhenAFileCannotBeWritten) {
    MosaicTestEnv env;
    const std::string name(240, 'z');
    auto r = env.mosaic({"plugins", "new", name, (env.root / "new/project").string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "nothing of the project was left in '" + (env.root / "new/project").string() + "'"))
        << r.err;
    EXPECT_FALSE(fs::exists(env.root / "new"));

    const fs::path empty = env.root / "empty";
    fs::create_directories(empty);
    EXPECT_EQ(env.mosaic({"plugins", "new", name, empty.string()}).exit_code, 1);
    EXPECT_TRUE(fs::is_directory(empty));
    EXPECT_TRUE(fs::is_empty(empty));
}
