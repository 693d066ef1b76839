// The services of docs/services.md, called as another plugin (the wizard) would, through FakeHost.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <mosaic/testing/fake_host.hpp>

#include "test_util.hpp"

using mosaic::testing::FakeHost;
using nlohmann::json;
using namespace config_hooks_test;

namespace {
ino_t inode_of(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_ino;
}
}  // namespace

TEST(PluginDescriptor, DeclaresConfigCommandAndItsServices) {
    FakeHost host;
    const auto& d = host.descriptor();
    EXPECT_STREQ(d.name, "config-hooks");
    ASSERT_EQ(d.command_count, 1u);
    EXPECT_STREQ(d.commands[0]->name, "config");
    std::vector<std::string> services;
    for (uint32_t i = 0; i < d.service_count; ++i) services.emplace_back(d.services[i]->name);
    EXPECT_EQ(services, (std::vector<std::string>{"config.get", "config.set", "hooks.install", "hooks.uninstall",
                                                  "hooks.preview", "config-hooks.doctor"}));
}

TEST(ConfigHooksDoctor, NamesAnUnparsableHooksFileAndAMissingScriptWithTheirFix) {
    FakeHost host;
    auto fresh = host.call("config-hooks.doctor");
    ASSERT_EQ(fresh.code, 0) << fresh.error;
    for (const auto& c : fresh.json["checks"]) EXPECT_EQ(c["ok"], true) << c.dump();
    ASSERT_EQ(host.run("config", {"hooks", "install"}).code, 0);
    std::filesystem::remove(host.home / "hooks/typecheck");
    auto missing = host.call("config-hooks.doctor");
    json scripts;
    for (const auto& c : missing.json["checks"])
        if (c["name"] == "hook scripts") scripts = c;
    EXPECT_EQ(scripts["ok"], false) << missing.json.dump();
    EXPECT_NE(scripts["detail"].get<std::string>().find("typecheck"), std::string::npos);
    EXPECT_EQ(scripts["fix"], "run 'mosaic config hooks install'");
    std::ofstream(host.claude_home / "hooks-config.json") << "{ not json";
    auto broken = host.call("config-hooks.doctor");
    json hooks = broken.json["checks"][1];
    EXPECT_EQ(hooks["name"], "hooks-config");
    EXPECT_EQ(hooks["ok"], false);
    EXPECT_NE(hooks["detail"].get<std::string>().find("cannot parse"), std::string::npos) << hooks.dump();
    EXPECT_NE(hooks["fix"].get<std::string>().find("install --force"), std::string::npos);
}

TEST(ConfigGetService, UnsetIsNotAnError) {
    FakeHost host;
    auto r = host.call("config.get", {{"key", "agent.name"}});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.json, (json{{"key", "agent.name"}, {"set", false}, {"value", nullptr}}));
}

TEST(ConfigGetService, ReturnsAnyJsonValue) {
    FakeHost host;
    spit(host.home / "mosaic.config.json", R"({"agent": {"name": "Mosaic", "limits": {"n": [1, 2]}}})");
    EXPECT_EQ(host.call("config.get", {{"key", "agent.name"}}).json["value"], "Mosaic");
    EXPECT_EQ(host.call("config.get", {{"key", "agent.limits"}}).json["value"], json::parse(R"({"n": [1, 2]})"));
}

TEST(ConfigGetService, MissingKeyIsUsageError) {
    FakeHost host;
    EXPECT_EQ(host.call("config.get", json::object()).code, 2);
    EXPECT_EQ(host.call("config.get", {{"key", 3}}).code, 2);
}

