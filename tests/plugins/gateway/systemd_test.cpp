#include <gtest/gtest.h>

#include <fstream>

#include <mosaic/testing/fake_host.hpp>

#include "process_control.hpp"
#include "systemd.hpp"

namespace gw = mosaic::gateway;

TEST(GatewayUnit, RunsGatewayRunWithTheHomeAndAppendsToTheLog) {
    auto u = gw::render_unit("/usr/bin/mosaic", "/home/u/.config/mosaic", "/home/u/.config/mosaic/gateway/gateway.log");
    EXPECT_NE(u.find("ExecStart=/usr/bin/mosaic --mosaic-home /home/u/.config/mosaic gateway run\n"), std::string::npos);
    EXPECT_NE(u.find("StandardOutput=append:/home/u/.config/mosaic/gateway/gateway.log"), std::string::npos);
    EXPECT_NE(u.find("WantedBy=default.target"), std::string::npos);
    EXPECT_EQ(u.find("SECRET"), std::string::npos);
}

TEST(GatewayUnit, QuotesPathsWithSpacesAndEscapesSpecifiers) {
    EXPECT_EQ(gw::systemd_quote("/a b/mosaic"), "\"/a b/mosaic\"");
    EXPECT_EQ(gw::systemd_quote("/x%y"), "\"/x%%y\"");
    EXPECT_EQ(gw::systemd_quote("/plain"), "/plain");
}

TEST(GatewayUnit, UnitPathHonoursXdgConfigHome) {
    auto env = [](std::map<std::string, std::string> m) {
        return [m](const std::string& k) -> std::optional<std::string> {
            auto it = m.find(k);
            return it == m.end() ? std::nullopt : std::optional(it->second);
        };
    };
    EXPECT_EQ(gw::unit_path(env({{"XDG_CONFIG_HOME", "/x"}, {"HOME", "/h"}})), "/x/systemd/user/mosaic-gateway.service");
    EXPECT_EQ(gw::unit_path(env({{"HOME", "/h"}})), "/h/.config/systemd/user/mosaic-gateway.service");
}

TEST(GatewayUnit, SystemctlArgvIsUserScoped) {
    EXPECT_EQ(gw::systemctl_user("restart", {"mosaic-gateway.service"}),
              (std::vector<std::string>{"systemctl", "--user", "restart", "mosaic-gateway.service"}));
}

TEST(GatewayProcess, RecognisesGatewayCommandLines) {
    using namespace std::string_literals;
    EXPECT_TRUE(gw::cmdline_is_gateway("/usr/bin/mosaic\0--mosaic-home\0/h\0gateway\0run\0"s));
    EXPECT_FALSE(gw::cmdline_is_gateway("/usr/bin/mosaic\0gateway\0status\0"s));
    EXPECT_FALSE(gw::cmdline_is_gateway("/bin/sleep\0100\0"s));
}

TEST(GatewayProcess, PidFileRoundTripsAndRejectsGarbage) {
    mosaic::testing::TempDir t;
    auto p = t.path() / "gateway.pid";
    EXPECT_FALSE(gw::read_pid_file(p));
    gw::write_pid_file(p, 1234);
    EXPECT_EQ(gw::read_pid_file(p), 1234);
    std::ofstream(p) << "12ab\n";
    EXPECT_FALSE(gw::read_pid_file(p));
}
