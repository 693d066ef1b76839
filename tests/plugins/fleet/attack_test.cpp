// The fleet against hostile or careless input, in process: agent names that cannot be units,
// files or arguments, the holder unit on the user's own tmux server, symbolic links planted at
// the restart lock's files, and a restart lock file far larger than any owner record.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error_code.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "detach.hpp"
#include "fleet_test_support.hpp"
#include "restart_lock.hpp"
#include "roster.hpp"
#include "systemd_units.hpp"

using namespace mosaic::fleet;
using fleet_test::FakeInspector;
using fleet_test::read_text;
using fleet_test::write_text;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

UnitContext unit_context() { return {"/opt/bin/mosaic", "/home/u/.config/mosaic", "/usr/bin/tmux", "/usr/bin:/bin"}; }

}  // namespace

TEST(AgentNames, DashesDotsAndOverlongNamesAreRefused) {
    for (const std::string& bad : std::vector<std::string>{"-rf", "--help", ".", "..", ".hidden", std::string(65, 'a'), std::string(300, 'a'), "a/b", ""})
        EXPECT_FALSE(valid_agent_name(bad)) << bad;
    for (const std::string& good : std::vector<std::string>{"a", "planner", "coder-1", "rev.1", "x_y", "1st", "_private", std::string(64, 'a')})
        EXPECT_TRUE(valid_agent_name(good)) << good;
    try {
        parse_roster("version: 1\nagents:\n  - { name: '-rf', runtime: claude }\n", "/h/roster.yaml");
        ADD_FAILURE() << "an agent named '-rf' was accepted";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_THAT(e.what(), HasSubstr("invalid agent name '-rf'"));
        EXPECT_THAT(e.what(), HasSubstr("line 3"));
    }
}

TEST(AgentNames, TheUnitPassesTheNameAfterDoubleDash) {
    Roster roster;
    EXPECT_THAT(render_agent_unit_template(roster, unit_context()), HasSubstr(" fleet launch -- %i\n"));
}

TEST(HolderUnit, OnTheDefaultSocketItStopsOnlyItsOwnSession) {
    Roster roster;  // no socket_name: the user's own tmux server
    std::string unit = render_holder_unit(roster, unit_context());
    EXPECT_THAT(unit, Not(HasSubstr("kill-server")));
    EXPECT_THAT(unit, HasSubstr("ExecStop=-/usr/bin/tmux kill-session -t =_holder\n"));
    roster.socket_name = "mosaic-fleet";  // a server of its own: all of it is the fleet's
    EXPECT_THAT(render_holder_unit(roster, unit_context()),
                HasSubstr("ExecStop=-/usr/bin/tmux -L mosaic-fleet kill-server\n"));
}

namespace {

struct LockFiles : ::testing::Test {
    mosaic::testing::TempDir tmp;
    std::filesystem::path path = tmp.path() / "fleet/run/restart.lock";
    std::filesystem::path victim = tmp.path() / "victim";
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper{&clock};
    FakeInspector inspector;
};

}  // namespace

TEST_F(LockFiles, ASymlinkPlantedAtTheMutexFileIsRefused) {
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::create_symlink(victim, path.string() + ".mutex");
    RestartLock lock(path, clock, sleeper, inspector);
    try {
        lock.acquire();
        ADD_FAILURE() << "the lock was taken through a symbolic link";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_refused);
        EXPECT_THAT(e.what(), HasSubstr("'" + path.string() + ".mutex' is a symbolic link"));
    }
    EXPECT_FALSE(std::filesystem::exists(victim));
}

TEST_F(LockFiles, ASymlinkPlantedAtTheLockFileIsBrokenNotFollowed) {
    std::filesystem::create_directories(path.parent_path());
    write_text(victim, "precious\n");
    std::filesystem::create_symlink(victim, path);
    RestartLock lock(path, clock, sleeper, inspector);
    lock.acquire();
    EXPECT_TRUE(lock.held());
    EXPECT_FALSE(std::filesystem::is_symlink(path));
    EXPECT_EQ(read_text(victim), "precious\n");
}

