// The team tier's URLs: validation, host:port, redaction. Pure; no server needed.
#include <gtest/gtest.h>

#include <functional>

#include <mosaic/error.hpp>

#include "backend_url.hpp"
#include "postgres.hpp"
#include "settings.hpp"
#include "valkey.hpp"

namespace gw = mosaic::gateway;

namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const mosaic::Error& e) {
        return std::to_string(e.code()) + " " + e.what();
    }
    return "no error";
}

}  // namespace

TEST(BackendUrl, RedactsThePasswordOfAPostgresUrl) {
    EXPECT_EQ(gw::redact_url("postgresql://user:s3cret@host/db"), "postgresql://user:***@host/db");
    EXPECT_EQ(gw::redact_url("postgres://u:p%40ss@db.example:5433/m?sslmode=require"),
              "postgres://u:***@db.example:5433/m?sslmode=require");
}

TEST(BackendUrl, RedactsAPasswordGivenAsQueryParameter) {
    EXPECT_EQ(gw::redact_url("postgresql://host/db?user=u&password=hunter2&sslmode=disable"),
              "postgresql://host/db?user=u&password=***&sslmode=disable");
}

TEST(BackendUrl, RedactsValkeyPasswordsWithAndWithoutUser) {
    EXPECT_EQ(gw::redact_url("redis://:pw@cache:6379/0"), "redis://:***@cache:6379/0");
    EXPECT_EQ(gw::redact_url("valkey://app:pw@cache"), "valkey://app:***@cache");
}

TEST(BackendUrl, LeavesUrlsWithoutPasswordAsTheyAre) {
    EXPECT_EQ(gw::redact_url("postgresql://user@host/db"), "postgresql://user@host/db");
    EXPECT_EQ(gw::redact_url("redis://cache:6379"), "redis://cache:6379");
}

TEST(BackendUrl, ScrubsAUrlsPasswordOutOfAnyText) {
    EXPECT_EQ(gw::scrub_secret("failed for hunter2 at host", "postgresql://u:hunter2@host/db"), "failed for *** at host");
}

TEST(BackendUrl, ParsesPostgresHostPortAndDatabase) {
    auto t = gw::parse_postgres_url("postgresql://u:pw@db.example:6543/mosaic");
    EXPECT_EQ(t.host, "db.example");
    EXPECT_EQ(t.port, "6543");
    EXPECT_EQ(t.dbname, "mosaic");
    EXPECT_EQ(t.user, "u");
    EXPECT_EQ(t.address(), "db.example:6543");
    EXPECT_EQ(gw::parse_postgres_url("postgres://db/m").address(), "db:5432");
}

TEST(BackendUrl, RejectsPostgresUrlsLibpqWouldRejectWithoutShowingThePassword) {
    for (const char* bad : {"postgresql://u:topsecret@host:99999/db", "postgresql://u:topsecret@/db",
                            "postgresql://u:topsecret@host/db?nosuchoption=1", "mysql://u:topsecret@host/db"}) {
        std::string e = error_of([&] { gw::parse_postgres_url(bad); });
        EXPECT_EQ(e.rfind("2 invalid database URL", 0), 0u) << bad << ": " << e;
        EXPECT_EQ(e.find("topsecret"), std::string::npos) << e;
        EXPECT_NE(e.find("u:***@"), std::string::npos) << e;
    }
}

TEST(BackendUrl, ParsesValkeyUrls) {
    auto t = gw::parse_valkey_target("redis://:p%3Ass@cache.local:6380/3");
    EXPECT_EQ(t.host, "cache.local");
    EXPECT_EQ(t.port, 6380);
    EXPECT_EQ(t.password, "p:ss");
    EXPECT_EQ(t.user, "");
    EXPECT_EQ(t.db, 3);
    auto v = gw::parse_valkey_target("valkey://app:pw@[::1]");
    EXPECT_EQ(v.host, "::1");
    EXPECT_EQ(v.port, 6379);
    EXPECT_EQ(v.user, "app");
    EXPECT_EQ(v.address(), "[::1]:6379");
    EXPECT_EQ(gw::parse_valkey_target("redis://legacy@h").password, "legacy");
}

