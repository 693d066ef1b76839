// The whole plugin through FakeHost (no host binary): `gateway install` launches the real
// daemon (host.executable is a script exec'ing gateway-test-daemon), then the lifecycle
// commands and the services run against it. The plugin's effects are the real ones but for
// systemctl: a recording FakeRunner (UseSeams) answers that there is no user systemd, so the
// install falls back to a detached process. Every daemon is stopped by the fixture.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "commands.hpp"
#include "gateway_test_support.hpp"

using namespace gateway_test;
using mosaic::testing::FakeHost;
using nlohmann::json;

namespace {

// No user systemd: every systemctl call fails the way it does without a session bus.
mosaic::support::FakeRunner no_user_systemd() {
    mosaic::support::FakeRunner runner;
    runner.fallback = {1, "", "Failed to connect to bus: No medium found\n", false};
    return runner;
}

class PluginFlow : public ::testing::Test {
protected:
    FakeHost host;
    int port = free_port();
    gw::GatewayPaths paths{host.home};
    mosaic::support::FakeRunner systemctl = no_user_systemd();
    gw::RealSeams real;
    gw::UseSeams seams{{systemctl, real.processes, real.http, real.clock, real.sleeper}};

    PluginFlow() {
        std::filesystem::create_directories(host.executable.parent_path());
        write_exec(host.executable, std::string("#!/bin/sh\nexec '") + GATEWAY_TEST_DAEMON + "' \"$@\"\n");
        host.env["PATH"] = "/usr/bin:/bin";
        host.env["MOSAIC_GATEWAY_PORT"] = std::to_string(port);
        host.env["MOSAIC_ADMIN_NAME"] = "Ada";
        host.env["MOSAIC_ADMIN_EMAIL"] = "ada@example.com";
        host.env["MOSAIC_ADMIN_PASSWORD"] = "securepass123";
        host.env["MOSAIC_GATEWAY_HEALTH_TIMEOUT"] = "60";
    }
    ~PluginFlow() override {
        if (auto pid = gw::read_pid_file(paths.pid_file)) {
            ::kill(*pid, SIGKILL);
            ::waitpid(*pid, nullptr, 0);
        }
    }
    static void write_exec(const std::filesystem::path& p, const std::string& body) {
        std::ofstream(p) << body;
        std::filesystem::permissions(p, std::filesystem::perms::owner_all);
    }
};

}  // namespace

TEST_F(PluginFlow, HeadlessInstallLeavesAHealthyDaemonWithOneAdminAndAToken) {
    auto r = host.run("gateway", {"install"});
    ASSERT_EQ(r.code, 0) << r.error;
    // Asked whether a user systemd is there, and nothing else (where systemctl exists at all).
    for (const auto& line : systemctl.argv_lines()) EXPECT_EQ(line.substr(line.find(' ')), " --user show-environment");
    // Printed as each step ended: configured, then started, then the admin.
    EXPECT_LT(r.out.find("gateway configured"), r.out.find("gateway started"));
    EXPECT_LT(r.out.find("gateway started"), r.out.find("admin created"));
    EXPECT_NE(r.out.find("save it now"), std::string::npos);
    auto meta = json::parse(read(paths.meta_file));
    std::string token = meta["admin_token"];
    EXPECT_NE(r.out.find(token), std::string::npos);  // shown once, here
    EXPECT_EQ(r.out.find("securepass123"), std::string::npos);
    EXPECT_EQ(meta["service"], "process");

    auto st = host.run("gateway", {"status", "--json"});
    ASSERT_EQ(st.code, 0) << st.error;
    auto j = json::parse(st.out);
    EXPECT_EQ(j["running"], true);
    EXPECT_EQ(j["healthy"], true);
    EXPECT_EQ(j["port"], port);
    EXPECT_EQ(j["tier"], "local");
    EXPECT_EQ(j["admin_exists"], true);
    EXPECT_EQ(j["token_stored"], true);
    EXPECT_EQ(st.out.find(token), std::string::npos);

    auto again = host.run("gateway", {"install"});
    ASSERT_EQ(again.code, 0) << again.error;
    EXPECT_NE(again.out.find("configuration unchanged"), std::string::npos);
    EXPECT_NE(again.out.find("already running"), std::string::npos);
    EXPECT_EQ(again.out.find("save it now"), std::string::npos);

    auto stop = host.run("gateway", {"stop"});
    EXPECT_EQ(stop.code, 0);
    EXPECT_EQ(stop.out, "gateway stopped\n");
    EXPECT_FALSE(std::filesystem::exists(paths.pid_file));
    EXPECT_NE(read(paths.log_file).find("gateway stopped"), std::string::npos);  // drained, exit 0
}

