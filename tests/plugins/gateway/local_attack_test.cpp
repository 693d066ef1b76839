// Another local user against the gateway's files and port, in process: symbolic links planted
// where the daemon's lock and log go, and what holds the port when a start fails because of it.
#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include "gateway_test_support.hpp"
#include "port_holder.hpp"

using namespace gateway_test;

TEST(PortHolder, FindsTheListeningSocketsOfAPortInProcNetTcp) {
    const std::string table =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 0100007F:3792 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 4242 1 0 100 0 0 10 0\n"
        "   1: 0100007F:3792 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 4343 1 0 100 0 0 10 0\n"
        "   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1 0 100 0 0 10 0\n";
    auto found = gw::listening_sockets(table, 14226);  // 0x3792
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].uid, 1001u);
    EXPECT_EQ(found[0].inode, 4242u);
    EXPECT_EQ(gw::listening_sockets(table, 8080).size(), 1u);
    EXPECT_TRUE(gw::listening_sockets(table, 9).empty());
    EXPECT_EQ(gw::command_line_for_message(std::string("python3\0-m\0http.server\0", 24)), "python3 -m http.server");
}

TEST(PortHolder, NamesThePidOfTheProcessListening) {
    PortBlocker busy;
    auto holder = gw::describe_port_holder(busy.port);
    ASSERT_TRUE(holder);
    EXPECT_EQ(holder->rfind("pid " + std::to_string(::getpid()) + " (", 0), 0u) << *holder;
    EXPECT_FALSE(gw::describe_port_holder(free_port()));
}

TEST(GatewayFiles, ASymlinkPlantedAtThePidLockIsRefusedAndNotFollowed) {
    mosaic::testing::TempDir tmp;
    gw::GatewayPaths paths(tmp.path() / "mosaic");
    std::filesystem::create_directories(paths.dir);
    std::filesystem::create_symlink(tmp.path() / "victim", gw::pid_lock_file(paths.pid_file));
    try {
        gw::claim_pid_file(paths.pid_file);
        ADD_FAILURE() << "the pid lock was taken through a symbolic link";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_refused);
        EXPECT_NE(std::string(e.what()).find("is a symbolic link"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(tmp.path() / "victim"));
}

TEST(GatewayFiles, ASymlinkPlantedAtTheLogIsRefusedAndItsTargetUntouched) {
    mosaic::testing::TempDir tmp;
    auto victim = tmp.path() / ".bashrc";
    std::ofstream(victim) << "echo safe\n";
    std::filesystem::create_symlink(victim, tmp.path() / "gateway.log");
    gw::PosixProcessControl pc;
    try {
        pc.spawn_detached({"/bin/echo", "GET /$(id)"}, {}, tmp.path() / "gateway.log");
        ADD_FAILURE() << "the log was opened through a symbolic link";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_refused);
    }
    EXPECT_EQ(read(victim), "echo safe\n");
}