TEST(BackendUrl, RejectsBadValkeyUrlsWithoutShowingThePassword) {
    for (const char* bad : {"redis://:topsecret@cache:0", "redis://:topsecret@cache:port", "redis://:topsecret@/0",
                            "redis://:topsecret@cache/x", "redis://:topsecret@cache?db=1", "http://:topsecret@cache"}) {
        std::string e = error_of([&] { gw::parse_valkey_target(bad); });
        EXPECT_EQ(e.rfind("2 invalid Valkey URL", 0), 0u) << bad << ": " << e;
        EXPECT_EQ(e.find("topsecret"), std::string::npos) << e;
    }
}

TEST(BackendUrl, RefusesTlsValkeyUrlsSayingWhy) {
    std::string e = error_of([] { gw::parse_valkey_target("rediss://:pw@cache:6380"); });
    EXPECT_NE(e.find("TLS is not supported"), std::string::npos) << e;
}

TEST(BackendUrl, WithDatabaseNamesAnotherDatabaseKeepingEverythingElse) {
    EXPECT_EQ(gw::with_database("postgresql://u:p@h:5/postgres", "t1"), "postgresql://u:p@h:5/t1");
    EXPECT_EQ(gw::with_database("postgresql://u:p@h:5", "t1"), "postgresql://u:p@h:5/t1");
    EXPECT_EQ(gw::with_database("postgresql://h/db?sslmode=disable", "t1"), "postgresql://h/t1?sslmode=disable");
}

TEST(BackendUrl, SettingsNameTheSourceOfABadUrlAndNeverItsPassword) {
    std::string e = error_of([] { gw::parse_database_url("postgresql://u:topsecret@h:0/db", "--database-url"); });
    EXPECT_NE(e.find("(from --database-url)"), std::string::npos) << e;
    EXPECT_EQ(e.find("topsecret"), std::string::npos) << e;
    e = error_of([] { gw::parse_valkey_url("redis://:topsecret@h:0", "MOSAIC_VALKEY_URL"); });
    EXPECT_NE(e.find("(from MOSAIC_VALKEY_URL)"), std::string::npos) << e;
    EXPECT_EQ(e.find("topsecret"), std::string::npos) << e;
}

// Nothing listens on the port: the failure names the backend and host:port, fast.
TEST(BackendUnreachable, PostgresConnectFailureNamesHostAndPortNotThePassword) {
    try {
        gw::PgConnection c("postgresql://u:topsecret@127.0.0.1:1/db", std::chrono::seconds(2));
        FAIL();
    } catch (const gw::BackendUnavailable& e) {
        EXPECT_EQ(e.backend(), "postgresql");
        EXPECT_NE(std::string(e.what()).find("postgresql at 127.0.0.1:1"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos) << e.what();
    }
}

TEST(BackendUnreachable, ValkeyCommandFailureNamesHostAndPort) {
    gw::ValkeyClient c("redis://:topsecret@127.0.0.1:1/0", std::chrono::seconds(2));
    try {
        c.command({"PING"});
        FAIL();
    } catch (const gw::BackendUnavailable& e) {
        EXPECT_EQ(e.backend(), "valkey");
        EXPECT_NE(std::string(e.what()).find("valkey at 127.0.0.1:1"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos) << e.what();
    }
}

TEST(BackendUnreachable, TeamStorageCannotOpenWithoutItsDatabase) {
    gw::GatewaySettings s;
    s.tier = "team";
    s.database_url = "postgresql://u:topsecret@127.0.0.1:1/db";
    s.valkey_url = "redis://127.0.0.1:1";
    try {
        gw::open_storage(s, "/nonexistent");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_failed);
        EXPECT_NE(std::string(e.what()).find("postgresql at 127.0.0.1:1"), std::string::npos) << e.what();
    }
}
