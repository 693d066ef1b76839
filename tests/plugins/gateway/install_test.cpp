// The install step machine against fakes: a scripted terminal, a recording command runner,
// fake processes, and an HttpClient answered by a real Api over SQLite.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

#include "gateway_test_support.hpp"
#include "doctor.hpp"
#include "install.hpp"
#include "systemd.hpp"

using namespace gateway_test;
using nlohmann::json;

namespace {

class InstallTest : public ::testing::Test {
protected:
    mosaic::testing::TempDir tmp;
    std::filesystem::path home = tmp.path() / "home/.config/mosaic";
    std::filesystem::path bin = tmp.path() / "bin";
    std::map<std::string, std::string> env{{"HOME", (tmp.path() / "home").string()},
                                           {"XDG_CONFIG_HOME", (tmp.path() / "home/.config").string()},
                                           {"PATH", bin.string()},
                                           {"MOSAIC_ADMIN_NAME", "Ada"},
                                           {"MOSAIC_ADMIN_EMAIL", "ada@example.com"},
                                           {"MOSAIC_ADMIN_PASSWORD", "securepass123"}};
    ScriptedUi ui;
    mosaic::support::FakeRunner runner;
    FakeProcesses procs;
    ApiHttpClient http{tmp.path() / "db.sqlite3", home / "gateway"};
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper{&clock};
    gw::GatewayPaths paths{home};

    InstallTest() {
        std::filesystem::create_directories(bin);
        http.up = false;
        procs.on_spawn = [this] { http.up = true; };
    }
    // The team tier's backends as the fake probe reports them; every probe is recorded.
    std::vector<gw::BackendHealth> backends{{"postgresql", true, 1.0, "db:5432"}, {"valkey", true, 1.0, "cache:6379"}};
    std::vector<gw::GatewaySettings> probed;
    gw::GatewayDeps deps() {
        gw::GatewayDeps d{[this](const std::string& k) -> std::optional<std::string> {
                              auto it = env.find(k);
                              return it == env.end() ? std::nullopt : std::optional(it->second);
                          },
                          home, "/opt/mosaic/bin/mosaic", ui, runner, procs, http, clock, sleeper};
        d.probe_backends = [this](const gw::GatewaySettings& s) {
            probed.push_back(s);
            return backends;
        };
        return d;
    }
    gw::InstallOutcome install(gw::ConfigureInputs in = {}) {
        auto d = deps();
        return gw::run_install(d, in);
    }
    int install_code(gw::ConfigureInputs in = {}) {
        try {
            install(in);
        } catch (const mosaic::Error& e) {
            last_error = e.what();
            return e.code();
        }
        return 0;
    }
    void fake_systemctl() {
        std::ofstream(bin / "systemctl") << "#!/bin/sh\nexit 0\n";
        std::filesystem::permissions(bin / "systemctl", std::filesystem::perms::owner_all);
    }
    std::string last_error;
};

}  // namespace

TEST_F(InstallTest, HeadlessInstallConfiguresStartsAndBootstraps) {
    auto r = install();
    EXPECT_TRUE(r.config.changed);
    EXPECT_EQ(r.config.settings.port, 14242);  // the default, never bound: the HTTP client is fake
    EXPECT_EQ(r.start.via, "process");
    ASSERT_EQ(procs.spawned.size(), 1u);
    EXPECT_EQ(procs.spawned[0], (std::vector<std::string>{"/opt/mosaic/bin/mosaic", "--mosaic-home", home.string(), "gateway", "run"}));
    EXPECT_EQ(gw::read_pid_file(paths.pid_file), r.start.pid);
    ASSERT_TRUE(r.bootstrap.token);
    EXPECT_TRUE(r.bootstrap.bootstrapped);
    auto meta = json::parse(read(paths.meta_file));
    EXPECT_EQ(meta["admin_token"], *r.bootstrap.token);
    EXPECT_EQ(meta["admin_email"], "ada@example.com");
    EXPECT_EQ(mode_of(paths.meta_file), 0600u);
    EXPECT_EQ(mode_of(paths.env_file), 0600u);
    EXPECT_EQ(mode_of(paths.dir), 0700u);
    EXPECT_EQ(read(paths.env_file).find("securepass123"), std::string::npos);
    EXPECT_EQ(read(paths.meta_file).find("securepass123"), std::string::npos);
    EXPECT_TRUE(runner.commands_ran.empty());  // no systemctl on PATH: not even probed
}

