// The host's own surface: version, help, unknown commands, global options, completion.
#include <mosaic/plugin_abi.h>

#include <gtest/gtest.h>

#include "plugin_world.hpp"

using namespace mosaic::testing;

namespace {
// A world whose --plugin-dir holds the example plugin `hello`.
struct HelloWorld {
    MosaicTestEnv env;
    fs::path dir = env.root / "plugins";
    HelloWorld() { install_hello(dir); }
    mosaic::support::ProcessResult run(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--plugin-dir", dir.string()});
        return env.mosaic(args);
    }
};
}  // namespace

TEST(Version, PrintsTheVersionAndTheAbi) {
    MosaicTestEnv env;
    auto r = env.mosaic({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, std::string("mosaic ") + MOSAIC_TEST_VERSION + " (plugin ABI 1." + std::to_string(MOSAIC_ABI_MINOR) + ")\n");
    EXPECT_EQ(env.mosaic({"version"}).out, r.out);
}

TEST(Version, ReadsNoPluginDirectory) {
    MosaicTestEnv env;
    env.env["MOSAIC_DEBUG_PLUGINS"] = "1";
    auto r = env.mosaic({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
}

TEST(Help, ListsEveryUsableCommandAlphabeticallyWithItsSummary) {
    HelloWorld w;
    auto r = w.run({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "usage: mosaic [--mosaic-home DIR] [--plugin-dir DIR]..."));
    auto at = [&](const std::string& c) { return r.out.find("\n  " + c + " "); };
    ASSERT_NE(at("hello"), std::string::npos) << r.out;
    EXPECT_LT(at("completion"), at("hello"));
    EXPECT_LT(at("hello"), at("help"));
    EXPECT_LT(at("plugins"), at("version"));
    EXPECT_TRUE(contains(r.out, "print a greeting"));
    EXPECT_FALSE(contains(r.out, "could not be used"));
    EXPECT_EQ(w.run({"help"}).out, r.out);
    EXPECT_EQ(w.run({"-h"}).out, r.out);
}

TEST(Help, WithoutACommandShowsHelp) {
    MosaicTestEnv env;
    auto r = env.mosaic({});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "commands:"));
}

TEST(Help, FooterCountsPluginsThatCannotBeUsed) {
    MosaicTestEnv env;
    auto dir = env.root / "plugins";
    install_fixture(dir, "fixture-abi-major");
    install_fixture(dir, "fixture-collision");
    install_fixture(dir, "fixture-good");
    std::ofstream(dir / "junk.plugin.json") << "{";
    auto r = env.mosaic({"--plugin-dir", dir.string(), "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "\n  fixture-good "));
    EXPECT_FALSE(contains(r.out, "fixture-abi-major"));
    EXPECT_TRUE(contains(r.out, "\n3 plugins could not be used; run 'mosaic plugins list'\n")) << r.out;
}

TEST(Help, ForACommandIsThePluginsOwnHelp) {
    HelloWorld w;
    auto r = w.run({"hello", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "--shout")) << r.out;
    EXPECT_EQ(w.run({"help", "hello"}).out, r.out);
    EXPECT_TRUE(contains(w.run({"help", "plugins"}).out, "usage: mosaic plugins"));
}

TEST(UnknownCommand, SuggestsTheClosestMatchAndExits2) {
    HelloWorld w;
    auto r = w.run({"helo"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown command 'helo'; did you mean 'hello'?\n");
    r = w.run({"xyzzy"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown command 'xyzzy'; run 'mosaic --help' for the list of commands\n");
}

TEST(UnknownCommand, OfAFirstPartyPluginNamesItsPackageAndExits3) {
    MosaicTestEnv env;
    auto r = env.mosaic({"gateway", "status"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err,
              "mosaic: error: the 'gateway' command is provided by package mosaic-plugin-gateway, which is not installed\n");
    EXPECT_TRUE(contains(env.mosaic({"yolo"}).err, "package mosaic-plugin-fleet"));
    EXPECT_TRUE(contains(env.mosaic({"compose-contract", "claude"}).err, "package mosaic-plugin-fleet"));
    EXPECT_TRUE(contains(env.mosaic({"config"}).err, "package mosaic-plugin-config-hooks"));
    EXPECT_TRUE(contains(env.mosaic({"wizard"}).err, "package mosaic-plugin-wizard"));
    EXPECT_TRUE(contains(env.mosaic({"agent"}).err, "package mosaic-plugin-agent"));
}

TEST(GlobalOptions, UnknownOptionOrMissingValueExits2) {
    MosaicTestEnv env;
    auto r = env.mosaic({"--frobnicate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown option '--frobnicate'; run 'mosaic --help'\n");
    EXPECT_EQ(env.mosaic({"--plugin-dir"}).exit_code, 2);
}

TEST(GlobalOptions, EverythingAfterTheCommandGoesToThePlugin) {
    HelloWorld w;
    auto r = w.run({"-y", "--no-color", "hello", "--shout", "--", "bob"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "HELLO, BOB!\n");
}

TEST(InvalidUtf8, ArgumentIsRejectedWithExit2) {
    HelloWorld w;
    auto r = w.run({"hel\xfflo"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: argument 3 'hel\\xfflo' is not valid UTF-8\n");
    EXPECT_EQ(w.run({"hello", "caf\xe9"}).exit_code, 2);
    EXPECT_EQ(w.run({"hello", "caf\xc3\xa9"}).out, "Hello, caf\xc3\xa9!\n");
}

TEST(HelloPlugin, RunsItsCommandAndMapsParseErrorsTo2) {
    HelloWorld w;
    auto r = w.run({"hello", "bob"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Hello, bob!\n");
    r = w.run({"hello", "--bogus"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "mosaic: error: ")) << r.err;
    r = w.run({"hello", ""});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: the name must not be empty\n");
}

TEST(Completion, PrintsScriptsForBashZshAndFish) {
    HelloWorld w;
    for (const char* shell : {"bash", "zsh", "fish"}) {
        auto r = w.run({"completion", shell});
        EXPECT_EQ(r.exit_code, 0) << shell;
        EXPECT_TRUE(contains(r.out, "--plugin-dir")) << shell;
        EXPECT_TRUE(contains(r.out, "completion --")) << shell;
    }
    auto r = w.run({"completion", "tcsh"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown shell 'tcsh'; use bash, zsh or fish\n");
    EXPECT_EQ(w.run({"completion", "--commands"}).out, "completion\ndoctor\nhello\nhelp\nplugins\nversion\n");
}

TEST(Completion, BashScriptCompletesCommandsFromManifestsAndBuiltinArguments) {
    HelloWorld w;
    auto script = w.env.root / "mosaic.bash";
    std::ofstream(script) << w.run({"completion", "bash"}).out;
    auto complete = [&](const std::string& words, int cword) { return bash_complete(w.env, script, words, cword); };
    std::string mosaic = mosaic::test_paths::mosaic_exe;
    auto r = complete(mosaic + " --plugin-dir " + w.dir.string() + " he", 3);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "hello\nhelp\n");
    EXPECT_EQ(complete(mosaic + " --no", 1).out, "--no-color\n");
    EXPECT_EQ(complete(mosaic + " plugins l", 2).out, "list\n");
    EXPECT_EQ(complete(mosaic + " completion z", 2).out, "zsh\n");
}
