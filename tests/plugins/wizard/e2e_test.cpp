// The built `mosaic wizard` end to end, with the config-hooks and gateway plugins built in
// this tree: interactive through a pseudo-terminal (forkpty) and headless. Each test has
// its own temporary world (MosaicTestEnv) and a free loopback port, and stops the gateway
// it started. A fake `systemctl` that always fails keeps the gateway a plain process.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <pty.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "mosaic_test_paths.hpp"
#include "pty_session.hpp"
#include "test_env.hpp"

using mosaic::testing::MosaicTestEnv;
using mosaic::testing::PtySession;
using nlohmann::json;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

int free_loopback_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    ::close(fd);
    return port == 14242 ? free_loopback_port() : port;
}

// A plain HTTP/1.1 GET on 127.0.0.1; returns {status, body}.
std::pair<int, std::string> http_get(int port, const std::string& path, const std::string& bearer = "") {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {0, ""};
    }
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!bearer.empty()) req += "Authorization: Bearer " + bearer + "\r\n";
    req += "\r\n";
    (void)!::write(fd, req.data(), req.size());
    std::string resp;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) resp.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    int status = 0;
    if (resp.size() > 12) status = std::atoi(resp.substr(9, 3).c_str());
    auto body = resp.find("\r\n\r\n");
    return {status, body == std::string::npos ? "" : resp.substr(body + 4)};
}

// The world a wizard run needs: the plugins built here, a free port, no real systemd.
struct WizardWorld {
    MosaicTestEnv env;
    int port = free_loopback_port();

    WizardWorld() {
        env.use_built_plugins();
        env.env["MOSAIC_GATEWAY_PORT"] = std::to_string(port);
        env.write_script("systemctl", "#!/bin/sh\nexit 1\n");
    }
    ~WizardWorld() {
        if (std::filesystem::exists(env.mosaic_home / "gateway")) env.mosaic({"gateway", "stop"});
    }

    json gateway_status() const {
        auto r = env.mosaic({"gateway", "status", "--json"});
        try {
            return json::parse(r.out);
        } catch (const std::exception&) {
            ADD_FAILURE() << "gateway status --json: exit " << r.exit_code << "\n" << r.out << r.err;
            return json::object();
        }
    }

    // Mosaic's hooks are those whose command lives under <home>/hooks/.
    bool mosaic_hooks_in_claude_settings() const {
        auto settings = env.claude_home / "settings.json";
        return std::filesystem::exists(settings) && contains(read_file(settings), (env.mosaic_home / "hooks").string());
    }
};

bool first_party_plugins_built() {
    std::filesystem::path dir = mosaic::test_paths::plugin_build_dir;
    for (const char* p : {"wizard", "config-hooks", "gateway"})
        if (!std::filesystem::exists(dir / (std::string(p) + ".plugin.json"))) return false;
    return true;
}

#define REQUIRE_PLUGINS()                                                                              \
    if (!first_party_plugins_built())                                                                  \
    GTEST_SKIP() << "needs the wizard, config-hooks and gateway plugins built in this tree (" \
                 << mosaic::test_paths::plugin_build_dir << ")"

#define EXPECT_OUTPUT(session, text) \
    ASSERT_TRUE((session).expect(text)) << "waiting for '" << (text) << "'; transcript:\n" << (session).transcript

std::string token_from(const std::string& transcript) {
    auto banner = transcript.find("Admin API token");
    if (banner == std::string::npos) return "";
    auto line = transcript.find('\n', banner);
    if (line == std::string::npos) return "";
    auto start = transcript.find_first_not_of(" \r\n", line);
    auto end = transcript.find_first_of(" \r\n", start);
    return transcript.substr(start, end - start);
}

}  // namespace

