// The host table as a plugin sees it, through fixture-good's actions: prompts when
// headless, services between plugins, paths, logging, progress, errors and exceptions.
#include <csignal>

#include <gtest/gtest.h>

#include "plugin_world.hpp"

using namespace mosaic::testing;

namespace {

struct FixtureWorld {
    MosaicTestEnv env;
    fs::path dir = env.root / "plugins";
    FixtureWorld() {
        install_fixture(dir, "fixture-good");
        install_hello(dir);
    }
    mosaic::support::ProcessResult run(std::vector<std::string> args, std::vector<std::string> global = {}) const {
        global.insert(global.end(), {"--plugin-dir", dir.string(), "fixture-good"});
        global.insert(global.end(), args.begin(), args.end());
        return env.mosaic(global);
    }
};

}  // namespace

TEST(HeadlessPrompt, SecretFailsNamingTheVariable) {
    FixtureWorld w;
    auto r = w.run({"secret"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: cannot ask 'Secret' without a terminal; set FIXTURE_SECRET\n");
    EXPECT_EQ(r.out, "");
}

TEST(HeadlessPrompt, LineTakesTheDefaultOrFails) {
    FixtureWorld w;
    EXPECT_EQ(w.run({"line", "Ada"}).out, "Ada\n");
    auto r = w.run({"line"}, {"--yes"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "set FIXTURE_NAME_VALUE")) << r.err;
}

TEST(HeadlessPrompt, ConfirmIsYesWithYesFlagOrVariableAndFailsOtherwise) {
    FixtureWorld w;
    EXPECT_EQ(w.run({"confirm"}, {"-y"}).out, "yes\n");
    auto r = w.run({"confirm"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: cannot ask 'Proceed?' without a terminal; pass --force or pass --yes\n");
    w.env.env["MOSAIC_ASSUME_YES"] = "1";
    EXPECT_EQ(w.run({"confirm"}).out, "yes\n");
    EXPECT_EQ(w.run({"interactive"}).out, "headless\n");
}

TEST(HeadlessPrompt, SelectTakesTheDefault) {
    FixtureWorld w;
    EXPECT_EQ(w.run({"select"}).out, "green\n");
}

TEST(HeadlessPrompt, PipedStdinIsNotATerminal) {
    FixtureWorld w;
    // The child may exit without reading stdin; PosixSpawnRunner must not let SIGPIPE kill us.
    auto r = w.env.mosaic({"--plugin-dir", w.dir.string(), "fixture-good", "secret"}, std::string("hunter2\n"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "FIXTURE_SECRET"));
}

TEST(HostServices, OnePluginCallsAnothersService) {
    FixtureWorld w;
    auto r = w.run({"call", "hello.greet", R"({"name": "Ada"})"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out), (nlohmann::json{{"greeting", "Hello, Ada!"}}));
}

TEST(HostServices, APluginCanCallItsOwnService) {
    FixtureWorld w;
    auto r = w.run({"call", "fixture-good.echo", R"({"x": 1})"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out), (nlohmann::json{{"from", "fixture-good"}, {"x", 1}}));
}

TEST(HostServices, UnknownServiceIsRefusedNamingThePackage) {
    FixtureWorld w;
    auto r = w.run({"call", "gateway.start"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err,
              "mosaic: error: the 'gateway.start' service is provided by package mosaic-plugin-gateway, which is not installed\n");
    r = w.run({"call", "nobody.home"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err, "mosaic: error: service 'nobody.home' is not provided by any installed plugin\n");
}

TEST(HostServices, ServiceOfAPluginThatFailsToStartReportsWhy) {
    FixtureWorld w;
    install_fixture(w.dir, "fixture-init-throws");
    auto r = w.run({"call", "fixture-init-throws.echo"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "plugin 'fixture-init-throws' failed to start")) << r.err;
}

TEST(HostPaths, ResolveHomeClaudeHomeDataDirAndExecutable) {
    FixtureWorld w;
    EXPECT_EQ(w.run({"path", "home"}).out, w.env.mosaic_home.string() + "\n");
    EXPECT_EQ(w.run({"path", "data"}).out, (w.env.mosaic_home / "plugins/fixture-good").string() + "\n");
    EXPECT_EQ(w.run({"path", "claude"}).out, w.env.claude_home.string() + "\n");
    EXPECT_EQ(w.run({"path", "exe"}).out, fs::canonical(mosaic::test_paths::mosaic_exe).string() + "\n");
    EXPECT_EQ(w.run({"path", "bogus"}).out, "(null)\n");
    auto other = w.env.root / "elsewhere";
    EXPECT_EQ(w.run({"path", "home"}, {"--mosaic-home", other.string()}).out, other.string() + "\n");
    w.env.env.erase("MOSAIC_HOME");
    w.env.env.erase("CLAUDE_HOME");
    EXPECT_EQ(w.run({"path", "home"}).out, (w.env.home / ".config/mosaic").string() + "\n");
    EXPECT_EQ(w.run({"path", "claude"}).out, (w.env.home / ".claude").string() + "\n");
}

TEST(HostEnvironment, PluginsReadTheEnvironmentThroughTheHost) {
    FixtureWorld w;
    w.env.env["FIXTURE_VALUE"] = "42";
    EXPECT_EQ(w.run({"env", "FIXTURE_VALUE"}).out, "42\n");
    EXPECT_EQ(w.run({"env", "UNSET_THING"}).out, "(unset)\n");
}

TEST(HostOutput, NoColourWhenNotATerminal) {
    FixtureWorld w;
    EXPECT_EQ(w.run({"color"}).out, "no color\n");
}

TEST(HostLog, WarningsAlwaysDebugOnlyWithMosaicDebug) {
    FixtureWorld w;
    auto r = w.run({"log"});
    EXPECT_EQ(r.err, "mosaic: warning: log level 2\nmosaic: error: log level 3\n");
    w.env.env["MOSAIC_DEBUG"] = "1";
    r = w.run({"log"});
    EXPECT_TRUE(contains(r.err, "mosaic: debug: fixture-good: log level 0\n")) << r.err;
    EXPECT_TRUE(contains(r.err, "mosaic: info: fixture-good: log level 1\n")) << r.err;
}

TEST(HostProgress, PrintsALinePerNewLabelWhenNotATerminal) {
    FixtureWorld w;
    auto r = w.run({"progress"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "waiting\nfinishing\n");
}

TEST(PluginErrors, SetErrorIsPrintedOnceWithTheCode) {
    FixtureWorld w;
    auto r = w.run({"fail", "3", "the 'thing' is locked"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err, "mosaic: error: the 'thing' is locked\n");
    EXPECT_EQ(w.run({"fail", "500", "x"}).exit_code, 1);  // out of range
}

TEST(PluginErrors, ExceptionThrownFromRunIsCaughtAndExits1) {
    FixtureWorld w;
    auto r = w.run({"throw-std"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "mosaic: error: command 'fixture-good' of plugin 'fixture-good' failed with an exception: "
                     "fixture run failed on purpose\n");
    r = w.run({"throw-other"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "an exception that is not a std::exception")) << r.err;
}

TEST(PluginErrors, ExceptionThrownFromInitIsCaughtAndExits1) {
    FixtureWorld w;
    install_fixture(w.dir, "fixture-init-throws");
    install_fixture(w.dir, "fixture-init-throws-other");
    auto r = w.env.mosaic({"--plugin-dir", w.dir.string(), "fixture-init-throws"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "mosaic: error: plugin 'fixture-init-throws' failed to start: it threw an exception: "
                     "fixture init failed on purpose\n");
    r = w.env.mosaic({"--plugin-dir", w.dir.string(), "fixture-init-throws-other"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "not a std::exception")) << r.err;
}