// A 1 GB sparse lock file takes no disk but would take 1 GB of memory to read whole. The
// acquire runs in a child whose data segment may grow by 256 MB only.
TEST_F(LockFiles, AHugeSparseLockFileIsReadOnlyAsFarAsAnOwnerRecordGoes) {
    std::filesystem::create_directories(path.parent_path());
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, 1L << 30), 0);
    ::close(fd);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        long data_kb = 0;
        std::string status = read_text("/proc/self/status");
        if (auto at = status.find("VmData:"); at != std::string::npos) data_kb = std::stol(status.substr(at + 7));
        rlimit limit{static_cast<rlim_t>(data_kb + 256 * 1024) * 1024, static_cast<rlim_t>(data_kb + 256 * 1024) * 1024};
        ::setrlimit(RLIMIT_DATA, &limit);
        try {
            RestartLock lock(path, clock, sleeper, inspector);
            std::vector<LockEvent> events;
            lock.acquire([&](const LockEvent& e) { events.push_back(e); });
            bool broke_corrupt = !events.empty() && events.front().kind == LockEvent::Kind::broke_corrupt;
            ::_exit(lock.held() && broke_corrupt ? 0 : 2);
        } catch (...) {
            ::_exit(3);
        }
    }
    int st = 0;
    ASSERT_EQ(::waitpid(child, &st, 0), child);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
        << (WIFEXITED(st) ? "exit " + std::to_string(WEXITSTATUS(st)) : "signal " + std::to_string(WTERMSIG(st)));
}

TEST_F(LockFiles, BreakingALiveOwnerAfterMaxWaitSaysItRunsWhatItRestartsAndThatBothNowOverlap) {
    inspector.start_times[77] = 9;
    LockOwner o;
    o.token = "someone-else";
    o.pid = 77;
    o.host = inspector.host_name;
    o.boot_id = inspector.boot;
    o.start_time = 9;
    o.acquired_ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch()).count();
    o.what = "mosaic-tmux-holder.service, mosaic-agent@a.service";
    write_text(path, render_lock_owner(o));
    RestartLockOptions options;
    options.max_wait = std::chrono::seconds(5);
    RestartLock lock(path, clock, sleeper, inspector, options);
    std::vector<LockEvent> events;
    lock.acquire([&](const LockEvent& e) { events.push_back(e); });
    ASSERT_TRUE(lock.held());
    const LockEvent* broke = nullptr;
    for (const auto& e : events)
        if (e.kind == LockEvent::Kind::broke_max_wait) broke = &e;
    ASSERT_TRUE(broke);
    EXPECT_THAT(broke->detail, HasSubstr("pid 77 on 'box' is still running"));
    EXPECT_THAT(broke->detail, HasSubstr("has held the lock for 5 s"));
    EXPECT_THAT(broke->detail, HasSubstr("restarting mosaic-tmux-holder.service, mosaic-agent@a.service"));
    EXPECT_THAT(broke->detail, HasSubstr("the two restarts now overlap"));
}

TEST_F(LockFiles, StatusAndPsSeeWhoHoldsTheLockAndForHowLong) {
    EXPECT_FALSE(restart_in_progress(path, clock, inspector));
    RestartLockOptions options;
    options.what = "mosaic-agent@a.service";
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire();
    clock.advance(std::chrono::seconds(12));
    auto r = restart_in_progress(path, clock, inspector);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->owner.pid, inspector.pid);
    EXPECT_EQ(r->held_s, 12);
    EXPECT_EQ(r->running, std::optional<bool>(true));
    EXPECT_EQ(describe_restart(*r),
              "restart in progress: pid 1000 on 'box', holding the lock for 12 s (restarting mosaic-agent@a.service)");
    auto j = restart_json(r);
    EXPECT_EQ(j["pid"], 1000);
    EXPECT_EQ(j["what"], "mosaic-agent@a.service");
    lock.release();
    EXPECT_FALSE(restart_in_progress(path, clock, inspector));
    EXPECT_TRUE(restart_json(std::nullopt).is_null());
}

TEST_F(LockFiles, ASymlinkPlantedAtAHeartbeatLogIsRefusedBeforeTheSidecarStarts) {
    write_text(victim, "precious\n");
    std::filesystem::create_symlink(victim, tmp.path() / "a.heartbeat.log");
    mosaic::support::Command cmd;
    cmd.argv = {"/bin/true"};
    try {
        PosixDetachedSpawner().spawn(cmd, tmp.path() / "a.heartbeat.log");
        ADD_FAILURE() << "the sidecar's log was opened through a symbolic link";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_refused);
        EXPECT_THAT(e.what(), HasSubstr("is a symbolic link"));
    }
    EXPECT_EQ(read_text(victim), "precious\n");
}
