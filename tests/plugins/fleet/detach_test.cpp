// The detached spawner, with real processes: the child outlives the call, sits in a session of
// its own without a terminal, and writes nowhere near our pipes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "detach.hpp"
#include "fleet_test_support.hpp"

using namespace mosaic::fleet;
using fleet_test::read_text;
using ::testing::HasSubstr;

namespace {

// Fields 6 (session) and 7 (tty_nr) of a /proc/<pid>/stat line.
std::pair<long, long> session_and_tty(const std::string& stat) {
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::string state;
    long ppid = 0, pgrp = 0, session = 0, tty = 0;
    in >> state >> ppid >> pgrp >> session >> tty;
    return {session, tty};
}

bool alive(long pid) {
    auto stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty()) return false;
    char state = stat[stat.rfind(')') + 2];
    return state != 'Z' && state != 'X';
}

}  // namespace

TEST(DetachedSpawner, ChildRunsInItsOwnSessionWithoutATerminalAndOutlivesTheCall) {
    mosaic::testing::TempDir tmp;
    auto log = tmp.path() / "child.log";
    mosaic::support::Command cmd;
    cmd.argv = {"/bin/sh", "-c", "cat /proc/self/stat > \"$OUT/stat\"; pwd > \"$OUT/pwd\"; echo to-stdout; "
                                 "echo to-stderr >&2; exec sleep 60"};
    cmd.env["OUT"] = tmp.path().string();
    PosixDetachedSpawner spawner;
    long pid = spawner.spawn(cmd, log);
    ASSERT_GT(pid, 0);
    ASSERT_TRUE(fleet_test::eventually([&] { return read_text(log).find("to-stderr") != std::string::npos; }));
    ASSERT_TRUE(fleet_test::eventually([&] { return !read_text(tmp.path() / "pwd").empty(); }));
    EXPECT_TRUE(alive(pid));
    auto [session, tty] = session_and_tty(read_text(tmp.path() / "stat"));
    EXPECT_NE(session, static_cast<long>(::getsid(0)));
    EXPECT_NE(session, pid);  // not the session leader: it can never take a terminal
    EXPECT_EQ(tty, 0);
    EXPECT_EQ(read_text(tmp.path() / "pwd"), "/\n");
    EXPECT_THAT(read_text(log), HasSubstr("to-stdout\n"));
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    EXPECT_TRUE(fleet_test::eventually([&] { return !alive(pid); }));
}

TEST(DetachedSpawner, ReturnsThePidOfTheProgramItself) {
    mosaic::testing::TempDir tmp;
    mosaic::support::Command cmd;
    cmd.argv = {"/bin/sh", "-c", "echo $$ > \"$OUT/pid\"; exec sleep 60"};
    cmd.env["OUT"] = tmp.path().string();
    PosixDetachedSpawner spawner;
    long pid = spawner.spawn(cmd, std::nullopt);
    ASSERT_TRUE(fleet_test::eventually([&] { return !read_text(tmp.path() / "pid").empty(); }));
    EXPECT_EQ(read_text(tmp.path() / "pid"), std::to_string(pid) + "\n");
    ::kill(static_cast<pid_t>(pid), SIGKILL);
}

TEST(DetachedSpawner, AProgramThatCannotStartIsAnErrorNamingIt) {
    PosixDetachedSpawner spawner;
    mosaic::support::Command missing;
    missing.argv = {"/nonexistent/mosaic", "fleet"};
    try {
        spawner.spawn(missing, std::nullopt);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_failed);
        EXPECT_THAT(std::string(e.what()), HasSubstr("'/nonexistent/mosaic'"));
    }
    mosaic::support::Command bad_cwd;
    bad_cwd.argv = {"/bin/true"};
    bad_cwd.cwd = "/nonexistent-dir";
    EXPECT_THROW(spawner.spawn(bad_cwd, std::nullopt), mosaic::Error);
}
