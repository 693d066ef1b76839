// Team-tier test support: the servers scripts/test-servers.sh started (MOSAIC_TEST_DATABASE_URL,
// MOSAIC_TEST_VALKEY_URL), a fresh database per test, and a private redis-server a test may
// stop and restart.
//
// Without the servers a team-tier test is skipped with a loud message, unless
// MOSAIC_REQUIRE_TEAM_SERVERS=1 (CI), which turns the skip into a failure.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <mosaic/testing/fake_host.hpp>

#include "backend_url.hpp"
#include "crypto.hpp"
#include "gateway_test_support.hpp"
#include "postgres.hpp"
#include "valkey.hpp"

namespace gateway_test {

struct TeamServers {
    std::string database_url, valkey_url;
    bool available() const { return !database_url.empty() && !valkey_url.empty(); }
    static const TeamServers& get() {
        static const TeamServers s = [] {
            TeamServers t;
            if (const char* d = std::getenv("MOSAIC_TEST_DATABASE_URL")) t.database_url = d;
            if (const char* v = std::getenv("MOSAIC_TEST_VALKEY_URL")) t.valkey_url = v;
            return t;
        }();
        return s;
    }
    static bool required() {
        const char* r = std::getenv("MOSAIC_REQUIRE_TEAM_SERVERS");
        return r && std::string(r) == "1";
    }
};

inline const char* team_servers_missing_message() {
    return "team-tier test NOT RUN: MOSAIC_TEST_DATABASE_URL and MOSAIC_TEST_VALKEY_URL are not set; start the "
           "servers with: eval \"$(scripts/test-servers.sh start)\"";
}

// In a test body or SetUp(): skip loudly (or fail under MOSAIC_REQUIRE_TEAM_SERVERS=1).
#define REQUIRE_TEAM_SERVERS()                                                                       \
    do {                                                                                             \
        if (!::gateway_test::TeamServers::get().available()) {                                       \
            if (::gateway_test::TeamServers::required())                                            \
                FAIL() << ::gateway_test::team_servers_missing_message()                             \
                       << " (and MOSAIC_REQUIRE_TEAM_SERVERS=1)";                                    \
            std::fprintf(stderr, "\n***** %s *****\n\n", ::gateway_test::team_servers_missing_message()); \
            GTEST_SKIP() << ::gateway_test::team_servers_missing_message();                          \
        }                                                                                            \
    } while (0)

// A database of its own for one test, created on the test server and dropped (with its
// connections) at the end. Its Valkey keys are namespaced by the deployment id the gateway
// generates in it, so tests sharing the one Valkey never meet.
class ScratchDatabase {
public:
    ScratchDatabase() {
        static std::atomic<int> counter{0};
        name = "mosaic_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + gw::random_hex(4);
        admin().exec("CREATE DATABASE " + name);
        url = gw::with_database(TeamServers::get().database_url, name);
    }
    ~ScratchDatabase() {
        try {
            admin().exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cannot drop test database %s: %s\n", name.c_str(), e.what());
        }
    }
    std::string name, url;

private:
    static gw::PgConnection admin() { return gw::PgConnection(TeamServers::get().database_url, std::chrono::seconds(10)); }
};

// A redis-server of our own on a free loopback port (with a password, no persistence), for
// tests that stop and restart it. Stopped on scope exit.
class PrivateRedis {
public:
    PrivateRedis() : port(free_port()), password(gw::random_hex(12)) {}
    ~PrivateRedis() { stop(); }

    static std::string binary() {
        for (const char* p : {"/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"})
            if (::access(p, X_OK) == 0) return p;
        return "";
    }
    std::string url() const { return "redis://:" + password + "@127.0.0.1:" + std::to_string(port) + "/0"; }

    // Starts it and waits (bounded) until it answers; false when it did not.
    bool start() {
        gw::PosixProcessControl pc;
        pid_ = pc.spawn_detached({binary(), "--bind", "127.0.0.1", "--port", std::to_string(port), "--requirepass",
                                  password, "--save", "", "--appendonly", "no", "--dir", dir_.path().string()},
                                 {{"PATH", "/usr/bin:/bin"}}, dir_.path() / "redis.log");
        for (int i = 0; i < 200; ++i) {
            try {
                gw::ValkeyClient c(url(), std::chrono::milliseconds(500), 0);
                if (c.command({"PING"}).str == "PONG") return true;
            } catch (const std::exception&) {
            }
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

    int port;
    std::string password;

private:
    mosaic::testing::TempDir dir_;
    pid_t pid_ = -1;
};

// Writes a complete team-tier install for `port` under `home`.
inline gw::GatewaySettings write_team_install(const std::filesystem::path& home, int port, const std::string& database_url,
                                              const std::string& valkey_url) {
    gw::GatewaySettings s;
    s.port = port;
    s.tier = "team";
    s.database_url = database_url;
    s.valkey_url = valkey_url;
    gw::write_config(gw::GatewayPaths(home), s, gw::new_auth_secret());
    return s;
}

}  // namespace gateway_test
