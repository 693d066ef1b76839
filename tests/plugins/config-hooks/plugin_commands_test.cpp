// `mosaic config ...` driven through FakeHost: temp homes, no process, no real home.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <mosaic/testing/fake_host.hpp>

#include "test_util.hpp"

using mosaic::testing::FakeHost;
using namespace config_hooks_test;

namespace {

fs::path config_path(const FakeHost& h) { return h.home / "mosaic.config.json"; }
fs::path hooks_path(const FakeHost& h) { return h.claude_home / "hooks-config.json"; }
fs::path settings_path(const FakeHost& h) { return h.claude_home / "settings.json"; }

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
}

}  // namespace

TEST(ConfigCommand, PathPrintsTheConfigFileUnderHome) {
    FakeHost host;
    auto r = host.run("config", {"path"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, config_path(host).string() + "\n");
}

TEST(ConfigCommand, SetThenGetRoundTripsTypedValues) {
    FakeHost host;
    EXPECT_EQ(host.run("config", {"set", "agent.name", "Mosaic"}).code, 0);
    EXPECT_EQ(host.run("config", {"set", "gateway.port", "14242"}).code, 0);
    EXPECT_EQ(host.run("config", {"set", "hooks.enabled", "false"}).code, 0);
    EXPECT_EQ(host.run("config", {"set", "agent.tags", "[\"a\",\"b\"]"}).code, 0);
    EXPECT_EQ(host.run("config", {"set", "agent.code", "0755", "--string"}).code, 0);
    EXPECT_EQ(host.run("config", {"set", "agent.version", "2", "--string"}).code, 0);
    EXPECT_EQ(read_json(config_path(host)), nlohmann::json::parse(R"({"agent": {"name": "Mosaic",
        "tags": ["a", "b"], "code": "0755", "version": "2"}, "gateway": {"port": 14242}, "hooks": {"enabled": false}})"));
    EXPECT_EQ(host.run("config", {"get", "agent.name"}).out, "Mosaic\n");
    EXPECT_EQ(host.run("config", {"get", "gateway.port"}).out, "14242\n");
    EXPECT_EQ(host.run("config", {"get", "hooks.enabled"}).out, "false\n");
    EXPECT_EQ(host.run("config", {"get", "agent.tags"}).out, "[\"a\",\"b\"]\n");
}