TEST(ConfigSetService, WritesValuesAsGivenAndSkipsRewriteWhenUnchanged) {
    FakeHost host;
    json values{{"agent.name", "Mosaic"}, {"agent.intent", "general"}, {"gateway.port", "14242"}, {"x.flag", true}};
    auto r = host.call("config.set", {{"values", values}, {"ignored", 1}});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.json, (json{{"changed", true}}));
    auto file = host.home / "mosaic.config.json";
    EXPECT_EQ(read_json(file), json::parse(R"({"agent": {"name": "Mosaic", "intent": "general"},
                                               "gateway": {"port": "14242"}, "x": {"flag": true}})"));
    ino_t before = inode_of(file);
    auto again = host.call("config.set", {{"values", values}});
    EXPECT_EQ(again.json, (json{{"changed", false}}));
    EXPECT_EQ(inode_of(file), before);  // an atomic rewrite would have a new inode
}

TEST(ConfigSetService, OneBadKeyWritesNothing) {
    FakeHost host;
    spit(host.home / "mosaic.config.json", R"({"agent": "flat"})");
    auto r = host.call("config.set", {{"values", {{"other.key", 1}, {"agent.name", "x"}}}});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(slurp(host.home / "mosaic.config.json"), R"({"agent": "flat"})");
    EXPECT_EQ(host.call("config.set", json::object()).code, 2);
    EXPECT_EQ(host.call("config.set", {{"values", {{"a..b", 1}}}}).code, 2);
}

TEST(HooksInstallService, InstallsAndReportsHooks) {
    FakeHost host;
    auto r = host.call("hooks.install", {{"force", false}});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.json, (json{{"changed", true}, {"hooks", {"prevent-memory-write", "typecheck"}}, {"backup", nullptr}}));
    EXPECT_EQ(host.call("hooks.install").json["changed"], false);
    EXPECT_TRUE(fs::exists(host.home / "hooks/typecheck"));
}

TEST(HooksInstallService, UserOwnedFileIsRefusedWith3UnlessForced) {
    FakeHost host;
    spit(host.claude_home / "hooks-config.json", "{}");
    auto refused = host.call("hooks.install", json::object());
    EXPECT_EQ(refused.code, 3);
    EXPECT_EQ(slurp(host.claude_home / "hooks-config.json"), "{}");
    auto forced = host.call("hooks.install", {{"force", true}});
    ASSERT_EQ(forced.code, 0) << forced.error;
    ASSERT_TRUE(forced.json["backup"].is_string());
    EXPECT_EQ(slurp(forced.json["backup"].get<std::string>()), "{}");
    EXPECT_EQ(host.call("hooks.install", {{"force", "yes"}}).code, 2);
}

TEST(HooksUninstallService, NoopWhenNothingInstalledThenRemoves) {
    FakeHost host;
    EXPECT_EQ(host.call("hooks.uninstall").json, (json{{"changed", false}}));
    ASSERT_EQ(host.call("hooks.install").code, 0);
    EXPECT_EQ(host.call("hooks.uninstall").json, (json{{"changed", true}}));
    EXPECT_FALSE(fs::exists(host.claude_home / "hooks-config.json"));
    EXPECT_FALSE(fs::exists(host.home / "hooks"));
}

TEST(HooksPreviewService, DescribesWhatInstallWritesWithoutWriting) {
    FakeHost host;
    auto r = host.call("hooks.preview");
    ASSERT_EQ(r.code, 0);
    ASSERT_EQ(r.json["hooks"].size(), 2u);
    EXPECT_EQ(r.json["hooks"][0]["id"], "prevent-memory-write");
    EXPECT_EQ(r.json["hooks"][0]["event"], "PreToolUse");
    EXPECT_EQ(r.json["hooks"][1]["id"], "typecheck");
    EXPECT_EQ(r.json["hooks"][1]["event"], "PostToolUse");
    EXPECT_EQ(r.json["hooks"][1]["matcher"], "Write|Edit|MultiEdit");
    EXPECT_FALSE(r.json["hooks"][1]["description"].get<std::string>().empty());
    EXPECT_FALSE(fs::exists(host.claude_home));
    EXPECT_FALSE(fs::exists(host.home / "hooks"));
}

TEST(UnknownService, IsRefused) {
    FakeHost host;
    EXPECT_EQ(host.call("hooks.nope").code, 3);
}
