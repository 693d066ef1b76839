#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "gateway_test_support.hpp"

using namespace gateway_test;

TEST(GatewayInstallState, DetectsNoneCompleteAndPartial) {
    mosaic::testing::TempDir t;
    gw::GatewayPaths p(t.path());
    EXPECT_EQ(gw::detect_state(p), gw::InstallState::none);
    write_install(t.path(), 15000);
    EXPECT_EQ(gw::detect_state(p), gw::InstallState::complete);
    std::filesystem::remove(p.config_file);
    EXPECT_EQ(gw::detect_state(p), gw::InstallState::partial);
    try {
        gw::refuse_partial(p);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 3);
        EXPECT_NE(std::string(e.what()).find("mosaic gateway uninstall"), std::string::npos);
    }
}

TEST(GatewayInstallState, AWritingMarkerMakesOneOrBothFilesAnInterruptedInstall) {
    mosaic::testing::TempDir t;
    gw::GatewayPaths p(t.path());
    write_install(t.path(), 15000);
    mosaic::support::write_file_atomic(p.writing_marker, "x\n");
    EXPECT_EQ(gw::detect_state(p), gw::InstallState::interrupted);
    std::filesystem::remove(p.config_file);
    EXPECT_EQ(gw::detect_state(p), gw::InstallState::interrupted) << "killed between .env and mosaic.config.json";
    try {
        gw::refuse_unless_complete(p, gw::detect_state(p));
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 3);
        EXPECT_NE(std::string(e.what()).find("run 'mosaic gateway install' to finish it"), std::string::npos) << e.what();
    }
    std::filesystem::remove(p.env_file);
    EXPECT_EQ(gw::detect_state(p), gw::InstallState::none) << "a marker alone is nothing installed";
}

TEST(GatewayInstallState, SecretsAre0600InA0700Directory) {
    mosaic::testing::TempDir t;
    gw::GatewayPaths p(t.path());
    write_install(t.path(), 15000);
    gw::Meta m;
    m.doc["admin_token"] = "mgw_x";
    gw::store_meta(p, m);
    EXPECT_EQ(mode_of(p.dir), 0700u);
    EXPECT_EQ(mode_of(p.env_file), 0600u);
    EXPECT_EQ(mode_of(p.meta_file), 0600u);
}

TEST(GatewayInstallState, RewriteKeepsAuthSecretAndForeignLines) {
    mosaic::testing::TempDir t;
    gw::GatewayPaths p(t.path());
    gw::GatewaySettings s;
    s.port = 15000;
    gw::write_config(p, s, "a-secret-that-is-long-enough-0123456789");
    {
        std::ofstream(p.env_file, std::ios::app) << "# mine\nCUSTOM_THING=1\n";
    }
    auto secret = gw::load_auth_secret(p);
    s.port = 15001;
    EXPECT_TRUE(gw::write_config(p, s, *secret));
    auto text = read(p.env_file);
    EXPECT_NE(text.find("CUSTOM_THING=1"), std::string::npos);
    EXPECT_NE(text.find("# mine"), std::string::npos);
    EXPECT_NE(text.find("MOSAIC_GATEWAY_PORT=15001"), std::string::npos);
    EXPECT_EQ(gw::load_auth_secret(p), secret);
    EXPECT_FALSE(gw::write_config(p, s, *secret));  // same values: unchanged
}

TEST(GatewayInstallState, UnparsableConfigJsonIsNeverOverwrittenNorEnvWritten) {
    mosaic::testing::TempDir t;
    gw::GatewayPaths p(t.path());
    std::filesystem::create_directories(p.dir);
    std::ofstream(p.config_file) << "{ not json";
    gw::GatewaySettings s;
    try {
        gw::write_config(p, s, std::string(64, 's'));
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 2);
        EXPECT_NE(std::string(e.what()).find(p.config_file.string()), std::string::npos);
    }
    EXPECT_EQ(read(p.config_file), "{ not json");
    EXPECT_FALSE(std::filesystem::exists(p.env_file));
}

TEST(GatewayInstallState, ConfigJsonKeepsUnknownKeys) {
    mosaic::testing::TempDir t;
    gw::GatewayPaths p(t.path());
    std::filesystem::create_directories(p.dir);
    std::ofstream(p.config_file) << R"({"note": "kept"})";
    write_install(t.path(), 15000);
    auto j = nlohmann::json::parse(read(p.config_file));
    EXPECT_EQ(j["note"], "kept");
    EXPECT_EQ(j["port"], 15000);
    EXPECT_EQ(j["url"], "http://127.0.0.1:15000");
}

TEST(GatewayPidFile, OnlyTheFirstClaimOfAHomeHoldsItAndTheSecondNamesThePidOnFile) {
    mosaic::testing::TempDir t;
    gw::GatewayPaths p(t.path());
    gw::claim_pid_file(p.pid_file);  // holds the lock until this test process exits
    EXPECT_EQ(gw::read_pid_file(p.pid_file), ::getpid());
    EXPECT_EQ(mode_of(p.pid_file), 0600u);
    // flock locks belong to an open file description: a second claim, even from this
    // process, is a second daemon.
    try {
        gw::claim_pid_file(p.pid_file);
        FAIL() << "a second claim succeeded";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 3);
        EXPECT_NE(std::string(e.what()).find("already runs for this home (pid " + std::to_string(::getpid())),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(gw::read_pid_file(p.pid_file), ::getpid()) << "the refused claim left the file alone";
}
