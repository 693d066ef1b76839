// End to end: the built `mosaic` binary with the built plugins in a private world
// (MosaicTestEnv), on free loopback ports. A fake systemctl is always first on PATH: one
// that fails (no user manager, so install falls back to a detached process) or one that
// plays a user manager by running the unit's ExecStart. Every daemon is stopped.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include <pty_session.hpp>
#include <test_env.hpp>

#include "e2e_world.hpp"

using namespace gateway_test;
using mosaic::testing::MosaicTestEnv;
using mosaic::testing::PtySession;
using nlohmann::json;

namespace {

class GatewayE2E : public GatewayE2EWorld {};

}  // namespace

TEST_F(GatewayE2E, ReadmeHeadlessInstallLeavesAHealthyDaemonWithOneAdmin) {
    auto r = env.mosaic({"gateway", "install"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("save it now"), std::string::npos);
    EXPECT_EQ(r.out.find("securepass123"), std::string::npos);
    EXPECT_EQ(r.err.find("securepass123"), std::string::npos);
    auto st = env.mosaic({"gateway", "status", "--json"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    auto j = json::parse(st.out);
    EXPECT_EQ(j["healthy"], true);
    EXPECT_EQ(j["via"], "process");
    EXPECT_EQ(j["admin_exists"], true);
    gw::BeastHttpClient http;
    std::string token = json::parse(read(paths.meta_file))["admin_token"];
    auto users = http.send("GET", "http://127.0.0.1:" + std::to_string(port), "/api/admin/users", "",
                           {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(users.status, 200);
    EXPECT_EQ(json::parse(users.body)["users"].size(), 1u);
    EXPECT_EQ(mode_of(paths.meta_file), 0600u);

    auto again = env.mosaic({"gateway", "install"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("configuration unchanged"), std::string::npos);
    EXPECT_EQ(again.out.find("save it now"), std::string::npos);

    auto stop = env.mosaic({"gateway", "stop"});
    EXPECT_EQ(stop.exit_code, 0) << stop.err;
    EXPECT_NE(read(paths.log_file).find("gateway stopped"), std::string::npos);
}

TEST_F(GatewayE2E, EachInvalidInputExitsTwoAndWritesNothing) {
    for (auto [var, value] : std::vector<std::pair<std::string, std::string>>{
             {"MOSAIC_STORAGE_TIER", "cloud"}, {"MOSAIC_GATEWAY_PORT", "70000"}, {"MOSAIC_CORS_ORIGIN", "nope"},
             {"MOSAIC_ADMIN_EMAIL", "nope"}, {"MOSAIC_ADMIN_PASSWORD", "short"}}) {
        auto saved = env.env;
        env.env[var] = value;
        auto r = env.mosaic({"gateway", "install"});
        EXPECT_EQ(r.exit_code, 2) << var << ": " << r.err;
        EXPECT_NE(r.err.find(var), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(paths.dir)) << var;
        env.env = saved;
    }
    env.env.erase("MOSAIC_ADMIN_PASSWORD");
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("MOSAIC_ADMIN_PASSWORD"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(paths.dir));
    EXPECT_EQ(env.mosaic({"gateway", "install", "--tier", "bogus"}).exit_code, 2);
}

TEST_F(GatewayE2E, PartialInstallIsRefusedWithExitThree) {
    gw::write_config(paths, gw::GatewaySettings{}, gw::new_auth_secret());
    std::filesystem::remove(paths.config_file);
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("mosaic gateway uninstall"), std::string::npos);
}

TEST_F(GatewayE2E, PortChangeReconfiguresAndRestarts) {
    ASSERT_EQ(env.mosaic({"gateway", "install"}).exit_code, 0);
    int other = free_port();
    auto r = env.mosaic({"gateway", "install", "--port", std::to_string(other)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = json::parse(env.mosaic({"gateway", "status", "--json"}).out);
    EXPECT_EQ(j["port"], other);
    EXPECT_EQ(j["healthy"], true);
    EXPECT_EQ(j["token_stored"], false);
    EXPECT_NE(r.out.find("recover-token"), std::string::npos);
    EXPECT_EQ(env.mosaic({"gateway", "stop"}).exit_code, 0);
}

TEST_F(GatewayE2E, HealthFailurePrintsTheLogTailAndExitsOne) {
    PortBlocker busy;
    env.env["MOSAIC_GATEWAY_PORT"] = std::to_string(busy.port);
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("did not become healthy"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(busy.port)), std::string::npos) << r.err;
}

TEST_F(GatewayE2E, UsesTheSystemdUserUnitWhenAUserManagerAnswers) {
    auto state = env.root / "fake-systemd.pid";
    auto calls = env.root / "systemctl.calls";
    auto unit = env.home / ".config/systemd/user/mosaic-gateway.service";
    env.write_script("systemctl", "#!/bin/sh\n"
                                  "echo \"$*\" >> '" + calls.string() + "'\n"
                                  "case \"$2\" in\n"
                                  "  restart|start)\n"
                                  "    cmd=$(sed -n 's/^ExecStart=//p' '" + unit.string() + "')\n"
                                  "    log=$(sed -n 's/^StandardOutput=append://p' '" + unit.string() + "')\n"
                                  "    setsid sh -c \"exec $cmd\" >>\"$log\" 2>&1 </dev/null &\n"
                                  "    echo $! > '" + state.string() + "' ;;\n"
                                  "  stop) kill $(cat '" + state.string() + "'); rm -f '" + state.string() + "' ;;\n"
                                  "  is-active) [ -f '" + state.string() + "' ] || exit 3 ;;\n"
                                  "  show) cat '" + state.string() + "' 2>/dev/null ;;\n"
                                  "esac\nexit 0\n");
    auto r = env.mosaic({"gateway", "install"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("systemd"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(unit));
    EXPECT_FALSE(std::filesystem::exists(paths.pid_file));
    auto log = read(calls);
    EXPECT_NE(log.find("--user daemon-reload"), std::string::npos);
    EXPECT_NE(log.find("--user enable mosaic-gateway.service"), std::string::npos);
    EXPECT_NE(log.find("--user restart mosaic-gateway.service"), std::string::npos);
    EXPECT_EQ(json::parse(env.mosaic({"gateway", "status", "--json"}).out)["via"], "systemd");
    auto u = env.mosaic({"gateway", "uninstall", "-y"});
    EXPECT_EQ(u.exit_code, 0) << u.err;
    EXPECT_NE(read(calls).find("--user stop mosaic-gateway.service"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(unit));
    EXPECT_FALSE(std::filesystem::exists(paths.env_file));
}

#define EXPECT_ON_TERMINAL(session, text) \
    ASSERT_TRUE((session).expect(text)) << "waiting for '" << (text) << "'; transcript:\n" << (session).transcript

TEST_F(GatewayE2E, InteractiveInstallSaysEachStepAsItEndsAndEndsItsProgressLines) {
    for (const char* v : {"MOSAIC_ASSUME_YES", "MOSAIC_ADMIN_NAME", "MOSAIC_ADMIN_EMAIL", "MOSAIC_ADMIN_PASSWORD"})
        env.env.erase(v);
    PtySession s(env.env, {"gateway", "install"}, env.root);
    ASSERT_TRUE(s.started());
    EXPECT_ON_TERMINAL(s, "Gateway port");
    s.send_line("");
    EXPECT_ON_TERMINAL(s, "choose 1-2");
    s.send_line("");
    EXPECT_ON_TERMINAL(s, "CORS origin");
    s.send_line("");
    // Configured and started are on the terminal before the admin is asked for.
    EXPECT_ON_TERMINAL(s, "gateway configured in");
    EXPECT_ON_TERMINAL(s, "gateway started at");
    EXPECT_ON_TERMINAL(s, "Admin name");
    s.send_line("");
    EXPECT_ON_TERMINAL(s, "Admin email");
    s.send_line("admin@example.com");
    EXPECT_ON_TERMINAL(s, "Admin password");
    ASSERT_TRUE(s.send_secret("securepass123"));
    EXPECT_ON_TERMINAL(s, "Confirm the admin password");
    ASSERT_TRUE(s.send_secret("securepass123"));
    EXPECT_ON_TERMINAL(s, "admin created");
    EXPECT_EQ(s.wait_exit(), 0) << s.transcript;
    for (const char* line : {"gateway configured", "gateway started", "admin created"})
        EXPECT_EQ(mosaic::testing::not_at_line_start(s.transcript, line), "") << line;

    // A port change while it runs: the "stopping" progress line is ended before the next line.
    int new_port = free_port();
    env.env["MOSAIC_ASSUME_YES"] = "1";
    PtySession again(env.env, {"gateway", "install", "--port", std::to_string(new_port)}, env.root);
    EXPECT_EQ(again.wait_exit(), 0) << again.transcript;
    EXPECT_NE(again.transcript.find("stopping the running gateway"), std::string::npos) << again.transcript;
    for (const char* line : {"gateway configured", "gateway started", "admin already exists"})
        EXPECT_EQ(mosaic::testing::not_at_line_start(again.transcript, line), "") << line;
}

TEST_F(GatewayE2E, StatusExitCodesAreWhatScriptsTest) {
    EXPECT_EQ(env.mosaic({"gateway", "status"}).exit_code, 4);
    ASSERT_EQ(env.mosaic({"gateway", "install"}).exit_code, 0);
    EXPECT_EQ(env.mosaic({"gateway", "status"}).exit_code, 0);
    ASSERT_EQ(env.mosaic({"gateway", "stop"}).exit_code, 0);
    auto stopped = env.mosaic({"gateway", "status", "--json"});
    EXPECT_EQ(stopped.exit_code, 3);
    EXPECT_EQ(json::parse(stopped.out)["running"], false);
    EXPECT_EQ(stopped.err, "");
}
