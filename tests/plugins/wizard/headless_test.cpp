// `mosaic wizard` without a terminal, against FakeHost and in-memory config-hooks and gateway
// services: defaults, then the environment, then apply in the order docs/behaviour.md ("wizard") gives.
#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

#include <mosaic/testing/fake_host.hpp>

#include "fake_world.hpp"

using mosaic::testing::FakeHost;
using namespace wizard_test;

namespace {

struct WizardHeadless : ::testing::Test {
    FakeHost host;
    FakeWorld world;
    void SetUp() override {
        world.install(host);
        host.env["MOSAIC_ADMIN_EMAIL"] = "admin@example.com";
        host.env["MOSAIC_ADMIN_PASSWORD"] = "correct-horse";
    }
    std::filesystem::path credentials() const { return host.home / "credentials.json"; }
};

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(WizardDescriptor, ProvidesTheWizardCommandAndNoService) {
    FakeHost host;
    const auto& d = host.descriptor();
    EXPECT_STREQ(d.name, "wizard");
    ASSERT_EQ(d.command_count, 1u);
    EXPECT_STREQ(d.commands[0]->name, "wizard");
    EXPECT_EQ(d.service_count, 0u);
}

TEST_F(WizardHeadless, AppliesConfigThenHooksThenGatewayThenSavesProgress) {
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(writes(host), (std::vector<std::string>{"config.set", "hooks.install", "gateway.configure",
                                                       "gateway.start", "gateway.bootstrap", "config.set"}));
    EXPECT_EQ(world.config["agent.name"], "Mosaic");
    EXPECT_EQ(world.config["agent.intent"], "general");
    EXPECT_EQ(world.config["wizard.sections_done"],
              json({"quick-start", "providers", "identity", "hooks", "gateway"}));
    EXPECT_TRUE(world.hooks_installed);
    EXPECT_EQ(world.port, 14242);
    EXPECT_EQ(world.tier, "local");
    EXPECT_EQ(world.cors_origin, "http://localhost:3000");
    EXPECT_EQ(world.admin_email, "admin@example.com");
    EXPECT_EQ(world.admin_password, "correct-horse");
    EXPECT_TRUE(host.prompts.empty());
}

TEST_F(WizardHeadless, ReadyAndSummaryComeAfterHealthAndBootstrap) {
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    auto ready = r.out.find("Mosaic is ready.");
    ASSERT_NE(ready, std::string::npos) << r.out;
    EXPECT_LT(r.out.find("Bootstrapping the admin"), ready);
    EXPECT_NE(r.out.find("Summary", ready), std::string::npos);
    EXPECT_NE(r.out.find("http://127.0.0.1:14242 (local tier, healthy"), std::string::npos);
    EXPECT_NE(r.out.find("admin@example.com (created)"), std::string::npos);
    EXPECT_NE(r.out.find("tok-shown-once"), std::string::npos) << "the new admin token is shown once";
    EXPECT_EQ(r.out.find("correct-horse"), std::string::npos);
    EXPECT_EQ(r.err.find("correct-horse"), std::string::npos);
}

TEST_F(WizardHeadless, TakesIdentityAndGatewayFromTheEnvironment) {
    host.env["MOSAIC_AGENT_NAME"] = "Ops Bot";
    host.env["MOSAIC_AGENT_INTENT"] = "devops";
    host.env["MOSAIC_GATEWAY_PORT"] = "15077";
    host.env["MOSAIC_CORS_ORIGIN"] = "https://ui.example.com";
    host.env["MOSAIC_ADMIN_NAME"] = "Root";
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(world.config["agent.name"], "Ops Bot");
    EXPECT_EQ(world.config["agent.intent"], "devops");
    EXPECT_EQ(world.port, 15077);
    EXPECT_EQ(world.cors_origin, "https://ui.example.com");
    EXPECT_EQ(last_input(host, "gateway.bootstrap")["name"], "Root");
}

TEST_F(WizardHeadless, SkipClaudeHooksRemovesMosaicHooksInsteadOfInstalling) {
    world.hooks_installed = true;
    host.env["MOSAIC_SKIP_CLAUDE_HOOKS"] = "1";
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    auto w = writes(host);
    EXPECT_EQ(std::count(w.begin(), w.end(), "hooks.install"), 0);
    EXPECT_EQ(w.at(1), "hooks.uninstall");
    EXPECT_FALSE(world.hooks_installed);
    EXPECT_EQ(world.config["wizard.hooks"], false);
    EXPECT_TRUE(contains(r.out, "declined; Mosaic's hooks removed"));
}

TEST_F(WizardHeadless, AnthropicKeyGoesToCredentialsFileWithMode0600AndToTheGateway) {
    host.env["MOSAIC_ANTHROPIC_API_KEY"] = "sk-ant-test-123";
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    struct stat st {};
    ASSERT_EQ(::stat(credentials().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    EXPECT_EQ(json::parse(read(credentials()))["anthropic"]["api_key"], "sk-ant-test-123");
    EXPECT_EQ(world.config["provider.name"], "anthropic");
    EXPECT_EQ(world.anthropic_api_key, "sk-ant-test-123");
    EXPECT_FALSE(world.config.dump().find("sk-ant-test-123") != std::string::npos) << "keys are not configuration";
    EXPECT_FALSE(contains(r.out + r.err, "sk-ant-test-123"));
}

TEST_F(WizardHeadless, MissingAdminPasswordNamesTheVariableAndWritesNothing) {
    host.env.erase("MOSAIC_ADMIN_PASSWORD");
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "MOSAIC_ADMIN_PASSWORD")) << r.error;
    EXPECT_TRUE(writes(host).empty());
    EXPECT_FALSE(std::filesystem::exists(credentials()));
}

TEST_F(WizardHeadless, ShortAdminPasswordNamesTheVariableWithoutEchoingIt) {
    host.env["MOSAIC_ADMIN_PASSWORD"] = "seven77";
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "MOSAIC_ADMIN_PASSWORD"));
    EXPECT_TRUE(contains(r.error, "at least 8 characters"));
    EXPECT_FALSE(contains(r.error + r.out + r.err, "seven77"));
    EXPECT_TRUE(writes(host).empty());
}