TEST_F(InstallTest, DaemonEnvironmentCarriesNoSecret) {
    ::setenv("MOSAIC_ADMIN_PASSWORD", "securepass123", 1);
    auto e = gw::daemon_environment();
    ::unsetenv("MOSAIC_ADMIN_PASSWORD");
    EXPECT_EQ(e.count("MOSAIC_ADMIN_PASSWORD"), 0u);
}

TEST_F(InstallTest, EachInvalidInputExitsTwoAndWritesNothing) {
    struct Case {
        const char* var;
        const char* value;
        const char* named;
    };
    for (const Case& c : {Case{"MOSAIC_GATEWAY_PORT", "0", "MOSAIC_GATEWAY_PORT"},
                          Case{"MOSAIC_GATEWAY_PORT", "http", "MOSAIC_GATEWAY_PORT"},
                          Case{"MOSAIC_STORAGE_TIER", "cloud", "MOSAIC_STORAGE_TIER"},
                          Case{"MOSAIC_CORS_ORIGIN", "localhost:3000", "MOSAIC_CORS_ORIGIN"},
                          Case{"MOSAIC_ADMIN_EMAIL", "not-an-email", "MOSAIC_ADMIN_EMAIL"},
                          Case{"MOSAIC_ADMIN_PASSWORD", "short", "MOSAIC_ADMIN_PASSWORD"},
                          Case{"MOSAIC_ADMIN_PASSWORD", "", "MOSAIC_ADMIN_PASSWORD"},
                          Case{"MOSAIC_ADMIN_NAME", "", "MOSAIC_ADMIN_NAME"},
                          Case{"MOSAIC_STORAGE_TIER", "team", "MOSAIC_DATABASE_URL"}}) {
        auto saved = env;
        env[c.var] = c.value;
        EXPECT_EQ(install_code(), 2) << c.var << "=" << c.value;
        EXPECT_NE(last_error.find(c.named), std::string::npos) << last_error;
        EXPECT_EQ(last_error.find("short\b"), std::string::npos);
        EXPECT_FALSE(std::filesystem::exists(paths.dir)) << c.var;
        env = saved;
    }
    EXPECT_TRUE(procs.spawned.empty());
}

TEST_F(InstallTest, PartialInstallIsRefusedWithExitThree) {
    write_install(home, 15000);
    std::filesystem::remove(paths.config_file);
    auto before = read(paths.env_file);
    EXPECT_EQ(install_code(), 3);
    EXPECT_NE(last_error.find("mosaic gateway uninstall"), std::string::npos);
    EXPECT_EQ(read(paths.env_file), before);
    EXPECT_TRUE(procs.spawned.empty());
}

TEST_F(InstallTest, HeadlessRerunOnABootstrappedGatewayChangesNothing) {
    auto first = install();
    auto env_before = read(paths.env_file), meta_before = read(paths.meta_file);
    env.erase("MOSAIC_ADMIN_PASSWORD");  // not needed once an admin exists
    auto again = install();
    EXPECT_FALSE(again.config.changed);
    EXPECT_TRUE(again.start.already_running);
    EXPECT_FALSE(again.bootstrap.bootstrapped);
    EXPECT_TRUE(again.bootstrap.token_on_file);
    EXPECT_FALSE(again.bootstrap.token);
    EXPECT_EQ(procs.spawned.size(), 1u);
    EXPECT_EQ(read(paths.env_file), env_before);
    EXPECT_EQ(read(paths.meta_file), meta_before);
}

TEST_F(InstallTest, ExplicitPortChangeReconfiguresKeepsSecretAndDropsToken) {
    install();
    auto secret = gw::load_auth_secret(paths);
    gw::ConfigureInputs in;
    in.port = gw::Sourced{"15123", "--port"};
    auto r = install(in);
    EXPECT_TRUE(r.config.changed);
    EXPECT_TRUE(r.config.stopped_running_daemon);
    EXPECT_EQ(procs.signals.front(), (std::pair<pid_t, int>{4242, SIGTERM}));
    EXPECT_EQ(procs.spawned.size(), 2u);
    EXPECT_EQ(gw::load_saved_settings(paths).port, 15123);
    EXPECT_EQ(gw::load_auth_secret(paths), secret);
    auto meta = json::parse(read(paths.meta_file));
    EXPECT_FALSE(meta.contains("admin_token"));
    EXPECT_TRUE(r.bootstrap.admin_exists);
    EXPECT_FALSE(r.bootstrap.token_on_file);
}

TEST_F(InstallTest, EnvironmentAloneDoesNotReconfigureACompleteInstall) {
    install();
    env["MOSAIC_GATEWAY_PORT"] = "15999";
    auto r = install();
    EXPECT_FALSE(r.config.changed);
    EXPECT_EQ(gw::load_saved_settings(paths).port, 14242);
}

