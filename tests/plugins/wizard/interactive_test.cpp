// `mosaic wizard` on a terminal, against FakeHost with scripted answers: the menu, each
// section, and what they apply. Every question goes through the host's prompts, so
// host.prompts is exactly what the user was asked.
#include <gtest/gtest.h>

#include <fstream>

#include <mosaic/testing/fake_host.hpp>

#include "fake_world.hpp"

using mosaic::testing::FakeHost;
using namespace wizard_test;

namespace {

const std::string menu = "What would you like to set up?";
const std::string key_q = "Provider API key (sk-ant-... for Anthropic, sk-... for OpenAI; empty to skip)";
const std::string skip_q = "Skip the provider key? (add one later with 'mosaic wizard --section providers')";
const std::string email_q = "Admin email";
const std::string password_q = "Admin password (at least 8 characters)";
const std::string confirm_q = "Confirm admin password";
// Menu indexes.
const std::string quick_start = "0", providers = "1", identity = "2", hooks = "3", gateway = "4", finish = "5";

struct WizardInteractive : ::testing::Test {
    FakeHost host;
    FakeWorld world;
    void SetUp() override {
        world.install(host);
        host.interactive = true;
    }
    json credentials() const {
        std::ifstream in(host.home / "credentials.json");
        return json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    }
};

}  // namespace

TEST_F(WizardInteractive, QuickStartAsksOnlyKeyEmailAndPasswordReaskingShortAndMismatched) {
    host.answers = {quick_start, "sk-ant-quick-key", "admin@example.com",
                    "short",                                 // too short
                    "longpassword1", "different1",           // mismatch
                    "longpassword1", "longpassword1"};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(host.prompts, (std::vector<std::string>{menu, key_q, email_q, password_q, password_q, confirm_q,
                                                       password_q, confirm_q}));
    EXPECT_TRUE(contains(r.err, "the password must be at least 8 characters; try again"));
    EXPECT_TRUE(contains(r.err, "the passwords do not match; try again"));
    EXPECT_EQ(world.admin_password, "longpassword1");
    EXPECT_EQ(world.admin_email, "admin@example.com");
    EXPECT_EQ(credentials()["anthropic"]["api_key"], "sk-ant-quick-key");
    // Defaults for everything else.
    EXPECT_EQ(world.config["agent.name"], "Mosaic");
    EXPECT_EQ(world.port, 14242);
    EXPECT_EQ(world.tier, "local");
    EXPECT_EQ(world.cors_origin, "http://localhost:3000");
    EXPECT_TRUE(world.hooks_installed);
    EXPECT_TRUE(contains(r.out, "Detected provider: Anthropic"));
    EXPECT_TRUE(contains(r.out, "Mosaic is ready."));
    for (const char* secret : {"longpassword1", "different1", "short", "sk-ant-quick-key"})
        EXPECT_FALSE(contains(r.out + r.err + r.error, secret)) << secret;
}