TEST(WizardEndToEnd, InteractiveQuickStartNeverEchoesThePasswordAndLeavesAReadyMachine) {
    REQUIRE_PLUGINS();
    WizardWorld w;
    const std::string key = "sk-ant-e2e-NEVER-SHOWN-key";
    const std::string too_short = "Tiny7pw";
    const std::string good = "pw-E2E-good-1";
    const std::string other = "pw-E2E-other-2";

    PtySession s(w.env.env, {"wizard"}, w.env.root);
    ASSERT_TRUE(s.started());
    EXPECT_OUTPUT(s, "Welcome to Mosaic");
    EXPECT_OUTPUT(s, "No existing Mosaic install found");
    EXPECT_OUTPUT(s, "Finish & Apply");
    EXPECT_OUTPUT(s, "choose 1-6");
    s.send_line("1");  // Quick Start
    EXPECT_OUTPUT(s, "Provider API key");
    ASSERT_TRUE(s.send_secret(key));
    EXPECT_OUTPUT(s, "Detected provider: Anthropic");
    EXPECT_OUTPUT(s, "Admin email");
    s.send_line("admin@example.com");
    EXPECT_OUTPUT(s, "Admin password");
    ASSERT_TRUE(s.send_secret(too_short));
    EXPECT_OUTPUT(s, "at least 8 characters; try again");
    EXPECT_OUTPUT(s, "Admin password");
    ASSERT_TRUE(s.send_secret(good));
    EXPECT_OUTPUT(s, "Confirm admin password");
    ASSERT_TRUE(s.send_secret(other));
    EXPECT_OUTPUT(s, "the passwords do not match; try again");
    EXPECT_OUTPUT(s, "Admin password");
    ASSERT_TRUE(s.send_secret(good));
    EXPECT_OUTPUT(s, "Confirm admin password");
    ASSERT_TRUE(s.send_secret(good));
    EXPECT_OUTPUT(s, "Mosaic is ready.");
    EXPECT_OUTPUT(s, "Summary");
    ASSERT_EQ(s.wait_exit(), 0) << s.transcript;

    for (const auto& secret : {key, too_short, good, other})
        EXPECT_FALSE(contains(s.transcript, secret)) << "'" << secret << "' reached the terminal:\n" << s.transcript;

    // A healthy gateway with exactly one admin.
    json st = w.gateway_status();
    EXPECT_EQ(st.value("healthy", false), true) << st.dump();
    EXPECT_EQ(st.value("admin_exists", json()), true) << st.dump();
    EXPECT_EQ(st.value("port", 0), w.port);
    auto [code, body] = http_get(w.port, "/api/bootstrap/status");
    EXPECT_EQ(code, 200);
    EXPECT_EQ(json::parse(body).value("needsSetup", true), false) << body;
    std::string token = token_from(s.transcript);
    ASSERT_FALSE(token.empty()) << "the new admin token is shown once:\n" << s.transcript;
    auto [ucode, users] = http_get(w.port, "/api/admin/users", token);
    ASSERT_EQ(ucode, 200) << users;
    EXPECT_EQ(json::parse(users).at("users").size(), 1u) << users;

    // Hooks installed and mirrored into Claude's settings; config and key written.
    EXPECT_TRUE(w.mosaic_hooks_in_claude_settings());
    auto config = json::parse(read_file(w.env.mosaic_home / "mosaic.config.json"));
    EXPECT_EQ(config.dump().find(key), std::string::npos) << "the key is not configuration";
    struct stat cs {};
    ASSERT_EQ(::stat((w.env.mosaic_home / "credentials.json").c_str(), &cs), 0);
    EXPECT_EQ(cs.st_mode & 0777, 0600);
    EXPECT_EQ(json::parse(read_file(w.env.mosaic_home / "credentials.json"))["anthropic"]["api_key"], key);
}

TEST(WizardEndToEnd, InteractiveRerunShowsDoneSectionsAndChangesNothing) {
    REQUIRE_PLUGINS();
    WizardWorld w;
    auto env = w.env.env;
    env["MOSAIC_ASSUME_YES"] = "1";
    env["MOSAIC_ADMIN_EMAIL"] = "admin@example.com";
    env["MOSAIC_ADMIN_PASSWORD"] = "pw-E2E-good-1";
    MosaicTestEnv& e = w.env;
    auto saved = e.env;
    e.env = env;
    auto first = e.mosaic({"wizard"});
    e.env = saved;
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    std::string config_before = read_file(e.mosaic_home / "mosaic.config.json");

    PtySession s(e.env, {"wizard"}, e.root);
    EXPECT_OUTPUT(s, "Found an existing install");
    EXPECT_OUTPUT(s, "Quick Start [done]");
    EXPECT_OUTPUT(s, "Gateway [done]");
    EXPECT_OUTPUT(s, "choose 1-6 [6]");  // everything done: Finish & Apply is the default
    s.send_line("");
    EXPECT_OUTPUT(s, "Mosaic is ready.");
    ASSERT_EQ(s.wait_exit(), 0) << s.transcript;
    EXPECT_FALSE(contains(s.transcript, "Admin password")) << "an existing admin is not asked for again";
    EXPECT_FALSE(contains(s.transcript, "Provider API key"));
    EXPECT_EQ(read_file(e.mosaic_home / "mosaic.config.json"), config_before);
}