TEST_F(InstallTest, ForceReconfigureRewritesWithTheEnvironment) {
    install();
    env["MOSAIC_GATEWAY_PORT"] = "15999";
    gw::ConfigureInputs in;
    in.force_reconfigure = true;
    auto r = install(in);
    EXPECT_TRUE(r.config.changed);
    EXPECT_EQ(gw::load_saved_settings(paths).port, 15999);
}

TEST_F(InstallTest, UsesASystemdUserUnitWhenTheUserManagerAnswers) {
    fake_systemctl();
    runner.on({(bin / "systemctl").string(), "--user", "is-active"}, {3, "", "", false});
    runner.add_rule([this](const mosaic::support::Command& c) -> std::optional<mosaic::support::ProcessResult> {
        if (c.argv.size() > 2 && c.argv[2] == "restart") http.up = true;  // systemd started it
        return std::nullopt;
    });
    auto r = install();
    EXPECT_EQ(r.start.via, "systemd");
    EXPECT_TRUE(procs.spawned.empty());
    std::vector<std::string> verbs;
    for (const auto& c : runner.commands_ran) {
        EXPECT_EQ(c.argv[0], (bin / "systemctl").string());
        EXPECT_EQ(c.argv[1], "--user");
        verbs.push_back(c.argv[2]);
    }
    // show-environment probes; state() asks is-active; then reload, enable, restart.
    EXPECT_EQ(std::count(verbs.begin(), verbs.end(), "show-environment"), 1);
    auto pos = [&](const char* v) { return std::find(verbs.begin(), verbs.end(), v) - verbs.begin(); };
    EXPECT_LT(pos("daemon-reload"), pos("enable"));
    EXPECT_LT(pos("enable"), pos("restart"));
    auto unit = read(tmp.path() / "home/.config/systemd/user/mosaic-gateway.service");
    EXPECT_NE(unit.find("ExecStart=/opt/mosaic/bin/mosaic --mosaic-home " + home.string() + " gateway run"), std::string::npos);
    EXPECT_EQ(json::parse(read(paths.meta_file))["service"], "systemd");
}

TEST_F(InstallTest, FallsBackToADetachedProcessWhenSystemctlUserFails) {
    fake_systemctl();
    runner.on({(bin / "systemctl").string(), "--user", "show-environment"},
              {1, "", "Failed to connect to bus: No medium found", false});
    auto r = install();
    EXPECT_EQ(r.start.via, "process");
    EXPECT_EQ(procs.spawned.size(), 1u);
    EXPECT_FALSE(std::filesystem::exists(tmp.path() / "home/.config/systemd/user/mosaic-gateway.service"));
}