TEST_F(WizardHeadless, InvalidGatewayVariableIsAUsageErrorBeforeAnythingIsWritten) {
    host.env["MOSAIC_GATEWAY_PORT"] = "not-a-port";
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "MOSAIC_GATEWAY_PORT"));
    EXPECT_TRUE(writes(host).empty());
}

TEST_F(WizardHeadless, UnknownIntentListsTheIntents) {
    host.env["MOSAIC_AGENT_INTENT"] = "astrology";
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "MOSAIC_AGENT_INTENT"));
    EXPECT_TRUE(contains(r.error, "software-dev"));
}

TEST_F(WizardHeadless, TeamTierWithoutDatabaseUrlNamesIt) {
    host.env["MOSAIC_STORAGE_TIER"] = "team";
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, "MOSAIC_DATABASE_URL"));
    EXPECT_TRUE(writes(host).empty());
}

TEST_F(WizardHeadless, MissingGatewayPluginSkipsItsStageWithOneLineNamingThePackage) {
    FakeHost h;
    FakeWorld w;
    w.install(h, /*with_config_hooks=*/true, /*with_gateway=*/false);
    auto r = h.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    std::size_t lines = 0;
    for (std::size_t p = r.err.find("mosaic-plugin-gateway"); p != std::string::npos;
         p = r.err.find("mosaic-plugin-gateway", p + 1))
        ++lines;
    EXPECT_EQ(lines, 1u) << r.err;
    EXPECT_TRUE(contains(r.out, "Gateway") && contains(r.out, "skipped: package mosaic-plugin-gateway is not installed"));
    EXPECT_FALSE(contains(r.out, "Mosaic is ready."));
    EXPECT_EQ(w.config["agent.name"], "Mosaic");
    EXPECT_TRUE(w.hooks_installed);
    EXPECT_EQ(w.config["wizard.sections_done"], json({"providers", "identity", "hooks"}));
}

TEST_F(WizardHeadless, MissingConfigHooksSkipsConfigAndHooksAndKeepsStateInTheDataDir) {
    FakeHost h;
    FakeWorld w;
    w.install(h, /*with_config_hooks=*/false, /*with_gateway=*/true);
    h.env["MOSAIC_ADMIN_EMAIL"] = "admin@example.com";
    h.env["MOSAIC_ADMIN_PASSWORD"] = "correct-horse";
    auto r = h.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(contains(r.err, "package mosaic-plugin-config-hooks is not installed"));
    EXPECT_TRUE(contains(r.out, "Mosaic is ready."));
    EXPECT_TRUE(w.gateway_running);
    auto state = json::parse(read(h.data_dir / "state.json"));
    EXPECT_EQ(state["agent.name"], "Mosaic");
    EXPECT_EQ(state["wizard.sections_done"], json({"gateway"}));
    EXPECT_FALSE(std::filesystem::exists(h.home / "mosaic.config.json"));
}

TEST_F(WizardHeadless, FailingGatewayStartNamesTheStageAndExits1WithoutTheSummary) {
    world.fail_start = true;
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.error, "gateway stage 'start' failed")) << r.error;
    EXPECT_TRUE(contains(r.error, "boom"));
    EXPECT_FALSE(contains(r.out, "Mosaic is ready."));
    EXPECT_FALSE(contains(r.out, "Summary"));
    auto w = writes(host);
    EXPECT_EQ(std::count(w.begin(), w.end(), "gateway.bootstrap"), 0);
    EXPECT_FALSE(world.config.contains("wizard.sections_done"));
}

