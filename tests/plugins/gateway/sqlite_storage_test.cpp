#include <gtest/gtest.h>

#include <sqlite3.h>

#include "gateway_test_support.hpp"

TEST(SqliteStorage, CreatesTheSchemaOnceAndReopensWithoutMigratingAgain) {
    mosaic::testing::TempDir t;
    auto db = (t.path() / "data/g.sqlite3").string();
    {
        gw::SqliteStorage s(db);
        EXPECT_EQ(s.current_schema_version(), gw::SqliteStorage::schema_version);
        EXPECT_FALSE(s.has_users());
        std::int64_t tid = 0;
        ASSERT_TRUE(s.create_first_admin({"A", "a@b.c", "hash"}, "th", "bootstrap", 100, tid));
        // While it is open, the write-ahead log and its index hold the same hashes.
        for (const char* suffix : {"-wal", "-shm"})
            if (std::filesystem::exists(db + suffix)) {
                EXPECT_EQ(gateway_test::mode_of(db + suffix), 0600u) << suffix;
            }
        EXPECT_TRUE(std::filesystem::exists(db + "-wal"));
    }
    gw::SqliteStorage again(db);
    EXPECT_TRUE(again.has_users());
    EXPECT_EQ(again.current_schema_version(), gw::SqliteStorage::schema_version);
    EXPECT_EQ(gateway_test::mode_of(db), 0600u);
}

TEST(SqliteStorage, RefusesADatabaseFromANewerGateway) {
    mosaic::testing::TempDir t;
    auto db = (t.path() / "g.sqlite3").string();
    { gw::SqliteStorage s(db); }
    sqlite3* raw = nullptr;
    sqlite3_open(db.c_str(), &raw);
    sqlite3_exec(raw, "INSERT INTO schema_version VALUES (99, 0)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    try {
        gw::SqliteStorage s(db);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 3);
        EXPECT_NE(std::string(e.what()).find(db), std::string::npos);
    }
}

TEST(SqliteStorage, SecondFirstAdminIsRefused) {
    mosaic::testing::TempDir t;
    gw::SqliteStorage s((t.path() / "g.sqlite3").string());
    std::int64_t tid = 0;
    EXPECT_TRUE(s.create_first_admin({"A", "a@b.c", "h"}, "t1", "bootstrap", 1, tid));
    EXPECT_FALSE(s.create_first_admin({"B", "b@b.c", "h"}, "t2", "bootstrap", 1, tid));
    EXPECT_EQ(s.list_users().size(), 1u);
}