TEST_F(WizardInteractive, WelcomesAndDetectsAnExistingInstallBeforeTheMenu) {
    world.finished_install();
    host.answers = {finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(contains(r.out, "Welcome to Mosaic"));
    auto found = r.out.find("Found an existing install");
    ASSERT_NE(found, std::string::npos) << r.out;
    EXPECT_TRUE(contains(r.out, "http://127.0.0.1:15123 (healthy, admin exists)"));
    EXPECT_EQ(host.prompts, std::vector<std::string>{menu});
}

TEST_F(WizardInteractive, SkippedKeyIsNeverAskedForAgain) {
    host.answers = {quick_start, "", "y", "admin@example.com", "longpassword1", "longpassword1"};
    ASSERT_EQ(host.run("wizard", {}).code, 0);
    EXPECT_EQ(world.config["provider.skipped"], true);
    EXPECT_FALSE(std::filesystem::exists(host.home / "credentials.json"));

    host.prompts.clear();
    host.answers = {quick_start, "y"};  // Quick Start is done: confirm running it again
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(host.prompts, (std::vector<std::string>{menu, "'Quick Start' is already done; run it again?"}));
    EXPECT_TRUE(contains(r.out, "skipped earlier"));
    EXPECT_EQ(world.admins_created, 1);
}

TEST_F(WizardInteractive, DeclinedSkipAsksForTheKeyAgain) {
    host.answers = {quick_start, "", "n", "sk-proj-openai-key", "admin@example.com", "longpassword1", "longpassword1"};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(credentials()["openai"]["api_key"], "sk-proj-openai-key");
    EXPECT_EQ(world.config["provider.name"], "openai");
    EXPECT_EQ(world.config["provider.skipped"], false);
    EXPECT_FALSE(last_input(host, "gateway.configure").contains("anthropic_api_key"));
    EXPECT_EQ(last_input(host, "gateway.configure")["openai_api_key"], "sk-proj-openai-key");
}

TEST_F(WizardInteractive, UnrecognisedKeyIsAskedAgainWithoutEchoingIt) {
    host.answers = {providers, "pk-live-whatever", "sk-ant-second-try", gateway, "", "0", "", "admin@example.com",
                    "longpassword1", "longpassword1", finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(contains(r.err, "does not start with 'sk-ant-' (Anthropic) or 'sk-' (OpenAI)"));
    EXPECT_FALSE(contains(r.out + r.err, "pk-live-whatever"));
    EXPECT_EQ(credentials()["anthropic"]["api_key"], "sk-ant-second-try");
}

TEST_F(WizardInteractive, DoneSectionRunsAgainOnlyWhenConfirmed) {
    world.finished_install();
    host.answers = {identity, "n", finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(host.prompts,
              (std::vector<std::string>{menu, "'Agent Identity' is already done; run it again?", menu}));
    EXPECT_EQ(world.config_writes, 0);
}

TEST_F(WizardInteractive, MenuDefaultIsTheFirstSectionNotDone) {
    world.finished_install();
    world.config["wizard.sections_done"] = {"quick-start", "providers", "identity", "hooks"};
    // The default is Gateway; keep every value shown; then Finish & Apply.
    host.answers = {"", "", "0", "", finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(host.prompts, (std::vector<std::string>{menu, "Gateway port", "Storage tier",
                                                       "CORS origin (the web UI's address)", menu}));
    EXPECT_EQ(world.gateway_changes, 0) << "keeping every value changes nothing";
    EXPECT_EQ(world.config["wizard.sections_done"],
              json({"quick-start", "providers", "identity", "hooks", "gateway"}));
}

TEST_F(WizardInteractive, IdentityOffersIntentsAndProposesAName) {
    world.finished_install();
    host.answers = {identity, "y", "2" /* devops */, "" /* accept proposal */, finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(world.config["agent.intent"], "devops");
    EXPECT_EQ(world.config["agent.name"], "Mosaic Ops");
    EXPECT_TRUE(contains(r.out, "Mosaic Ops (devops)"));
}

TEST_F(WizardInteractive, CustomIntentKeepsItsDescription) {
    world.finished_install();
    host.answers = {identity, "y", "5" /* custom */, "tends the greenhouse", "Gardener", finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(world.config["agent.intent"], "custom");
    EXPECT_EQ(world.config["agent.intent_description"], "tends the greenhouse");
    EXPECT_EQ(world.config["agent.name"], "Gardener");
}

TEST_F(WizardInteractive, HooksSectionPreviewsAndDeclineRemovesThem) {
    world.finished_install();
    host.answers = {hooks, "y", "n", finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(contains(r.out, "prevent-memory-write (PreToolUse on Write|Edit)"));
    EXPECT_TRUE(contains(r.out, "typecheck (PostToolUse on Write|Edit)"));
    auto w = writes(host);
    EXPECT_NE(std::find(w.begin(), w.end(), "hooks.uninstall"), w.end());
    EXPECT_FALSE(world.hooks_installed);
    EXPECT_EQ(world.config["wizard.hooks"], false);
}

TEST_F(WizardInteractive, GatewaySectionAsksPortTierAndOriginReaskingBadValues) {
    host.answers = {gateway, "99999", "15001", "1" /* team */, "mysql://x", "postgresql://db/mosaic",
                    "redis://cache:6379", "not-an-origin", "https://ui.example.com", "admin@example.com",
                    "longpassword1", "longpassword1", finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    auto in = last_input(host, "gateway.configure");
    EXPECT_EQ(in["port"], 15001);
    EXPECT_EQ(in["tier"], "team");
    EXPECT_EQ(in["database_url"], "postgresql://db/mosaic");
    EXPECT_EQ(in["valkey_url"], "redis://cache:6379");
    EXPECT_EQ(in["cors_origin"], "https://ui.example.com");
    EXPECT_TRUE(contains(r.err, "the port must be a port number from 1 to 65535"));
    EXPECT_TRUE(contains(r.err, "the database URL must be a PostgreSQL URL"));
    EXPECT_TRUE(contains(r.err, "the origin must be an origin"));
}

TEST_F(WizardInteractive, UserOwnedHooksFileIsReplacedOnlyAfterConsent) {
    world.finished_install();
    world.hooks_installed = false;
    world.hooks_user_owned = true;
    host.answers = {finish, "y"};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_TRUE(world.hooks_installed);
    EXPECT_TRUE(contains(r.out, "backup of the previous file: /claude/hooks-config.json.mosaic-bak-1"));
    EXPECT_EQ(last_input(host, "hooks.install")["force"], true);
}

TEST_F(WizardInteractive, MissingGatewayPluginIsNamedInTheSectionAndTheSummary) {
    FakeHost h;
    FakeWorld w;
    w.install(h, true, false);
    h.interactive = true;
    h.answers = {quick_start, "", "y"};
    auto r = h.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(h.prompts, (std::vector<std::string>{menu, key_q, skip_q}));
    EXPECT_TRUE(contains(r.out, "Gateway admin: package mosaic-plugin-gateway is not installed"));
    EXPECT_TRUE(contains(r.out, "skipped: package mosaic-plugin-gateway is not installed"));
    EXPECT_FALSE(contains(r.out, "Mosaic is ready."));
}

TEST_F(WizardInteractive, FailingGatewayStartExits1AfterTheAnswers) {
    world.fail_start = true;
    host.answers = {quick_start, "", "y", "admin@example.com", "longpassword1", "longpassword1"};
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.error, "gateway stage 'start' failed"));
    EXPECT_FALSE(contains(r.out, "Summary"));
}

TEST_F(WizardInteractive, EndOfInputStopsWithoutWritingAnything) {
    host.answers = {quick_start, "sk-ant-abc", "admin@example.com"};  // then nothing
    auto r = host.run("wizard", {});
    EXPECT_EQ(r.code, 130);
    EXPECT_TRUE(writes(host).empty());
    EXPECT_FALSE(std::filesystem::exists(host.home / "credentials.json"));
}

TEST_F(WizardInteractive, SectionFlagRunsThatSectionThenAppliesIt) {
    world.finished_install();
    host.answers = {"0" /* general */, "Helper"};
    auto r = host.run("wizard", {"--section", "identity"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(host.prompts, (std::vector<std::string>{"What will this agent mostly do?", "Agent name"}));
    EXPECT_EQ(world.config["agent.name"], "Helper");
    EXPECT_EQ(writes(host), (std::vector<std::string>{"config.set", "config.set"}));
}

TEST_F(WizardInteractive, ReplacingTheProviderKeyKeepsTheGatewaysTokenAndRestartsIt) {
    world.finished_install();
    world.config["provider.skipped"] = false;
    world.config["provider.name"] = "anthropic";
    {
        std::ofstream(host.home / "credentials.json") << R"({"anthropic": {"api_key": "sk-ant-old-key"}})";
    }
    world.anthropic_api_key = "sk-ant-old-key";
    host.answers = {providers, "y", "y", "sk-ant-new-key", finish};
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(world.anthropic_api_key, "sk-ant-new-key");
    EXPECT_EQ(world.gateway_changes, 0);  // no reconfiguration ...
    EXPECT_TRUE(world.token_stored);      // ... so the admin token stays
    EXPECT_EQ(world.restarts, 1);
    EXPECT_FALSE(last_input(host, "gateway.configure").contains("anthropic_api_key"));
    EXPECT_EQ(last_input(host, "gateway.set"), json({{"anthropic_api_key", "sk-ant-new-key"}}));
    EXPECT_TRUE(contains(r.out, "Mosaic is ready."));
    EXPECT_TRUE(contains(r.out, "restarted with the new provider key"));
    EXPECT_FALSE(contains(r.out, "no admin token on file"));
    EXPECT_FALSE(contains(r.out + r.err, "sk-ant-new-key"));
}

TEST_F(WizardInteractive, ALostTokenIsNamedWithHowToGetOneBack) {
    world.finished_install();
    host.answers = {gateway, "y", "15999", "0", "", finish};  // a new port reconfigures the gateway
    auto r = host.run("wizard", {});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(world.port, 15999);
    EXPECT_FALSE(world.token_stored);
    EXPECT_TRUE(contains(r.out, "Admin         already exists; no admin token on file (the reconfiguration "
                                "dropped it): run 'mosaic gateway login', then 'mosaic gateway config recover-token'"))
        << r.out;
}
