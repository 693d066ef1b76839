// The built `mosaic` with the config-hooks plugin, each test in its own temp world (HOME,
// MOSAIC_HOME, CLAUDE_HOME): the README examples, exit codes, and concurrent processes.
#include <gtest/gtest.h>

#include <thread>

#include "test_env.hpp"
#include "test_util.hpp"

using mosaic::testing::MosaicTestEnv;
using nlohmann::json;
using namespace config_hooks_test;

namespace {

class ConfigE2E : public ::testing::Test {
protected:
    void SetUp() override { env.use_built_plugins(); }
    fs::path hooks_config() const { return env.claude_home / "hooks-config.json"; }
    fs::path settings() const { return env.claude_home / "settings.json"; }
    MosaicTestEnv env;
};

}  // namespace

TEST_F(ConfigE2E, HelpListsTheConfigCommand) {
    auto r = env.mosaic({"--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "config")) << r.out;
    auto sub = env.mosaic({"config", "--help"});
    EXPECT_EQ(sub.exit_code, 0) << sub.err;
    EXPECT_TRUE(contains(sub.out, "hooks")) << sub.out;
}

TEST_F(ConfigE2E, ReadmeHookExamplesWork) {
    spit(settings(), realistic_settings());
    auto install = env.mosaic({"config", "hooks", "install"});
    ASSERT_EQ(install.exit_code, 0) << install.err;
    EXPECT_TRUE(fs::exists(env.mosaic_home / "hooks/prevent-memory-write"));

    auto list = env.mosaic({"config", "hooks", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(contains(list.out, "prevent-memory-write")) << list.out;
    EXPECT_TRUE(contains(list.out, "typecheck")) << list.out;
    const auto config_before = read_json(hooks_config());
    const auto settings_before = read_json(settings());
    EXPECT_EQ(settings_before["hooks"]["PostToolUse"].size(), 2u);

    auto off = env.mosaic({"config", "hooks", "disable", "PostToolUse"});
    ASSERT_EQ(off.exit_code, 0) << off.err;
    EXPECT_EQ(read_json(settings())["hooks"]["PostToolUse"].size(), 1u);
    auto listed = json::parse(env.mosaic({"config", "hooks", "list", "--json"}).out);
    EXPECT_EQ(listed["hooks"][1]["status"], "disabled");

    auto on = env.mosaic({"config", "hooks", "enable", "PostToolUse"});
    ASSERT_EQ(on.exit_code, 0) << on.err;
    EXPECT_EQ(read_json(hooks_config()), config_before);
    EXPECT_EQ(read_json(settings()), settings_before);

    auto uninstall = env.mosaic({"config", "hooks", "uninstall"});
    ASSERT_EQ(uninstall.exit_code, 0) << uninstall.err;
    EXPECT_EQ(read_json(settings()), json::parse(realistic_settings()));
}

TEST_F(ConfigE2E, UnknownEventExits2ListingWhatExists) {
    ASSERT_EQ(env.mosaic({"config", "hooks", "install"}).exit_code, 0);
    auto r = env.mosaic({"config", "hooks", "disable", "Nope"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "unknown hook event or id 'Nope'")) << r.err;
    EXPECT_TRUE(contains(r.err, "PreToolUse")) << r.err;
}

TEST_F(ConfigE2E, SetGetPathShow) {
    EXPECT_EQ(env.mosaic({"config", "set", "agent.name", "Mosaic"}).exit_code, 0);
    EXPECT_EQ(env.mosaic({"config", "set", "provider.api_key", "sk-ant-e2e-SECRET"}).exit_code, 0);
    auto get = env.mosaic({"config", "get", "agent.name"});
    EXPECT_EQ(get.exit_code, 0) << get.err;
    EXPECT_EQ(get.out, "Mosaic\n");
    EXPECT_EQ(env.mosaic({"config", "get", "agent.intent"}).exit_code, 3);
    EXPECT_EQ(env.mosaic({"config", "path"}).out, (env.mosaic_home / "mosaic.config.json").string() + "\n");
    auto show = env.mosaic({"config", "show", "--json"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_FALSE(contains(show.out + show.err, "SECRET"));
    EXPECT_EQ(json::parse(show.out)["config"]["agent"]["name"], "Mosaic");
    auto secrets = env.mosaic({"config", "show", "--show-secrets"});
    EXPECT_TRUE(contains(secrets.out, "sk-ant-e2e-SECRET"));
}

TEST_F(ConfigE2E, UnparsableFileExits2NamingPathAndLineAndKeepsIt) {
    const std::string bad = "{\n  \"hooks\": {\n    \"PreToolUse\": [,]\n  }\n}\n";
    spit(settings(), bad);
    auto r = env.mosaic({"config", "hooks", "install"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "cannot parse '" + settings().string() + "' line 3 column")) << r.err;
    EXPECT_EQ(slurp(settings()), bad);
    EXPECT_FALSE(fs::exists(hooks_config()));
}

TEST_F(ConfigE2E, TwoProcessesToggling200TimesKeepAConsistentFile) {
    ASSERT_EQ(env.mosaic({"config", "hooks", "install"}).exit_code, 0);
    auto loop = [&](const std::string& id) {
        // 100 disable/enable pairs = 200 toggles in one process-spawning shell loop.
        std::string mosaic = mosaic::test_paths::mosaic_exe;
        mosaic::support::Command cmd;
        cmd.argv = {"/bin/sh", "-c",
                    "i=0; while [ $i -lt 100 ]; do \"$0\" config hooks disable \"$1\" >/dev/null || exit 1; "
                    "\"$0\" config hooks enable \"$1\" >/dev/null || exit 1; i=$((i+1)); done",
                    mosaic, id};
        cmd.env = env.env;
        cmd.inherit_env = false;
        return mosaic::support::PosixSpawnRunner().run(cmd);
    };
    mosaic::support::ProcessResult a, b;
    std::thread ta([&] { a = loop("prevent-memory-write"); });
    std::thread tb([&] { b = loop("typecheck"); });
    ta.join();
    tb.join();
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(b.exit_code, 0) << b.err;
    auto config = read_json(hooks_config());
    EXPECT_EQ(config["hooks"]["PreToolUse"].size(), 1u);
    EXPECT_EQ(config["hooks"]["PostToolUse"].size(), 1u);
    EXPECT_TRUE(config["disabled"].empty()) << config.dump();
    auto s = read_json(settings());
    EXPECT_EQ(s["hooks"]["PreToolUse"].size(), 1u);
    EXPECT_EQ(s["hooks"]["PostToolUse"].size(), 1u);
}