TEST(ConfigCommand, GetOfUnsetKeyExits3) {
    FakeHost host;
    auto r = host.run("config", {"get", "agent.name"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(r.error, "'agent.name' is not set in '" + config_path(host).string() + "'");
    EXPECT_FALSE(fs::exists(config_path(host)));
}

TEST(ConfigCommand, SetKeepsUnknownKeysOrderAndMode) {
    FakeHost host;
    spit(config_path(host), "{\"zeta\": {\"keep\": true}, \"agent\": {\"intent\": \"general\"}, \"alpha\": 1}\n");
    ::chmod(config_path(host).c_str(), 0640);
    EXPECT_EQ(host.run("config", {"set", "agent.name", "Mosaic"}).code, 0);
    EXPECT_EQ(slurp(config_path(host)),
              "{\n  \"zeta\": {\n    \"keep\": true\n  },\n  \"agent\": {\n    \"intent\": \"general\",\n"
              "    \"name\": \"Mosaic\"\n  },\n  \"alpha\": 1\n}\n");
    EXPECT_EQ(mode_of(config_path(host)), 0640u);
}

TEST(ConfigCommand, InvalidConfigJsonExits2AndFileIsUnchanged) {
    FakeHost host;
    const std::string bad = "{\n  \"agent\": {\"name\": \"x\",}\n}\n";
    spit(config_path(host), bad);
    for (auto args : {std::vector<std::string>{"set", "agent.name", "y"}, {"get", "agent.name"}, {"show"}}) {
        auto r = host.run("config", args);
        EXPECT_EQ(r.code, 2) << args[0];
        EXPECT_TRUE(contains(r.error, "cannot parse '" + config_path(host).string() + "' line 2 column")) << r.error;
    }
    EXPECT_EQ(slurp(config_path(host)), bad);
}

TEST(ConfigCommand, SetThroughAScalarExits2NamingKeyAndPosition) {
    FakeHost host;
    const std::string text = "{\"agent\": 7}";
    spit(config_path(host), text);
    auto r = host.run("config", {"set", "agent.name", "y"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "'agent' in '" + config_path(host).string() + "' line 1 column 11 is a number"))
        << r.error;
    EXPECT_EQ(slurp(config_path(host)), text);
}

TEST(ConfigCommand, BadKeyAndMissingArgumentsAreUsageErrors) {
    FakeHost host;
    EXPECT_EQ(host.run("config", {"set", "agent..name", "x"}).code, 2);
    EXPECT_EQ(host.run("config", {"set", "agent.name"}).code, 2);
    EXPECT_EQ(host.run("config", {"frobnicate"}).code, 2);
    EXPECT_EQ(host.run("config", {"hooks", "frobnicate"}).code, 2);
    // Without a subcommand: the group's help, exit 0 (as kubectl and gh do).
    auto help = host.run("config", {});
    EXPECT_EQ(help.code, 0);
    EXPECT_TRUE(contains(help.out, "usage: mosaic config <command> [options]")) << help.out;
    EXPECT_TRUE(contains(host.run("config", {"hooks"}).out, "usage: mosaic config hooks <command> [options]"));
}

TEST(ConfigShow, RedactsSecretsEverywhereByDefault) {
    FakeHost host;
    spit(config_path(host), R"({"agent": {"name": "Mosaic"}, "provider": {"api_key": "sk-ant-hunter2x1"},
                               "gateway": {"admin_token": "tok-hunter2x2"}})");
    spit(host.home / "credentials.json", R"({"anthropic": {"api_key": "sk-ant-hunter2x3"}})");
    spit(host.home / "gateway/.env", "MOSAIC_GATEWAY_PORT=14242\nBETTER_AUTH_SECRET=hunter2x4\n"
                                     "MOSAIC_DATABASE_URL=postgresql://mosaic:hunter2x5@db/mosaic\n");
    spit(host.home / "gateway/meta.json", R"({"port": 14242, "adminToken": "hunter2x6", "tier": "local"})");
    for (bool json : {false, true}) {
        std::vector<std::string> args{"show"};
        if (json) args.push_back("--json");
        auto r = host.run("config", args);
        ASSERT_EQ(r.code, 0) << r.error;
        EXPECT_FALSE(contains(r.out, "hunter2")) << r.out;
        EXPECT_TRUE(contains(r.out, "Mosaic"));
        EXPECT_TRUE(contains(r.out, "14242"));
        EXPECT_TRUE(contains(r.out, "***"));
        if (json) {
            auto v = nlohmann::json::parse(r.out);
            EXPECT_EQ(v["home"], host.home.string());
            EXPECT_EQ(v["claude_home"], host.claude_home.string());
            EXPECT_EQ(v["config"]["provider"]["api_key"], "***");
            EXPECT_EQ(v["credentials"]["anthropic"]["api_key"], "***");
            EXPECT_EQ(v["gateway"]["env"]["MOSAIC_GATEWAY_PORT"], "14242");
            EXPECT_EQ(v["gateway"]["env"]["BETTER_AUTH_SECRET"], "***");
            EXPECT_EQ(v["gateway"]["env"]["MOSAIC_DATABASE_URL"], "postgresql://mosaic:***@db/mosaic");
            EXPECT_EQ(v["gateway"]["meta"]["adminToken"], "***");
            EXPECT_EQ(v["gateway"]["meta"]["tier"], "local");
        }
    }
}

TEST(ConfigShow, ShowSecretsRevealsThem) {
    FakeHost host;
    spit(config_path(host), R"({"provider": {"api_key": "sk-ant-SECRET1"}})");
    spit(host.home / "credentials.json", R"({"openai": {"api_key": "sk-SECRET3"}})");
    auto r = host.run("config", {"show", "--json", "--show-secrets"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto v = nlohmann::json::parse(r.out);
    EXPECT_EQ(v["config"]["provider"]["api_key"], "sk-ant-SECRET1");
    EXPECT_EQ(v["credentials"]["openai"]["api_key"], "sk-SECRET3");
}

TEST(ConfigShow, WithoutGatewayDirHasNoGatewaySummary) {
    FakeHost host;
    auto r = host.run("config", {"show", "--json"});
    ASSERT_EQ(r.code, 0) << r.error;
    auto v = nlohmann::json::parse(r.out);
    EXPECT_TRUE(v["gateway"].is_null());
    EXPECT_TRUE(v["credentials"].is_null());
    EXPECT_EQ(v["config"], nlohmann::json::object());
    auto text = host.run("config", {"show"});
    EXPECT_TRUE(contains(text.out, "gateway\n  (not installed)")) << text.out;
    EXPECT_TRUE(contains(text.out, "mosaic home   " + host.home.string())) << text.out;
}

TEST(HooksInstall, WritesScriptsHooksConfigAndSettings) {
    FakeHost host;
    auto r = host.run("config", {"hooks", "install"});
    ASSERT_EQ(r.code, 0) << r.error;
    for (const char* id : {"prevent-memory-write", "typecheck"}) {
        auto script = host.home / "hooks" / id;
        EXPECT_EQ(mode_of(script), 0755u) << id;
        EXPECT_EQ(slurp(script).rfind("#!/bin/sh\n", 0), 0u) << id;
    }
    auto config = read_json(hooks_path(host));
    EXPECT_EQ(config["mosaic-managed"], true);
    EXPECT_EQ(config["hooks"]["PreToolUse"][0]["id"], "prevent-memory-write");
    EXPECT_EQ(config["hooks"]["PostToolUse"][0]["hooks"][0]["command"], (host.home / "hooks/typecheck").string());
    auto settings = read_json(settings_path(host));
    EXPECT_EQ(settings["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
              (host.home / "hooks/prevent-memory-write").string());
    EXPECT_FALSE(settings["hooks"]["PreToolUse"][0].contains("id"));
}

TEST(HooksInstall, SecondRunChangesNothing) {
    FakeHost host;
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    auto before = slurp(hooks_path(host)) + slurp(settings_path(host));
    auto r = host.run("config", {"hooks", "install"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "Mosaic's hooks are already installed\n");
    EXPECT_EQ(slurp(hooks_path(host)) + slurp(settings_path(host)), before);
}

TEST(HooksInstall, IntoRealisticSettingsKeepsEverythingOfTheUser) {
    FakeHost host;
    spit(settings_path(host), realistic_settings());
    ::chmod(settings_path(host).c_str(), 0600);
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    auto before = nlohmann::json::parse(realistic_settings());
    auto after = read_json(settings_path(host));
    for (const auto& [key, value] : before.items()) {
        if (key != "hooks") {
            EXPECT_EQ(after[key], value) << key;
        }
    }
    EXPECT_EQ(after["hooks"]["PreToolUse"][0], before["hooks"]["PreToolUse"][0]);
    EXPECT_EQ(after["hooks"]["PreToolUse"].size(), 2u);
    EXPECT_EQ(after["hooks"]["PostToolUse"][0], before["hooks"]["PostToolUse"][0]);
    EXPECT_EQ(after["hooks"]["Stop"], before["hooks"]["Stop"]);
    EXPECT_EQ(mode_of(settings_path(host)), 0600u);

    ASSERT_EQ(host.run("config", {"hooks", "uninstall"}).code, 0);
    EXPECT_EQ(read_json(settings_path(host)), before);
    EXPECT_FALSE(fs::exists(hooks_path(host)));
    EXPECT_FALSE(fs::exists(host.home / "hooks"));
}

TEST(HooksInstall, RefusesUserOwnedFileWithoutForceAndWritesNothing) {
    FakeHost host;
    const std::string mine = "{\"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"x\"}]}]}}\n";
    spit(hooks_path(host), mine);
    auto r = host.run("config", {"hooks", "install"});
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(contains(r.error, "'" + hooks_path(host).string() + "' was not written by Mosaic")) << r.error;
    EXPECT_TRUE(contains(r.error, "--force")) << r.error;
    EXPECT_EQ(slurp(hooks_path(host)), mine);
    EXPECT_FALSE(fs::exists(settings_path(host)));
    EXPECT_FALSE(fs::exists(host.home / "hooks"));
}

TEST(HooksInstall, ForceBacksUpTheUserFileFirst) {
    FakeHost host;
    const std::string mine = "{\"mine\": true}\n";
    spit(hooks_path(host), mine);
    auto r = host.run("config", {"hooks", "install", "--force"});
    ASSERT_EQ(r.code, 0) << r.error;
    std::vector<fs::path> backups;
    for (const auto& e : fs::directory_iterator(host.claude_home))
        if (e.path().filename().string().rfind("hooks-config.json.mosaic-bak-", 0) == 0) backups.push_back(e.path());
    ASSERT_EQ(backups.size(), 1u);
    EXPECT_EQ(slurp(backups[0]), mine);
    EXPECT_TRUE(contains(r.out, backups[0].string()));
    EXPECT_EQ(read_json(hooks_path(host))["mosaic-managed"], true);
}

TEST(HooksInstall, ForceAlsoReplacesAnUnparsableFileAfterBackingItUp) {
    FakeHost host;
    const std::string broken = "{ not json";
    spit(hooks_path(host), broken);
    auto plain = host.run("config", {"hooks", "install"});
    EXPECT_EQ(plain.code, 2);
    EXPECT_TRUE(contains(plain.error, "cannot parse '" + hooks_path(host).string() + "' line 1 column")) << plain.error;
    EXPECT_EQ(slurp(hooks_path(host)), broken);
    auto forced = host.run("config", {"hooks", "install", "--force"});
    ASSERT_EQ(forced.code, 0) << forced.error;
    EXPECT_EQ(read_json(hooks_path(host))["mosaic-managed"], true);
    // The unparsable file was kept byte for byte, where the output says.
    std::vector<fs::path> backups;
    for (const auto& e : fs::directory_iterator(hooks_path(host).parent_path()))
        if (e.path().filename().string().rfind("hooks-config.json.mosaic-bak-", 0) == 0) backups.push_back(e.path());
    ASSERT_EQ(backups.size(), 1u);
    EXPECT_EQ(slurp(backups[0]), broken);
    EXPECT_TRUE(contains(forced.out, "backed up the previous hooks-config.json to '" + backups[0].string() + "'"))
        << forced.out;
}

TEST(HooksInstall, InvalidSettingsExits2AndWritesNothing) {
    FakeHost host;
    const std::string bad = "{\n  \"model\": \"opus\"\n  \"env\": {}\n}\n";
    spit(settings_path(host), bad);
    auto r = host.run("config", {"hooks", "install"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "cannot parse '" + settings_path(host).string() + "' line 3 column")) << r.error;
    EXPECT_EQ(slurp(settings_path(host)), bad);
    EXPECT_FALSE(fs::exists(hooks_path(host)));
    EXPECT_FALSE(fs::exists(host.home / "hooks"));
}

TEST(HooksInstall, SettingsWithWrongTypeAtHooksExits2WithPosition) {
    FakeHost host;
    const std::string bad = "{\"model\": \"opus\", \"hooks\": [\"not\", \"an object\"]}";
    spit(settings_path(host), bad);
    auto r = host.run("config", {"hooks", "install"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "'hooks' in '" + settings_path(host).string() + "' line 1 column 28 is an array"))
        << r.error;
    EXPECT_EQ(slurp(settings_path(host)), bad);
    EXPECT_FALSE(fs::exists(hooks_path(host)));
}

TEST(HooksList, PrintsTableAndJson) {
    FakeHost host;
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    ASSERT_EQ(host.run("config", {"hooks", "disable", "typecheck"}).code, 0);
    auto r = host.run("config", {"hooks", "list"});
    ASSERT_EQ(r.code, 0);
    EXPECT_EQ(r.out.rfind("EVENT", 0), 0u) << r.out;
    EXPECT_TRUE(contains(r.out, "PreToolUse   prevent-memory-write  Write|Edit|MultiEdit")) << r.out;
    EXPECT_TRUE(contains(r.out, "enabled\n"));
    EXPECT_TRUE(contains(r.out, "typecheck"));
    EXPECT_TRUE(contains(r.out, "disabled\n"));
    auto j = nlohmann::json::parse(host.run("config", {"hooks", "list", "--json"}).out);
    ASSERT_EQ(j["hooks"].size(), 2u);
    EXPECT_EQ(j["hooks"][0]["status"], "enabled");
    EXPECT_EQ(j["hooks"][1]["id"], "typecheck");
    EXPECT_EQ(j["hooks"][1]["status"], "disabled");
    EXPECT_EQ(j["hooks"][1]["event"], "PostToolUse");
}

TEST(HooksList, WithoutFileSaysHowToInstall) {
    FakeHost host;
    auto r = host.run("config", {"hooks", "list"});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(contains(r.out, "mosaic config hooks install")) << r.out;
    auto j = nlohmann::json::parse(host.run("config", {"hooks", "list", "--json"}).out);
    EXPECT_EQ(j["exists"], false);
    EXPECT_EQ(j["hooks"], nlohmann::json::array());
}

TEST(HooksToggle, DisablePostToolUseTakesItOutOfSettingsAndEnablePutsItBack) {
    FakeHost host;
    spit(settings_path(host), realistic_settings());
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    auto config_before = read_json(hooks_path(host));
    auto settings_before = slurp(settings_path(host));

    auto off = host.run("config", {"hooks", "disable", "PostToolUse"});
    ASSERT_EQ(off.code, 0) << off.error;
    EXPECT_EQ(off.out, "disabled event 'PostToolUse' (1 group)\n");
    auto settings = read_json(settings_path(host));
    ASSERT_EQ(settings["hooks"]["PostToolUse"].size(), 1u);
    EXPECT_EQ(settings["hooks"]["PostToolUse"][0]["hooks"][0]["command"], "npx prettier --write \"$CLAUDE_FILE\"");
    EXPECT_EQ(settings["hooks"]["PreToolUse"].size(), 2u);

    EXPECT_EQ(host.run("config", {"hooks", "disable", "PostToolUse"}).out, "event 'PostToolUse' is already disabled\n");
    ASSERT_EQ(host.run("config", {"hooks", "enable", "PostToolUse"}).code, 0);
    EXPECT_EQ(host.run("config", {"hooks", "enable", "PostToolUse"}).out, "event 'PostToolUse' is already enabled\n");
    EXPECT_EQ(read_json(hooks_path(host)), config_before);
    EXPECT_EQ(slurp(settings_path(host)), settings_before);
}

TEST(HooksToggle, UnknownTargetExits2ListingWhatExists) {
    FakeHost host;
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    auto before = slurp(hooks_path(host));
    auto r = host.run("config", {"hooks", "disable", "posttooluse"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "unknown hook event or id 'posttooluse'")) << r.error;
    EXPECT_TRUE(contains(r.error, "events: PreToolUse, PostToolUse; ids: prevent-memory-write, typecheck")) << r.error;
    EXPECT_EQ(slurp(hooks_path(host)), before);
}

TEST(HooksToggle, WithoutHooksConfigExits3) {
    FakeHost host;
    auto r = host.run("config", {"hooks", "enable", "PreToolUse"});
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(contains(r.error, "mosaic config hooks install")) << r.error;
    EXPECT_FALSE(fs::exists(hooks_path(host)));
}

TEST(HooksToggle, WrongTypeInHooksConfigExits2WithPositionAndFileUnchanged) {
    FakeHost host;
    const std::string bad = "{\n  \"mosaic-managed\": true,\n  \"hooks\": {\n    \"PreToolUse\": {\"id\": \"x\"}\n  }\n}\n";
    spit(hooks_path(host), bad);
    for (auto args : {std::vector<std::string>{"hooks", "disable", "PreToolUse"}, {"hooks", "list"},
                      {"hooks", "install"}, {"hooks", "uninstall"}}) {
        auto r = host.run("config", args);
        EXPECT_EQ(r.code, 2) << args[1];
        EXPECT_TRUE(contains(r.error, "'hooks.PreToolUse' in '" + hooks_path(host).string() +
                                          "' line 4 column 19 is an object; expected an array"))
            << r.error;
    }
    EXPECT_EQ(slurp(hooks_path(host)), bad);
    EXPECT_FALSE(fs::exists(settings_path(host)));
}

TEST(HooksToggle, InvalidSettingsStopsToggleBeforeAnyWrite) {
    FakeHost host;
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    auto config_before = slurp(hooks_path(host));
    spit(settings_path(host), "{\"hooks\": ");
    auto r = host.run("config", {"hooks", "disable", "PostToolUse"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, settings_path(host).string())) << r.error;
    EXPECT_EQ(slurp(hooks_path(host)), config_before);
    EXPECT_EQ(slurp(settings_path(host)), "{\"hooks\": ");
}

TEST(HooksUninstall, KeepsUserGroupsInAManagedFileAndUnrelatedFiles) {
    FakeHost host;
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    auto config = read_json(hooks_path(host));
    config["hooks"]["Stop"] = nlohmann::json::parse(R"([{"id": "mine", "hooks": [{"type": "command", "command": "/u/x"}]}])");
    spit(hooks_path(host), config.dump(2));
    spit(host.home / "hooks/user-script", "#!/bin/sh\n");
    ASSERT_EQ(host.run("config", {"hooks", "enable", "Stop"}).code, 0);  // already enabled: re-syncs only

    auto r = host.run("config", {"hooks", "uninstall"});
    ASSERT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "removed Mosaic's hooks\n");
    auto left = read_json(hooks_path(host));
    EXPECT_EQ(left["hooks"], nlohmann::json::parse(R"({"Stop": [{"id": "mine", "hooks": [{"type": "command", "command": "/u/x"}]}]})"));
    EXPECT_TRUE(fs::exists(host.home / "hooks/user-script"));
    EXPECT_FALSE(fs::exists(host.home / "hooks/typecheck"));
    EXPECT_EQ(read_json(settings_path(host)), nlohmann::json::object());
    EXPECT_EQ(host.run("config", {"hooks", "uninstall"}).out, "Mosaic's hooks are not installed\n");
}

TEST(HooksUninstall, LeavesAUserOwnedHooksConfigAlone) {
    FakeHost host;
    const std::string mine = "{\"hooks\": {}}";
    spit(hooks_path(host), mine);
    auto r = host.run("config", {"hooks", "uninstall"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(slurp(hooks_path(host)), mine);
}