TEST_F(InstallTest, HealthFailurePrintsTheLast30NonEmptyLogLinesAndExitsOne) {
    procs.on_spawn = [this] {
        std::ofstream log(paths.log_file, std::ios::app);
        for (int i = 1; i <= 45; ++i) log << "log line " << i << "\n\n";
        procs.running.clear();  // the daemon died
    };
    EXPECT_EQ(install_code(), 1);
    EXPECT_NE(last_error.find("did not become healthy"), std::string::npos);
    EXPECT_NE(last_error.find("log line 16\n"), std::string::npos);
    EXPECT_NE(last_error.find("log line 45"), std::string::npos);
    EXPECT_EQ(last_error.find("log line 15\n"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(paths.pid_file));
}

TEST_F(InstallTest, HealthTimeoutIsBoundedByTheInjectedClock) {
    procs.on_spawn = nullptr;  // alive but never answering
    auto d = deps();
    d.health_timeout = std::chrono::seconds(3);
    EXPECT_THROW(gw::run_install(d, {}), mosaic::Error);
    EXPECT_FALSE(sleeper.sleeps.empty());
    EXPECT_EQ(procs.signals.back().second, SIGKILL);  // the unhealthy process is not left behind
    EXPECT_FALSE(ui.progress_labels.empty());
}

TEST_F(InstallTest, InteractiveInstallAsksThroughTheHost) {
    env.erase("MOSAIC_ADMIN_NAME");
    env.erase("MOSAIC_ADMIN_EMAIL");
    env.erase("MOSAIC_ADMIN_PASSWORD");
    ui.is_interactive = true;
    ui.answers = {"15321", "0", "", "Grace", "grace@example.com", "short", "longenough1", "longenough1"};
    auto r = install();
    EXPECT_EQ(r.config.settings.port, 15321);
    EXPECT_EQ(r.config.settings.cors_origin, "http://localhost:3000");
    EXPECT_TRUE(r.bootstrap.bootstrapped);
    EXPECT_EQ(ui.warnings.size(), 1u);  // the short password, asked again
    EXPECT_EQ(ui.questions.front(), "Gateway port");
    EXPECT_EQ(std::count(ui.questions.begin(), ui.questions.end(), "Confirm the admin password"), 1);
}

TEST_F(InstallTest, InteractiveMismatchedPasswordsAreAskedAgain) {
    env.erase("MOSAIC_ADMIN_PASSWORD");
    ui.is_interactive = true;
    ui.answers = {"", "0", "", "longenough1", "different11", "longenough1", "longenough1"};
    auto r = install();
    EXPECT_TRUE(r.bootstrap.bootstrapped);
    ASSERT_EQ(ui.warnings.size(), 1u);
    EXPECT_EQ(ui.warnings[0], "the passwords do not match");
}

TEST_F(InstallTest, StopEscalatesToSigkillAfterTheBoundedWait) {
    install();
    procs.ignore_sigterm = true;
    auto d = deps();
    auto r = gw::DaemonControl(d, paths).stop();
    EXPECT_TRUE(r.was_running);
    EXPECT_TRUE(r.killed);
    EXPECT_EQ(procs.signals[0].second, SIGTERM);
    EXPECT_EQ(procs.signals[1].second, SIGKILL);
    EXPECT_FALSE(std::filesystem::exists(paths.pid_file));
}

TEST_F(InstallTest, StopRemovesAStalePidFileWithoutSignalling) {
    write_install(home, 15000);
    gw::write_pid_file(paths.pid_file, 999999);
    auto d = deps();
    auto r = gw::DaemonControl(d, paths).stop();
    EXPECT_FALSE(r.was_running);
    EXPECT_TRUE(r.removed_stale_pid);
    EXPECT_TRUE(procs.signals.empty());
    EXPECT_FALSE(std::filesystem::exists(paths.pid_file));
}

TEST_F(InstallTest, TeamTierChecksBothBackendsBeforeWritingAnything) {
    env["MOSAIC_STORAGE_TIER"] = "team";
    env["MOSAIC_DATABASE_URL"] = "postgresql://app:dbsecret@db:5432/mosaic";
    env["MOSAIC_VALKEY_URL"] = "redis://:cachesecret@cache:6379/0";
    auto r = install();
    ASSERT_EQ(probed.size(), 1u);
    EXPECT_EQ(probed[0].database_url, "postgresql://app:dbsecret@db:5432/mosaic");
    EXPECT_EQ(r.config.settings.tier, "team");
    auto envfile = read(paths.env_file);
    EXPECT_NE(envfile.find("MOSAIC_STORAGE_TIER=team"), std::string::npos);
    EXPECT_EQ(mode_of(paths.env_file), 0600u);
    EXPECT_EQ(read(paths.config_file).find("dbsecret"), std::string::npos);
    EXPECT_EQ(procs.spawned.size(), 1u);
}

TEST_F(InstallTest, TeamTierWithAnUnreachableBackendExitsOneNamingItAndWritesNothing) {
    env["MOSAIC_STORAGE_TIER"] = "team";
    env["MOSAIC_DATABASE_URL"] = "postgresql://app:dbsecret@db:5432/mosaic";
    env["MOSAIC_VALKEY_URL"] = "redis://cache:6379";
    backends[0] = {"postgresql", false, -1, "postgresql at db:5432: connection refused"};
    EXPECT_EQ(install_code(), 1);
    EXPECT_NE(last_error.find("postgresql at db:5432: connection refused"), std::string::npos) << last_error;
    EXPECT_EQ(last_error.find("valkey"), std::string::npos) << last_error;  // it answered
    EXPECT_NE(last_error.find("nothing was written"), std::string::npos) << last_error;
    EXPECT_FALSE(std::filesystem::exists(paths.dir));
    EXPECT_TRUE(procs.spawned.empty());
}

TEST_F(InstallTest, TeamTierWithBothBackendsDownNamesBoth) {
    env["MOSAIC_STORAGE_TIER"] = "team";
    env["MOSAIC_DATABASE_URL"] = "postgresql://db/mosaic";
    env["MOSAIC_VALKEY_URL"] = "redis://cache";
    backends = {{"postgresql", false, -1, "postgresql at db:5432: timeout expired"},
                {"valkey", false, -1, "valkey at cache:6379: Connection refused"}};
    EXPECT_EQ(install_code(), 1);
    EXPECT_NE(last_error.find("postgresql at db:5432: timeout expired"), std::string::npos) << last_error;
    EXPECT_NE(last_error.find("valkey at cache:6379: Connection refused"), std::string::npos) << last_error;
    EXPECT_FALSE(std::filesystem::exists(paths.dir));
}

TEST_F(InstallTest, LocalTierProbesNoBackend) {
    install();
    EXPECT_TRUE(probed.empty());
}

TEST_F(InstallTest, DoctorOnTheTeamTierReportsTierConfigAndEachBackend) {
    env["MOSAIC_STORAGE_TIER"] = "team";
    env["MOSAIC_DATABASE_URL"] = "postgresql://db/mosaic";
    env["MOSAIC_VALKEY_URL"] = "redis://cache";
    install();
    backends[1] = {"valkey", false, -1, "valkey at cache:6379: Connection refused"};
    auto d = deps();
    auto checks = gw::run_doctor(d);
    std::vector<std::string> names;
    for (const auto& c : checks) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string>{"tier", "config", "permissions", "daemon", "postgresql", "valkey"}));
    EXPECT_EQ(checks[0].detail, "team");
    EXPECT_TRUE(checks[2].ok) << checks[2].detail;
    EXPECT_TRUE(checks[3].ok);
    EXPECT_TRUE(checks[4].ok);
    EXPECT_EQ(checks[4].detail, "db:5432");
    EXPECT_FALSE(checks[5].ok);
    auto j = gw::doctor_json(checks);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["tier"], "team");
    EXPECT_EQ(j["checks"][5]["detail"], "valkey at cache:6379: Connection refused");
    EXPECT_TRUE(j["checks"][5]["latency_ms"].is_null());
}