TEST_F(WizardHeadless, SecondRunChangesNothingAndSucceeds) {
    host.env["MOSAIC_ANTHROPIC_API_KEY"] = "sk-ant-test-123";
    ASSERT_EQ(host.run("wizard", {}).code, 0);
    struct stat before {};
    ::stat(credentials().c_str(), &before);
    int config_writes = world.config_writes, hooks = world.hooks_changes, gw = world.gateway_changes;

    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(world.config_writes, config_writes);
    EXPECT_EQ(world.hooks_changes, hooks);
    EXPECT_EQ(world.gateway_changes, gw);
    EXPECT_EQ(world.admins_created, 1);
    struct stat after {};
    ::stat(credentials().c_str(), &after);
    EXPECT_EQ(before.st_ino, after.st_ino) << "credentials.json was rewritten";
    EXPECT_TRUE(contains(r.out, "Mosaic is ready."));
    EXPECT_TRUE(contains(r.out, "already exists"));
    EXPECT_FALSE(contains(r.out, "tok-shown-once"));
}

TEST_F(WizardHeadless, RerunOnAFinishedInstallNeedsNoAdminPasswordAndKeepsThePort) {
    world.finished_install(15123);
    host.env.erase("MOSAIC_ADMIN_EMAIL");
    host.env.erase("MOSAIC_ADMIN_PASSWORD");
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_FALSE(last_input(host, "gateway.configure").contains("port"));
    EXPECT_EQ(world.port, 15123);
    EXPECT_EQ(world.config_writes, 0);
    EXPECT_EQ(world.gateway_changes, 0);
}

TEST_F(WizardHeadless, UnparsableCredentialsFileStopsBeforeAnythingIsWritten) {
    std::filesystem::create_directories(host.home);
    std::ofstream(credentials()) << "{ not json";
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(contains(r.error, credentials().string())) << r.error;
    EXPECT_TRUE(writes(host).empty());
    EXPECT_EQ(read(credentials()), "{ not json");
}

TEST_F(WizardHeadless, UserOwnedHooksFileIsNotReplacedWithoutForce) {
    world.hooks_user_owned = true;
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 3);
    EXPECT_TRUE(contains(r.error, "hooks stage failed"));
    EXPECT_TRUE(contains(r.error, "mosaic config hooks install --force"));
    EXPECT_TRUE(world.hooks_user_owned);
}

TEST_F(WizardHeadless, SectionFlagAppliesOnlyThatSection) {
    host.env["MOSAIC_AGENT_NAME"] = "Solo";
    auto r = host.run("wizard", {"--section", "identity"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(writes(host), (std::vector<std::string>{"config.set", "config.set"}));
    EXPECT_EQ(world.config["agent.name"], "Solo");
    EXPECT_EQ(world.config["wizard.sections_done"], json({"identity"}));
    EXPECT_FALSE(world.gateway_installed);
}

TEST_F(WizardHeadless, UnknownSectionIsAUsageError) {
    auto r = host.run("wizard", {"--section", "everything"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(writes(host).empty());
}

TEST_F(WizardHeadless, YesFlagIsHeadlessEvenOnATerminal) {
    host.interactive = true;
    auto r = host.run("wizard", {"--yes"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(host.prompts.empty());
    EXPECT_TRUE(world.gateway_running);
}

TEST_F(WizardHeadless, WritesTheStarterContractFromTheIdentityAndNeverReplacesAUsersFile) {
    host.env["MOSAIC_AGENT_NAME"] = "Ops Bot";
    host.env["MOSAIC_AGENT_INTENT"] = "devops";
    host.env["MOSAIC_ADMIN_NAME"] = "Root";
    std::filesystem::create_directories(host.home);
    std::ofstream(host.home / "SOUL.md") << "my own soul\n";
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(contains(r.out, "Writing the starter contract (AGENTS.md, USER.md, TOOLS.md)")) << r.out;
    EXPECT_TRUE(contains(read(host.home / "AGENTS.md"), "You are Ops Bot")) << read(host.home / "AGENTS.md");
    EXPECT_TRUE(contains(read(host.home / "AGENTS.md"), "DevOps and operations"));
    EXPECT_TRUE(contains(read(host.home / "USER.md"), "Your operator is Root."));
    EXPECT_EQ(read(host.home / "SOUL.md"), "my own soul\n");
    EXPECT_FALSE(std::filesystem::exists(host.home / "AGENTS.local.md"));

    // A second run, with the user's edit and another name: every file stays as it is.
    std::ofstream(host.home / "AGENTS.md") << "edited\n";
    host.env["MOSAIC_AGENT_NAME"] = "Other";
    r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_FALSE(contains(r.out, "starter contract"));
    EXPECT_EQ(read(host.home / "AGENTS.md"), "edited\n");
    for (const auto& e : std::filesystem::directory_iterator(host.home))
        EXPECT_EQ(e.path().filename().string().find(".starter-"), std::string::npos) << e.path();
}