// The issue this guards: re-run, Providers, a new key, Finish used to reconfigure the gateway,
// drop its admin token and still say all was well. Now only the key's .env line changes, the
// running gateway restarts, and the token stays.
TEST(WizardEndToEnd, InteractiveNewProviderKeyKeepsTheAdminTokenAndRestartsTheGateway) {
    REQUIRE_PLUGINS();
    WizardWorld w;
    MosaicTestEnv& e = w.env;
    auto saved = e.env;
    e.env["MOSAIC_ASSUME_YES"] = "1";
    e.env["MOSAIC_ADMIN_EMAIL"] = "admin@example.com";
    e.env["MOSAIC_ADMIN_PASSWORD"] = "pw-E2E-good-1";
    e.env["MOSAIC_ANTHROPIC_API_KEY"] = "sk-ant-e2e-first-key";
    auto first = e.mosaic({"wizard"});
    e.env = saved;
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    std::string token = json::parse(read_file(e.mosaic_home / "gateway/meta.json")).value("admin_token", "");
    ASSERT_FALSE(token.empty());
    int pid_before = w.gateway_status().value("pid", 0);

    const std::string second_key = "sk-ant-e2e-SECOND-key";
    PtySession s(e.env, {"wizard"}, e.root);
    EXPECT_OUTPUT(s, "choose 1-6");
    s.send_line("2");  // Providers
    EXPECT_OUTPUT(s, "run it again?");
    s.send_line("y");
    EXPECT_OUTPUT(s, "Replace it?");
    s.send_line("y");
    EXPECT_OUTPUT(s, "Provider API key");
    ASSERT_TRUE(s.send_secret(second_key));
    EXPECT_OUTPUT(s, "choose 1-6");
    s.send_line("6");  // Finish & Apply
    EXPECT_OUTPUT(s, "Giving the gateway the new provider key");
    EXPECT_OUTPUT(s, "Mosaic is ready.");
    ASSERT_EQ(s.wait_exit(), 0) << s.transcript;
    EXPECT_FALSE(contains(s.transcript, "no admin token on file")) << s.transcript;
    EXPECT_FALSE(contains(s.transcript, second_key));
    EXPECT_EQ(mosaic::testing::not_at_line_start(s.transcript, "==> "), "") << s.transcript;

    json st = w.gateway_status();
    EXPECT_EQ(st.value("healthy", false), true) << st.dump();
    EXPECT_EQ(st.value("token_stored", false), true) << st.dump();
    EXPECT_NE(st.value("pid", 0), pid_before) << "restarted to read the new key";
    EXPECT_EQ(json::parse(read_file(e.mosaic_home / "gateway/meta.json")).value("admin_token", ""), token);
    EXPECT_TRUE(contains(read_file(e.mosaic_home / "gateway/.env"), "MOSAIC_ANTHROPIC_API_KEY=" + second_key + "\n"));
    auto [ucode, users] = http_get(w.port, "/api/admin/users", token);
    EXPECT_EQ(ucode, 200) << "the token on file still works: " << users;
}