TEST_F(PluginFlow, StartRestartLogsAndConfigShowRedactSecrets) {
    ASSERT_EQ(host.run("gateway", {"install"}).code, 0);
    EXPECT_NE(host.run("gateway", {"start"}).out.find("already running"), std::string::npos);
    auto restart = host.run("gateway", {"restart"});
    ASSERT_EQ(restart.code, 0) << restart.error;
    EXPECT_NE(restart.out.find("gateway stopped\ngateway started"), std::string::npos);
    auto logs = host.run("gateway", {"logs", "-n", "3"});
    EXPECT_EQ(logs.code, 0);
    EXPECT_EQ(std::count(logs.out.begin(), logs.out.end(), '\n'), 3);
    auto show = host.run("gateway", {"config", "show", "--json"});
    ASSERT_EQ(show.code, 0) << show.error;
    auto j = json::parse(show.out);
    EXPECT_EQ(j["admin_token"], "***");
    EXPECT_EQ(j["auth_secret"], "***");
    EXPECT_EQ(j["port"], port);
    EXPECT_EQ(host.run("gateway", {"stop"}).code, 0);
    EXPECT_EQ(host.run("gateway", {"stop"}).out, "gateway was not running\n");
}

TEST_F(PluginFlow, PortChangeReconfiguresAndAdminWithoutTokenPointsToRecovery) {
    ASSERT_EQ(host.run("gateway", {"install"}).code, 0);
    int new_port = free_port();
    auto r = host.run("gateway", {"install", "--port", std::to_string(new_port)});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_NE(r.out.find("port " + std::to_string(new_port)), std::string::npos);
    EXPECT_NE(r.out.find("mosaic gateway login"), std::string::npos);
    EXPECT_NE(r.out.find("config recover-token"), std::string::npos);
    EXPECT_FALSE(json::parse(read(paths.meta_file)).contains("admin_token"));

    auto login = host.run("gateway", {"login"});
    ASSERT_EQ(login.code, 0) << login.error;
    auto rec = host.run("gateway", {"config", "recover-token"});
    ASSERT_EQ(rec.code, 0) << rec.error;
    std::string recovered = json::parse(read(paths.meta_file))["admin_token"];
    EXPECT_NE(rec.out.find(recovered), std::string::npos);
    auto rot = host.run("gateway", {"config", "rotate-token"});
    ASSERT_EQ(rot.code, 0) << rot.error;
    std::string rotated = json::parse(read(paths.meta_file))["admin_token"];
    EXPECT_NE(rotated, recovered);
    EXPECT_NE(rot.out.find("previous token is revoked"), std::string::npos);
    gw::BeastHttpClient http;
    std::string url = "http://127.0.0.1:" + std::to_string(new_port);
    EXPECT_EQ(http.send("GET", url, "/api/admin/users", "", {{"Authorization", "Bearer " + recovered}}).status, 401);
    EXPECT_EQ(http.send("GET", url, "/api/admin/users", "", {{"Authorization", "Bearer " + rotated}}).status, 200);
    EXPECT_EQ(host.run("gateway", {"stop"}).code, 0);
}