TEST_F(InstallTest, DoctorOnTheLocalTierAsksTheDaemonAndProbesNoTeamBackend) {
    install();
    auto d = deps();
    auto checks = gw::run_doctor(d);
    auto j = gw::doctor_json(checks);
    EXPECT_EQ(j["ok"], true) << j.dump();
    EXPECT_EQ(j["tier"], "local");
    EXPECT_EQ(checks.back().name, "sqlite");
    EXPECT_TRUE(probed.empty());
}

// Another local user's loop POSTing /api/bootstrap/setup while install runs (it knows the port
// and sees needsSetup): it gets nothing, and install creates the admin it was given.
TEST_F(InstallTest, ASetupRaceDuringInstallCannotTakeTheFirstAdmin) {
    std::vector<int> attacker;
    http.before = [&](const std::string&, const std::string&) {
        auto r = http.api.handle(gw::ApiRequest{
            "POST", "/api/bootstrap/setup", R"({"name":"Eve","email":"eve@example.com","password":"evilpass123"})",
            "127.0.0.1", {{"content-type", "application/json"}}});
        attacker.push_back(r.status);
    };
    auto r = install();
    EXPECT_TRUE(r.bootstrap.bootstrapped);
    auto users = http.storage.list_users();
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].email, "ada@example.com");
    ASSERT_FALSE(attacker.empty());
    for (int status : attacker) EXPECT_TRUE(status == 403 || status == 409) << status;
}

// An admin created by someone else between install's status check and its setup: install did
// not cause that 409 and must not report success.
TEST_F(InstallTest, AConflictInstallDidNotCauseFailsLoudly) {
    http.before = [&](const std::string& method, const std::string& path) {
        if (method != "POST" || path != "/api/bootstrap/setup") return;
        std::int64_t id = 0;
        http.storage.create_first_admin({"Eve", "eve@example.com", "x"}, "h", "eve", 0, id);
    };
    EXPECT_EQ(install_code(), 1);
    EXPECT_NE(last_error.find("this install did not create"), std::string::npos) << last_error;
    EXPECT_FALSE(json::parse(read(paths.meta_file)).contains("admin_exists"));
}

// The crash suite's case: an earlier install was killed after its setup request reached the
// daemon, and the rerun's own setup then meets the admin that request created. Its
// credentials are the ones given: it is this install's admin, signed in and kept.
TEST_F(InstallTest, AConflictFromAnEarlierKilledRunIsThisInstallsOwnAdmin) {
    http.before = [&](const std::string& method, const std::string& path) {
        if (method != "POST" || path != "/api/bootstrap/setup" || http.storage.has_users()) return;
        std::int64_t id = 0;
        http.storage.create_first_admin({"Ada", "ada@example.com", gw::hash_password("securepass123")}, "h", "b", 0, id);
    };
    auto r = install();
    EXPECT_FALSE(r.bootstrap.bootstrapped);
    EXPECT_TRUE(r.bootstrap.admin_exists);
    auto meta = json::parse(read(paths.meta_file));
    EXPECT_EQ(meta["admin_exists"], true);
    EXPECT_EQ(meta["session_token"].get<std::string>().rfind("mgs_", 0), 0u) << meta;
}
