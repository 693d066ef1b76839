// End to end on the team tier: the built `mosaic` in a private world (MosaicTestEnv), a
// failing fake systemctl (so the daemon runs as a detached process), free loopback ports.
// Install refusals need no server; the full install needs the test servers and a database
// of its own. Every daemon is stopped.
#include <gtest/gtest.h>

#include <regex>

#include <csignal>

#include <test_env.hpp>

#include "team_test_support.hpp"

using namespace gateway_test;
using mosaic::testing::MosaicTestEnv;
using nlohmann::json;

namespace {

class TeamE2E : public ::testing::Test {
protected:
    MosaicTestEnv env;
    int port = free_port();
    gw::GatewayPaths paths{env.mosaic_home};

    TeamE2E() {
        env.use_built_plugins();
        env.env["MOSAIC_ASSUME_YES"] = "1";
        env.env["MOSAIC_ADMIN_NAME"] = "Ada";
        env.env["MOSAIC_ADMIN_EMAIL"] = "ada@example.com";
        env.env["MOSAIC_ADMIN_PASSWORD"] = "securepass123";
        env.env["MOSAIC_GATEWAY_PORT"] = std::to_string(port);
        env.env["MOSAIC_STORAGE_TIER"] = "team";
        env.write_script("systemctl", "#!/bin/sh\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n");
    }
    ~TeamE2E() override {
        if (auto pid = gw::read_pid_file(paths.pid_file)) {
            ::kill(*pid, SIGKILL);
        }
    }
    static bool leaks(const mosaic::support::ProcessResult& r, const std::string& secret) {
        return r.out.find(secret) != std::string::npos || r.err.find(secret) != std::string::npos;
    }
};

}  // namespace

TEST_F(TeamE2E, InstallWithoutTheUrlsNamesBothExitsTwoAndWritesNothing) {
    auto r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("MOSAIC_DATABASE_URL"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("MOSAIC_VALKEY_URL"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(paths.dir));

    env.env["MOSAIC_DATABASE_URL"] = "postgresql://app:dbsecret@127.0.0.1:1/mosaic";
    r = env.mosaic({"gateway", "install"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("MOSAIC_VALKEY_URL"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("MOSAIC_DATABASE_URL"), std::string::npos) << r.err;
    EXPECT_FALSE(leaks(r, "dbsecret"));
    EXPECT_FALSE(std::filesystem::exists(paths.dir));
}

TEST_F(TeamE2E, InstallWithAnInvalidUrlExitsTwoQuotingItRedacted) {
    auto r = env.mosaic({"gateway", "install", "--database-url", "postgresql://app:dbsecret@db:99999/m", "--valkey-url",
                         "redis://cache"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("postgresql://app:***@db:99999/m"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--database-url"), std::string::npos) << r.err;
    EXPECT_FALSE(leaks(r, "dbsecret"));
    EXPECT_FALSE(std::filesystem::exists(paths.dir));
}

TEST_F(TeamE2E, InstallWithAnUnreachableDatabaseExitsOneNamingItAndStartsNothing) {
    int db_port = free_port(), cache_port = free_port();  // nothing listens on either
    auto r = env.mosaic({"gateway", "install", "--database-url",
                         "postgresql://app:dbsecret@127.0.0.1:" + std::to_string(db_port) + "/mosaic", "--valkey-url",
                         "redis://:cachesecret@127.0.0.1:" + std::to_string(cache_port)});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("postgresql at 127.0.0.1:" + std::to_string(db_port)), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("valkey at 127.0.0.1:" + std::to_string(cache_port)), std::string::npos) << r.err;
    EXPECT_FALSE(leaks(r, "dbsecret"));
    EXPECT_FALSE(leaks(r, "cachesecret"));
    EXPECT_FALSE(std::filesystem::exists(paths.dir));  // nothing written, so no daemon and no pid file
    EXPECT_NE(gw::BeastHttpClient(std::chrono::milliseconds(500)).send("GET", "http://127.0.0.1:" + std::to_string(port), "/health", "", {}).status, 200);
}

TEST_F(TeamE2E, InstallDoctorAndStatusOnRealServersNeverPrintCredentials) {
    REQUIRE_TEAM_SERVERS();
    ScratchDatabase db;
    PrivateRedis redis;  // ours to stop, so doctor can see a backend go away
    ASSERT_TRUE(redis.start());
    env.env["MOSAIC_DATABASE_URL"] = db.url;
    env.env["MOSAIC_VALKEY_URL"] = redis.url();
    std::string db_password = db.url.substr(db.url.find(':', 13) + 1, db.url.find('@') - db.url.find(':', 13) - 1);
    ASSERT_FALSE(db_password.empty());

    auto r = env.mosaic({"gateway", "install"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("tier team"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("save it now"), std::string::npos);
    EXPECT_FALSE(leaks(r, db_password));
    EXPECT_FALSE(leaks(r, redis.password));

    auto st = env.mosaic({"gateway", "status", "--json"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    auto sj = json::parse(st.out);
    EXPECT_EQ(sj["healthy"], true);
    EXPECT_EQ(sj["tier"], "team");
    EXPECT_EQ(sj["backends"]["postgresql"]["status"], "ok");
    EXPECT_EQ(sj["backends"]["valkey"]["status"], "ok");

    auto doc = env.mosaic({"gateway", "doctor"});
    EXPECT_EQ(doc.exit_code, 0) << doc.out << doc.err;
    std::string pg_address = gw::parse_postgres_url(db.url).address();
    auto row_ok = [&](const std::string& check) {
        return std::regex_search(doc.out, std::regex("(^|\n)" + check + " +ok +"));
    };
    EXPECT_TRUE(row_ok("tier")) << doc.out;
    EXPECT_TRUE(row_ok("postgresql")) << doc.out;
    EXPECT_NE(doc.out.find(pg_address), std::string::npos) << doc.out;
    EXPECT_NE(doc.out.find(gw::redact_url(db.url)), std::string::npos) << doc.out;
    EXPECT_TRUE(row_ok("valkey")) << doc.out;
    EXPECT_FALSE(leaks(doc, db_password));
    EXPECT_FALSE(leaks(doc, redis.password));

    auto show = env.mosaic({"gateway", "config", "show", "--json"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_EQ(json::parse(show.out)["database_url"], gw::redact_url(db.url));
    EXPECT_FALSE(leaks(show, db_password));
    EXPECT_FALSE(leaks(show, redis.password));

    redis.stop();
    auto down = env.mosaic({"gateway", "doctor", "--json"});
    EXPECT_EQ(down.exit_code, 1) << down.out << down.err;
    auto dj = json::parse(down.out);
    EXPECT_EQ(dj["ok"], false);
    EXPECT_EQ(dj["tier"], "team");
    bool valkey_named = false;
    for (const auto& c : dj["checks"])
        if (c["name"] == "valkey") {
            EXPECT_EQ(c["ok"], false);
            valkey_named = c["detail"].get<std::string>().find("127.0.0.1:" + std::to_string(redis.port)) != std::string::npos;
        } else if (c["name"] == "postgresql") {
            EXPECT_EQ(c["ok"], true);
        }
    EXPECT_TRUE(valkey_named) << down.out;
    EXPECT_FALSE(leaks(down, redis.password));

    auto stop = env.mosaic({"gateway", "stop"});
    EXPECT_EQ(stop.exit_code, 0) << stop.err;
}