namespace {

// The README's Docker/CI example, verbatim (the caller adds a free MOSAIC_GATEWAY_PORT).
std::map<std::string, std::string> readme_example(std::map<std::string, std::string> env) {
    env["MOSAIC_ASSUME_YES"] = "1";
    env["MOSAIC_ADMIN_NAME"] = "Admin";
    env["MOSAIC_ADMIN_EMAIL"] = "admin@example.com";
    env["MOSAIC_ADMIN_PASSWORD"] = "securepass123";
    return env;
}

struct Snapshot {
    std::map<std::string, std::pair<std::string, long long>> files;  // path -> content, mtime ns
    bool operator==(const Snapshot&) const = default;
};

// The files the wizard and the services it calls own (logs, pids and databases excluded).
Snapshot snapshot(const MosaicTestEnv& e) {
    Snapshot s;
    for (auto p : {e.mosaic_home / "mosaic.config.json", e.mosaic_home / "credentials.json",
                   e.mosaic_home / "gateway/.env", e.mosaic_home / "gateway/meta.json",
                   e.mosaic_home / "gateway/mosaic.config.json", e.claude_home / "settings.json",
                   e.claude_home / "hooks-config.json"}) {
        struct stat st {};
        if (::stat(p.c_str(), &st) != 0) continue;
        s.files[p.string()] = {read_file(p), st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
    }
    return s;
}

}  // namespace

TEST(WizardEndToEnd, HeadlessReadmeExampleLeavesAReadyMachineAndASecondRunIsANoOp) {
    REQUIRE_PLUGINS();
    WizardWorld w;
    w.env.env = readme_example(w.env.env);
    auto first = w.env.mosaic({"wizard"});
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_TRUE(contains(first.out, "Mosaic is ready.")) << first.out;
    EXPECT_FALSE(contains(first.out + first.err, "securepass123"));
    json st = w.gateway_status();
    EXPECT_EQ(st.value("healthy", false), true) << st.dump();
    EXPECT_EQ(st.value("admin_exists", json()), true);
    EXPECT_TRUE(w.mosaic_hooks_in_claude_settings());
    Snapshot before = snapshot(w.env);
    EXPECT_TRUE(before.files.count((w.env.mosaic_home / "mosaic.config.json").string()));

    auto second = w.env.mosaic({"wizard"});
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_TRUE(contains(second.out, "Mosaic is ready."));
    EXPECT_TRUE(contains(second.out, "already exists"));
    EXPECT_FALSE(contains(second.out, "Admin API token")) << "no second admin, no second token";
    EXPECT_TRUE(snapshot(w.env) == before) << "a re-run rewrote a file";
}

TEST(WizardEndToEnd, HeadlessSkipClaudeHooksLeavesNoMosaicHooks) {
    REQUIRE_PLUGINS();
    WizardWorld w;
    w.env.env = readme_example(w.env.env);
    auto first = w.env.mosaic({"wizard"});
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    ASSERT_TRUE(w.mosaic_hooks_in_claude_settings());

    w.env.env["MOSAIC_SKIP_CLAUDE_HOOKS"] = "1";
    auto second = w.env.mosaic({"wizard"});
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_FALSE(w.mosaic_hooks_in_claude_settings()) << read_file(w.env.claude_home / "settings.json");
    auto hooks_config = w.env.claude_home / "hooks-config.json";
    if (std::filesystem::exists(hooks_config)) {
        json hooks = json::parse(read_file(hooks_config)).value("hooks", json::object());
        for (const auto& [event, groups] : hooks.items())
            EXPECT_TRUE(groups.empty()) << event;
    }
    EXPECT_TRUE(contains(second.out, "declined"));
    EXPECT_EQ(w.gateway_status().value("healthy", false), true);
}

TEST(WizardEndToEnd, HeadlessShortPasswordIsAUsageErrorNamingTheVariableAndWritesNothing) {
    REQUIRE_PLUGINS();
    WizardWorld w;
    w.env.env = readme_example(w.env.env);
    w.env.env["MOSAIC_ADMIN_PASSWORD"] = "short12";
    auto r = w.env.mosaic({"wizard"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "MOSAIC_ADMIN_PASSWORD")) << r.err;
    EXPECT_FALSE(contains(r.out + r.err, "short12"));
    EXPECT_FALSE(std::filesystem::exists(w.env.mosaic_home / "mosaic.config.json"));
    EXPECT_FALSE(std::filesystem::exists(w.env.mosaic_home / "gateway"));
}

TEST(WizardEndToEnd, StdinNotATerminalIsHeadlessAndNamesAMissingVariable) {
    REQUIRE_PLUGINS();
    WizardWorld w;  // no MOSAIC_ASSUME_YES, stdin is /dev/null
    auto r = w.env.mosaic({"wizard"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "MOSAIC_ADMIN_EMAIL")) << r.err;
    EXPECT_FALSE(contains(r.out + r.err, "What would you like to set up?"));
}

TEST(WizardEndToEnd, MissingGatewayPluginIsSkippedNamingItsPackage) {
    REQUIRE_PLUGINS();
    WizardWorld w;
    w.env.env = readme_example(w.env.env);
    w.env.env["MOSAIC_PLUGINS_DISABLE"] = "gateway";
    auto r = w.env.mosaic({"wizard"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.err, "mosaic-plugin-gateway")) << r.err;
    EXPECT_TRUE(contains(r.out, "skipped: package mosaic-plugin-gateway is not installed")) << r.out;
    EXPECT_FALSE(contains(r.out, "Mosaic is ready."));
    EXPECT_TRUE(std::filesystem::exists(w.env.mosaic_home / "mosaic.config.json"));
    EXPECT_FALSE(std::filesystem::exists(w.env.mosaic_home / "gateway"));
}