TEST_F(PluginFlow, HealthFailureShowsTheLogTailAndExitsOne) {
    PortBlocker busy;
    host.env["MOSAIC_GATEWAY_PORT"] = std::to_string(busy.port);
    auto r = host.run("gateway", {"install"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.error.find("did not become healthy"), std::string::npos);
    EXPECT_NE(r.error.find("cannot listen on 127.0.0.1:" + std::to_string(busy.port)), std::string::npos);
}

TEST_F(PluginFlow, UninstallRemovesOnlyWhatInstallCreated) {
    ASSERT_EQ(host.run("gateway", {"install"}).code, 0);
    std::ofstream(paths.dir / "notes.txt") << "mine";
    auto no = host.run("gateway", {"uninstall"});  // headless without --yes: refused
    EXPECT_NE(no.code, 0);
    EXPECT_TRUE(std::filesystem::exists(paths.env_file));
    auto r = host.run("gateway", {"uninstall", "-y", "--keep-data"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_FALSE(std::filesystem::exists(paths.env_file));
    EXPECT_FALSE(std::filesystem::exists(paths.meta_file));
    EXPECT_FALSE(std::filesystem::exists(paths.pid_file));
    EXPECT_FALSE(std::filesystem::exists(paths.pid_file.string() + ".lock"));
    EXPECT_TRUE(std::filesystem::exists(paths.database));
    EXPECT_TRUE(std::filesystem::exists(paths.dir / "notes.txt"));
    EXPECT_EQ(host.run("gateway", {"status", "--json"}).out.find("\"installed\": false") != std::string::npos, true);
}

TEST_F(PluginFlow, ServicesConfigureStartBootstrapStatus) {
    auto c = host.call("gateway.configure", {{"port", port}, {"cors_origin", "http://ui.example:8080"}});
    ASSERT_EQ(c.code, 0) << c.error;
    EXPECT_EQ(c.json["changed"], true);
    EXPECT_EQ(c.json["url"], "http://127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(host.call("gateway.configure", {{"port", port}, {"cors_origin", "http://ui.example:8080"}}).json["changed"], false);
    auto bad = host.call("gateway.configure", {{"port", "nope"}, {"force_reconfigure", true}});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.error.find("field 'port'"), std::string::npos);
    auto s = host.call("gateway.start");
    ASSERT_EQ(s.code, 0) << s.error;
    EXPECT_EQ(s.json["healthy"], true);
    EXPECT_EQ(s.json["via"], "process");
    auto missing = host.call("gateway.bootstrap", json::object());
    EXPECT_EQ(missing.code, 2);
    auto b = host.call("gateway.bootstrap", {{"name", "Ada"}, {"email", "ada@example.com"}, {"password", "securepass123"}});
    ASSERT_EQ(b.code, 0) << b.error;
    EXPECT_EQ(b.json["bootstrapped"], true);
    EXPECT_TRUE(b.json["token"].is_string());
    auto b2 = host.call("gateway.bootstrap", json::object());
    EXPECT_EQ(b2.json["bootstrapped"], false);
    EXPECT_FALSE(b2.json.contains("token"));
    auto st = host.call("gateway.status");
    EXPECT_EQ(st.json["healthy"], true);
    EXPECT_EQ(st.json["admin_exists"], true);
    EXPECT_EQ(st.json["token_stored"], true);
    EXPECT_EQ(host.run("gateway", {"stop"}).code, 0);
}

TEST_F(PluginFlow, PartialInstallIsRefusedEverywhere) {
    gw::write_config(paths, gw::GatewaySettings{}, gw::new_auth_secret());
    std::filesystem::remove(paths.config_file);
    EXPECT_EQ(host.run("gateway", {"install"}).code, 3);
    EXPECT_EQ(host.call("gateway.configure", {{"port", port}}).code, 3);
    EXPECT_EQ(host.run("gateway", {"start"}).code, 3);
}

TEST_F(PluginFlow, StatusExitsZeroRunningThreeStoppedFourNotInstalled) {
    auto none = host.run("gateway", {"status"});
    EXPECT_EQ(none.code, 4);
    EXPECT_EQ(none.out, "gateway: not installed\n");
    EXPECT_EQ(host.run("gateway", {"status", "--json"}).code, 4);
    ASSERT_EQ(host.run("gateway", {"install"}).code, 0);
    auto running = host.run("gateway", {"status"});
    EXPECT_EQ(running.code, 0);
    EXPECT_NE(running.out.find("gateway: running (pid "), std::string::npos) << running.out;
    ASSERT_EQ(host.run("gateway", {"stop"}).code, 0);
    auto stopped = host.run("gateway", {"status"});
    EXPECT_EQ(stopped.code, 3);
    EXPECT_NE(stopped.out.find("gateway: not running, not healthy"), std::string::npos) << stopped.out;
    EXPECT_EQ(host.run("gateway", {"status", "--json"}).code, 3);
    EXPECT_EQ(stopped.error, "");  // a state, not an error: nothing for the host to print
}

TEST_F(PluginFlow, ADaemonRunInTheForegroundIsRunningNotStopped) {
    ASSERT_EQ(host.run("gateway", {"install"}).code, 0);
    ASSERT_EQ(host.run("gateway", {"stop"}).code, 0);
    // `mosaic gateway run` in a terminal: no pid file, no unit.
    DaemonProcess daemon(host.home, paths.dir / "foreground.log");
    ASSERT_TRUE(daemon.wait_healthy("http://127.0.0.1:" + std::to_string(port))) << read(paths.dir / "foreground.log");
    auto r = host.run("gateway", {"status"});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("gateway: running (not started by 'mosaic gateway start': no pid file or unit), healthy"),
              std::string::npos) << r.out;
    EXPECT_EQ(host.call("gateway.status").json["via"], "unmanaged");
    EXPECT_EQ(daemon.terminate(), 0);
}

TEST_F(PluginFlow, ConfigSetChangesTheProviderKeyKeepsTheTokenAndRestartsTheDaemon) {
    ASSERT_EQ(host.run("gateway", {"install"}).code, 0);
    std::string token = json::parse(read(paths.meta_file))["admin_token"];
    auto before = gw::read_pid_file(paths.pid_file);
    host.env["MOSAIC_ANTHROPIC_API_KEY"] = "sk-ant-set-in-place";
    auto r = host.run("gateway", {"config", "set", "anthropic-api-key"});
    ASSERT_EQ(r.code, 0) << r.error;
    EXPECT_NE(r.out.find("restarted the gateway"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("sk-ant-set-in-place"), std::string::npos);
    EXPECT_NE(read(paths.env_file).find("MOSAIC_ANTHROPIC_API_KEY=sk-ant-set-in-place\n"), std::string::npos);
    EXPECT_EQ(json::parse(read(paths.meta_file))["admin_token"], token);
    EXPECT_NE(gw::read_pid_file(paths.pid_file), before);
    auto st = host.call("gateway.status");
    EXPECT_EQ(st.json["healthy"], true);
    EXPECT_EQ(st.json["token_stored"], true);
    EXPECT_EQ(host.run("gateway", {"config", "set", "anthropic-api-key"}).out, "'anthropic-api-key' already has that value\n");
    auto svc = host.call("gateway.set", {{"anthropic_api_key", "sk-ant-set-in-place"}});
    EXPECT_EQ(svc.json, json({{"changed", false}, {"restarted", false}}));
    EXPECT_EQ(host.run("gateway", {"stop"}).code, 0);
}

TEST_F(PluginFlow, ConfigSetRefusesASecretOnTheCommandLineAndUnknownKeys) {
    ASSERT_EQ(host.run("gateway", {"install"}).code, 0);
    auto argv = host.run("gateway", {"config", "set", "anthropic-api-key", "sk-ant-on-argv"});
    EXPECT_EQ(argv.code, 2);
    EXPECT_NE(argv.error.find("is a secret and is not taken from the command line"), std::string::npos) << argv.error;
    EXPECT_EQ(read(paths.env_file).find("sk-ant-on-argv"), std::string::npos);
    auto unknown = host.run("gateway", {"config", "set", "port", "1"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.error.find("'port' cannot be set this way; settable: 'anthropic-api-key'"), std::string::npos);
    EXPECT_EQ(host.call("gateway.set", json::object()).code, 2);
    EXPECT_EQ(host.run("gateway", {"stop"}).code, 0);
}

TEST_F(PluginFlow, ConfigSetNeedsACompleteInstall) {
    host.env["MOSAIC_ANTHROPIC_API_KEY"] = "sk-ant-x";
    EXPECT_EQ(host.run("gateway", {"config", "set", "anthropic-api-key"}).code, 3);
    EXPECT_EQ(host.call("gateway.set", {{"anthropic_api_key", "sk-ant-x"}}).code, 3);
}

TEST_F(PluginFlow, DefaultsComeFromTheGatewayItself) {
    auto d = host.call("gateway.defaults");
    ASSERT_EQ(d.code, 0) << d.error;
    EXPECT_EQ(d.json, json({{"port", gw::default_port}, {"tier", gw::default_tier}, {"cors_origin", gw::default_cors_origin}}));
}
