// The fleet's model calls through the gateway, as a user sets it up: `gateway install` with
// the provider's key, `fleet add` giving the agent its own token, `fleet launch` starting a
// fake claude in a tmux pane (real tmux, private socket) that streams a message through the
// gateway, `gateway usage` counting it, `fleet remove` revoking the token; a fake pi that
// finds the gateway the way Pi does, through its models.json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <thread>

#include <mosaic/support/process.hpp>

#include "e2e_world.hpp"
#include "fake_provider.hpp"
#include "fake_provider_process.hpp"
#include "http.hpp"
#include "private_tmux.hpp"

using namespace gateway_test;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

namespace {

using mosaic::testing::have_program;
using mosaic::testing::PrivateTmux;

class FleetThroughGateway : public GatewayE2EWorld {
protected:
    FakeProviderProcess fake;
    PrivateTmux tmux;
    std::filesystem::path answer = env.root / "answer.txt";
    std::filesystem::path env_file = env.mosaic_home / "fleet/agents/coder.env";

    FleetThroughGateway() {
        env.env["MOSAIC_ANTHROPIC_API_KEY"] = fake.anthropic_key;
        env.env["MOSAIC_ANTHROPIC_BASE_URL"] = fake.url();
        std::filesystem::create_directories(env.mosaic_home / "fleet");
        std::ofstream(env.mosaic_home / "fleet/roster.yaml") << ("version: 1\ntmux: { socket_name: " + tmux.name() + ", holder_session: _holder }\nagents: []\n");
        // A fake claude: one streamed message through what its environment names, then idle.
        json body{{"model", "claude-test"}, {"max_tokens", 16}, {"stream", true},
                  {"messages", {{{"role", "user"}, {"content", "hi"}}}}};
        env.write_script("claude", "#!/bin/sh\n"
                                   "curl -sN -H \"Authorization: Bearer $ANTHROPIC_AUTH_TOKEN\" -H 'content-type: application/json' "
                                   "-H 'anthropic-version: 2023-06-01' -d '" + body.dump() + "' "
                                   "\"$ANTHROPIC_BASE_URL/v1/messages\" > '" + answer.string() + ".part'\n"
                                   "mv '" + answer.string() + ".part' '" + answer.string() + "'\n"
                                   "sleep 600\n");
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

template <class Pred>
bool poll_until(Pred pred) {
    for (int i = 0; i < 300; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
}

}  // namespace

TEST_F(FleetThroughGateway, AnAgentStreamsThroughTheGatewayWithItsOwnTokenUntilItIsRemoved) {
    if (!have_program("tmux") || !have_program("curl")) GTEST_SKIP() << "needs tmux and curl";
    auto install = env.mosaic({"gateway", "install"});
    ASSERT_EQ(install.exit_code, 0) << install.out << install.err;

    auto add = env.mosaic({"fleet", "add", "coder", "--runtime", "claude", "--no-start", "--working-dir", env.root.string()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    auto file = mosaic::support::EnvFile::load(env_file);
    EXPECT_EQ(file.get("ANTHROPIC_BASE_URL"), url() + "/anthropic");
    std::string token = file.get("ANTHROPIC_AUTH_TOKEN").value_or("");
    EXPECT_EQ(token.rfind("mga_", 0), 0u) << token;
    struct stat st{};
    ASSERT_EQ(::stat(env_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // install-systemd keeps the token the file holds while the gateway has it active.
    ASSERT_EQ(env.mosaic({"fleet", "install-systemd"}).exit_code, 0);
    EXPECT_EQ(mosaic::support::EnvFile::load(env_file).get("ANTHROPIC_AUTH_TOKEN"), token);

    auto launch = env.mosaic({"fleet", "launch", "coder"});
    ASSERT_EQ(launch.exit_code, 0) << launch.err;
    ASSERT_TRUE(poll_until([&] { return std::filesystem::exists(answer); })) << tmux.run({"capture-pane", "-p", "-t", "=coder"}).out;
    EXPECT_EQ(read(answer), fake_provider::joined(fake_provider::anthropic_events("claude-test")));
    EXPECT_EQ(fake.recorded().back()["headers"]["x-api-key"], fake.anthropic_key);

    json usage;
    ASSERT_TRUE(poll_until([&] {
        usage = json::parse(env.mosaic({"gateway", "usage", "--agent", "coder", "--json"}).out);
        return usage["totals"]["requests"] == 1;
    })) << usage;
    EXPECT_EQ(usage["totals"]["outputTokens"], fake_provider::anthropic_output);

    // The provider key is only in the gateway's .env.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(env.mosaic_home / "fleet"))
        if (entry.is_regular_file()) EXPECT_THAT(read(entry.path()), Not(HasSubstr(fake.anthropic_key))) << entry.path();

    tmux.run({"kill-server"});
    auto remove = env.mosaic({"fleet", "remove", "coder", "--no-stop"});
    ASSERT_EQ(remove.exit_code, 0) << remove.err;
    EXPECT_THAT(remove.out, HasSubstr("revoked 1 gateway token of 'coder'"));
    gw::BeastHttpClient http{std::chrono::seconds(10)};
    auto after = http.send("POST", url(), "/anthropic/v1/messages", R"({"model":"claude-test","max_tokens":1})",
                           {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(after.status, 401) << after.body;
    EXPECT_FALSE(std::filesystem::exists(env_file));
}

// Pi takes its keys from the environment but its base URLs only from models.json in its agent
// directory (PI_CODING_AGENT_DIR, else ~/.pi/agent). The fake pi reads what Pi reads for its
// built-in Anthropic provider: providers.anthropic.baseUrl there (default
// https://api.anthropic.com), ANTHROPIC_API_KEY sent as x-api-key, POST <baseUrl>/v1/messages.
// The user's own ~/.pi/agent/models.json sends Anthropic calls straight to the provider: the
// agent must not follow it.
TEST_F(FleetThroughGateway, APiAgentReachesTheProviderOnlyThroughTheGateway) {
    if (!have_program("tmux") || !have_program("python3")) GTEST_SKIP() << "needs tmux and python3";
    std::filesystem::create_directories(env.home / ".pi/agent");
    std::ofstream(env.home / ".pi/agent/models.json") << json{{"providers", {{"anthropic", {{"baseUrl", fake.url()}}}}}}.dump();
    auto request = env.root / "request.json";
    std::ofstream(request) << json{{"model", "claude-test"}, {"max_tokens", 16}, {"stream", true},
                                   {"messages", {{{"role", "user"}, {"content", "hi"}}}}}.dump();
    env.write_script("pi", "#!/usr/bin/env python3\n"
                           "import json, os, sys, time, urllib.request\n"
                           "sys.stderr = open('" + answer.string() + ".err', 'w', buffering=1)\n"
                           "d = os.environ.get('PI_CODING_AGENT_DIR') or os.path.join(os.environ['HOME'], '.pi/agent')\n"
                           "base = 'https://api.anthropic.com'\n"
                           "try:\n"
                           "    base = json.load(open(os.path.join(d, 'models.json')))['providers']['anthropic']['baseUrl']\n"
                           "except (OSError, KeyError):\n"
                           "    pass\n"
                           "req = urllib.request.Request(base + '/v1/messages', data=open('" + request.string() + "', 'rb').read(), headers={\n"
                           "    'x-api-key': os.environ.get('ANTHROPIC_API_KEY', ''), 'anthropic-version': '2023-06-01',\n"
                           "    'content-type': 'application/json'})\n"
                           "answer = urllib.request.urlopen(req).read()\n"
                           "open('" + answer.string() + ".part', 'wb').write(answer)\n"
                           "os.rename('" + answer.string() + ".part', '" + answer.string() + "')\n"
                           "time.sleep(600)\n");
    ASSERT_EQ(env.mosaic({"gateway", "install"}).exit_code, 0);
    auto add = env.mosaic({"fleet", "add", "pi-1", "--runtime", "pi", "--no-start", "--working-dir", env.root.string()});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    auto pi_dir = env.mosaic_home / "fleet/agents/pi-1.pi";
    EXPECT_EQ(mosaic::support::EnvFile::load(env_file.parent_path() / "pi-1.env").get("PI_CODING_AGENT_DIR"), pi_dir.string());
    struct stat st{};
    ASSERT_EQ(::stat(pi_dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    auto launch = env.mosaic({"fleet", "launch", "pi-1"});
    ASSERT_EQ(launch.exit_code, 0) << launch.err;
    ASSERT_TRUE(poll_until([&] { return std::filesystem::exists(answer); }))
        << tmux.run({"capture-pane", "-p", "-t", "=pi-1"}).out << read(answer.string() + ".err");
    EXPECT_EQ(read(answer), fake_provider::joined(fake_provider::anthropic_events("claude-test")));
    // The provider saw the gateway's key, not the agent's token: the call went through the gateway.
    EXPECT_EQ(fake.recorded().back()["headers"]["x-api-key"], fake.anthropic_key);
    json usage;
    ASSERT_TRUE(poll_until([&] {
        usage = json::parse(env.mosaic({"gateway", "usage", "--agent", "pi-1", "--json"}).out);
        return usage["totals"]["requests"] == 1;
    })) << usage;

    // install-systemd again keeps what a user added to the agent's models.json.
    auto models = json::parse(read(pi_dir / "models.json"));
    models["providers"]["ollama"] = {{"baseUrl", "http://localhost:11434/v1"}};
    std::ofstream(pi_dir / "models.json") << models.dump();
    ASSERT_EQ(env.mosaic({"fleet", "install-systemd"}).exit_code, 0);
    models = json::parse(read(pi_dir / "models.json"));
    EXPECT_EQ(models["providers"]["ollama"]["baseUrl"], "http://localhost:11434/v1");
    EXPECT_EQ(models["providers"]["anthropic"]["baseUrl"], url() + "/anthropic");
    EXPECT_EQ(models["providers"]["openai"]["baseUrl"], url() + "/openai/v1");
    // One that does not parse stops install-systemd, named, and is left as it was.
    std::ofstream(pi_dir / "models.json") << "{\"providers\": ";
    auto broken = env.mosaic({"fleet", "install-systemd"});
    EXPECT_EQ(broken.exit_code, 2);
    EXPECT_THAT(broken.err, HasSubstr((pi_dir / "models.json").string()));
    EXPECT_EQ(read(pi_dir / "models.json"), "{\"providers\": ");
    tmux.run({"kill-server"});
}

TEST_F(FleetThroughGateway, NoGatewayLeavesTheEnvFileWithoutModelAccess) {
    auto add = env.mosaic({"fleet", "add", "coder", "--runtime", "codex", "--no-start"});
    ASSERT_EQ(add.exit_code, 0) << add.err;  // no gateway installed: nothing to ask
    EXPECT_FALSE(mosaic::support::EnvFile::load(env_file).get("OPENAI_API_KEY"));
    ASSERT_EQ(env.mosaic({"gateway", "install"}).exit_code, 0);
    ASSERT_EQ(env.mosaic({"fleet", "install-systemd", "--no-gateway"}).exit_code, 0);
    EXPECT_FALSE(mosaic::support::EnvFile::load(env_file).get("OPENAI_API_KEY"));
    auto granted = env.mosaic({"fleet", "install-systemd"});
    ASSERT_EQ(granted.exit_code, 0) << granted.err;
    EXPECT_THAT(granted.out, HasSubstr("model calls go through the gateway"));
    auto file = mosaic::support::EnvFile::load(env_file);
    EXPECT_EQ(file.get("OPENAI_BASE_URL"), url() + "/openai/v1");
    EXPECT_EQ(file.get("OPENAI_API_KEY").value_or("").rfind("mga_", 0), 0u);

    // A stopped gateway cannot mint: add fails saying so, and how to go on without it.
    ASSERT_EQ(env.mosaic({"gateway", "stop"}).exit_code, 0);
    auto refused = env.mosaic({"fleet", "add", "reviewer", "--runtime", "claude", "--no-start"});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_THAT(refused.err, HasSubstr("--no-gateway"));
    EXPECT_EQ(read(env.mosaic_home / "fleet/roster.yaml").find("reviewer"), std::string::npos);
}
