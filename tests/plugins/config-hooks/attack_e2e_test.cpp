// Hostile or unusual files under `mosaic config`, end to end with the built binary: JSON nested
// deep enough to exhaust a recursive reader, duplicate keys a rewrite would drop silently,
// settings kept as symbolic links by a dotfile manager, and a mosaic home others can write to.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_env.hpp"
#include "test_util.hpp"

using mosaic::testing::MosaicTestEnv;
using nlohmann::json;
using namespace config_hooks_test;
using ::testing::HasSubstr;

namespace {

class ConfigAttackE2E : public ::testing::Test {
protected:
    void SetUp() override { env.use_built_plugins(); }
    fs::path settings() const { return env.claude_home / "settings.json"; }
    fs::path config() const { return env.mosaic_home / "mosaic.config.json"; }
    MosaicTestEnv env;
};

// {"deep": [[[...]]]} with `depth` arrays: about 2 bytes a level.
std::string deeply_nested(int depth) {
    return "{\"deep\": " + std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']') +
           "}\n";
}

}  // namespace

TEST_F(ConfigAttackE2E, DeeplyNestedSettingsJsonIsExitTwoNamingTheFileAndLeftAlone) {
    const std::string text = deeply_nested(100000);
    spit(settings(), text);
    for (const auto& args : std::vector<std::vector<std::string>>{{"config", "hooks", "install"},
                                                                   {"config", "hooks", "uninstall"}}) {
        auto r = env.mosaic(args);
        EXPECT_EQ(r.exit_code, 2) << args[2] << ": " << r.err;
        EXPECT_THAT(r.err, HasSubstr("'" + settings().string() + "'")) << args[2];
        EXPECT_THAT(r.err, HasSubstr("nested deeper than")) << args[2];
    }
    EXPECT_EQ(slurp(settings()), text);
}

TEST_F(ConfigAttackE2E, DeeplyNestedMosaicConfigIsExitTwoNamingTheFileAndLeftAlone) {
    const std::string text = deeply_nested(100000);
    spit(config(), text);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"config", "set", "agent.name", "Mosaic"}, {"config", "show"}, {"config", "get", "agent.name"}}) {
        auto r = env.mosaic(args);
        EXPECT_EQ(r.exit_code, 2) << args[1] << ": " << r.err;
        EXPECT_THAT(r.err, HasSubstr("'" + config().string() + "'")) << args[1];
        EXPECT_THAT(r.err, HasSubstr("nested deeper than")) << args[1];
    }
    EXPECT_EQ(slurp(config()), text);
    fs::remove(config());
    auto value = env.mosaic({"config", "set", "x", std::string(50000, '[') + std::string(50000, ']')});
    EXPECT_EQ(value.exit_code, 2) << value.err;
    EXPECT_THAT(value.err, HasSubstr("nested deeper than"));
    EXPECT_FALSE(fs::exists(config()));
}

TEST_F(ConfigAttackE2E, DuplicateKeysInAFileMosaicRewritesAreRefusedNamingTheKey) {
    spit(settings(), "{\"model\": \"opus\", \"env\": {\"A\": \"1\", \"A\": \"2\"}}\n");
    auto r = env.mosaic({"config", "hooks", "install"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("'" + settings().string() + "'"));
    EXPECT_THAT(r.err, HasSubstr("duplicate key 'env.A'"));
    EXPECT_EQ(slurp(settings()), "{\"model\": \"opus\", \"env\": {\"A\": \"1\", \"A\": \"2\"}}\n");

    spit(config(), "{\"agent\": {\"name\": \"a\"}, \"agent\": {\"name\": \"b\"}}\n");
    auto set = env.mosaic({"config", "set", "agent.intent", "x"});
    EXPECT_EQ(set.exit_code, 2) << set.err;
    EXPECT_THAT(set.err, HasSubstr("duplicate key 'agent'"));
}

TEST_F(ConfigAttackE2E, SymlinkedSettingsAndConfigAreWrittenThroughToTheirTargets) {
    auto dotfiles = env.home / "dotfiles";
    spit(dotfiles / "settings.json", "{\"model\": \"opus\"}\n");
    spit(dotfiles / "mosaic.config.json", "{\"agent\": {\"name\": \"a\"}}\n");
    fs::create_directories(env.claude_home);
    fs::create_directories(env.mosaic_home);
    fs::create_symlink("../dotfiles/settings.json", settings());
    fs::create_symlink(dotfiles / "mosaic.config.json", config());

    auto install = env.mosaic({"config", "hooks", "install"});
    ASSERT_EQ(install.exit_code, 0) << install.err;
    auto set = env.mosaic({"config", "set", "agent.name", "b"});
    ASSERT_EQ(set.exit_code, 0) << set.err;

    EXPECT_TRUE(fs::is_symlink(settings()));
    EXPECT_TRUE(fs::is_symlink(config()));
    auto s = read_json(dotfiles / "settings.json");
    EXPECT_EQ(s["model"], "opus");
    EXPECT_TRUE(s.contains("hooks"));
    EXPECT_EQ(read_json(dotfiles / "mosaic.config.json")["agent"]["name"], "b");
    for (const auto& entry : fs::directory_iterator(dotfiles))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
}

TEST_F(ConfigAttackE2E, AMosaicHomeOthersCanWriteIsRefusedAndReported) {
    fs::create_directories(env.mosaic_home);
    fs::permissions(env.mosaic_home, fs::perms::all, fs::perm_options::replace);
    auto install = env.mosaic({"config", "hooks", "install"});
    EXPECT_EQ(install.exit_code, 3) << install.err;
    EXPECT_THAT(install.err, HasSubstr("'" + env.mosaic_home.string() + "' is writable by others (mode 0777)"));
    EXPECT_FALSE(fs::exists(env.mosaic_home / "hooks"));
    auto set = env.mosaic({"config", "set", "agent.name", "x"});
    EXPECT_EQ(set.exit_code, 3) << set.err;
    EXPECT_FALSE(fs::exists(config()));
    auto show = env.mosaic({"config", "show"});
    EXPECT_EQ(show.exit_code, 0) << show.err;
    EXPECT_THAT(show.err, HasSubstr("is writable by others"));
}
