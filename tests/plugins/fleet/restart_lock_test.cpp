// The restart lock in one process: owner records, liveness, breaking rules, takeover.
// Races between real processes are in lock_race_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <mosaic/support/clock.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "restart_lock.hpp"

using namespace mosaic::fleet;
using namespace std::chrono;
using fleet_test::Child;
using fleet_test::eventually;
using fleet_test::FakeInspector;
using fleet_test::read_text;
using fleet_test::write_text;
using ::testing::HasSubstr;

namespace {

struct LockFixture : ::testing::Test {
    mosaic::testing::TempDir tmp;
    std::filesystem::path path = tmp.path() / "fleet/run/restart.lock";
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper{&clock};
    FakeInspector inspector;
    RestartLockOptions options;  // 60 s wait, 120 s stale, 250 ms poll
    std::vector<LockEvent> events;
    LockObserver record = [this](const LockEvent& e) { events.push_back(e); };

    LockOwner owner(long pid, std::uint64_t start, milliseconds age = milliseconds(0)) {
        LockOwner o;
        o.token = "someone-else";
        o.pid = pid;
        o.host = inspector.host_name;
        o.boot_id = inspector.boot;
        o.start_time = start;
        o.acquired_ms = duration_cast<milliseconds>(clock.now().time_since_epoch()).count() - age.count();
        return o;
    }
    void plant(const LockOwner& o) { write_text(path, render_lock_owner(o)); }
    bool has(LockEvent::Kind k) const {
        for (const auto& e : events)
            if (e.kind == k) return true;
        return false;
    }
};

}  // namespace

TEST(LockOwnerRecord, RoundTrips) {
    LockOwner o{"tok", 42, "host", "boot", 12345, 1700000000000};
    auto back = parse_lock_owner(render_lock_owner(o));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->token, "tok");
    EXPECT_EQ(back->pid, 42);
    EXPECT_EQ(back->host, "host");
    EXPECT_EQ(back->boot_id, "boot");
    EXPECT_EQ(back->start_time, 12345u);
    EXPECT_EQ(back->acquired_ms, 1700000000000);
}

TEST(LockOwnerRecord, EmptyTruncatedOrIncompleteIsCorrupt) {
    EXPECT_FALSE(parse_lock_owner(""));
    EXPECT_FALSE(parse_lock_owner("{\"token\":\"t\",\"pid\":4"));
    EXPECT_FALSE(parse_lock_owner("{\"token\":\"t\",\"pid\":4}"));
    EXPECT_FALSE(parse_lock_owner("[1,2]"));
    EXPECT_FALSE(parse_lock_owner("garbage"));
}

TEST(ProcStat, ReadsFieldTwentyTwoPastACommWithSpacesAndParens) {
    std::string line = "4242 (a b) c)) S 1 4242 4242 0 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 100 0 0";
    EXPECT_EQ(parse_proc_stat_start_time(line), 987654u);
}

TEST(ProcStat, ZombieOrMalformedHasNoStartTime) {
    EXPECT_FALSE(parse_proc_stat_start_time("4242 (x) Z 1 4242 4242 0 -1 4194304 100 0 0 0 1 2 0 0 20 0 1 0 987654 1"));
    EXPECT_FALSE(parse_proc_stat_start_time("4242 (x) S 1 2"));
    EXPECT_FALSE(parse_proc_stat_start_time("nonsense"));
}

TEST(SystemInspector, SeesItselfAndABootId) {
    SystemProcessInspector in;
    EXPECT_EQ(in.self_pid(), static_cast<long>(::getpid()));
    EXPECT_TRUE(in.start_time(in.self_pid()));
    EXPECT_FALSE(in.host().empty());
    EXPECT_EQ(in.boot_id().size(), 36u) << in.boot_id();
}

TEST_F(LockFixture, AcquiresAFreeLockAtOnceAndWritesItsOwner) {
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(lock.held());
    EXPECT_TRUE(sleeper.sleeps.empty());
    auto o = parse_lock_owner(read_text(path));
    ASSERT_TRUE(o);
    EXPECT_EQ(o->token, lock.token());
    EXPECT_EQ(o->pid, 1000);
    EXPECT_EQ(o->host, "box");
    EXPECT_EQ(o->boot_id, "boot-1");
    EXPECT_EQ(o->start_time, 500u);
    EXPECT_EQ(o->acquired_ms, duration_cast<milliseconds>(clock.now().time_since_epoch()).count());
    EXPECT_TRUE(lock.release());
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(LockFixture, WaitsForALiveOwnerUntilItReleases) {
    inspector.start_times[77] = 9;
    plant(owner(77, 9));
    struct ReleasingSleeper : mosaic::support::Sleeper {
        std::filesystem::path path;
        mosaic::support::FakeClock* clock;
        int sleeps = 0;
        void sleep_for(milliseconds d) override {
            clock->advance(d);
            if (++sleeps == 4) std::filesystem::remove(path);  // the other restart finishes
        }
    } sl;
    sl.path = path;
    sl.clock = &clock;
    RestartLock lock(path, clock, sl, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(lock.held());
    EXPECT_EQ(sl.sleeps, 4);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().kind, LockEvent::Kind::waiting);
    EXPECT_THAT(events.front().detail, HasSubstr("pid 77"));
    EXPECT_FALSE(has(LockEvent::Kind::broke_max_wait));
}

TEST_F(LockFixture, BreaksTheLockOfADeadOwnerWithoutWaiting) {
    plant(owner(55, 3));  // pid 55 is not alive for the inspector
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(sleeper.sleeps.empty());
    EXPECT_TRUE(has(LockEvent::Kind::broke_dead_owner));
    EXPECT_EQ(parse_lock_owner(read_text(path))->token, lock.token());
}

TEST_F(LockFixture, TreatsAReusedPidAsDead) {
    inspector.start_times[55] = 999;  // pid 55 lives, but started later than the owner did
    plant(owner(55, 3));
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(sleeper.sleeps.empty());
    ASSERT_TRUE(has(LockEvent::Kind::broke_dead_owner));
    EXPECT_THAT(events.front().detail, HasSubstr("pid reused"));
}

TEST_F(LockFixture, BreaksALockFromAnEarlierBoot) {
    inspector.start_times[55] = 3;
    LockOwner o = owner(55, 3);
    o.boot_id = "boot-0";
    plant(o);
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(sleeper.sleeps.empty());
    EXPECT_TRUE(has(LockEvent::Kind::broke_dead_owner));
}

TEST_F(LockFixture, BreaksAnEmptyLockFileAtOnce) {
    write_text(path, "");
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(sleeper.sleeps.empty());
    EXPECT_TRUE(has(LockEvent::Kind::broke_corrupt));
    EXPECT_TRUE(lock.held());
}

TEST_F(LockFixture, BreaksACorruptLockFileAtOnce) {
    write_text(path, "{\"token\": \"abc\", \"pid\": ");
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(sleeper.sleeps.empty());
    EXPECT_TRUE(has(LockEvent::Kind::broke_corrupt));
}

TEST_F(LockFixture, BreaksALockOlderThanTheStaleBound) {
    inspector.start_times[77] = 9;
    plant(owner(77, 9, seconds(121)));
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(sleeper.sleeps.empty());
    EXPECT_TRUE(has(LockEvent::Kind::broke_stale));
}

TEST_F(LockFixture, BreaksALiveOwnerOnAnotherHostOnlyWhenStale) {
    LockOwner o = owner(77, 9, seconds(100));  // pid 77 means nothing on this host
    o.host = "elsewhere";
    plant(o);
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(has(LockEvent::Kind::broke_stale));
    // It waited until the record was 120 s old: 20 s of 250 ms polls.
    EXPECT_EQ(sleeper.sleeps.size(), 81u);
}

TEST_F(LockFixture, BreaksTheLockAfterMaxWaitWithAWarningEvent) {
    inspector.start_times[77] = 9;
    plant(owner(77, 9));
    options.max_wait = seconds(5);
    RestartLock lock(path, clock, sleeper, inspector, options);
    lock.acquire(record);
    EXPECT_TRUE(lock.held());
    ASSERT_TRUE(has(LockEvent::Kind::broke_max_wait));
    EXPECT_EQ(sleeper.sleeps.size(), 20u);  // 5 s of 250 ms polls, then broken
    for (auto d : sleeper.sleeps) EXPECT_EQ(d, milliseconds(250));
}

TEST_F(LockFixture, ReleaseAfterATakeoverLeavesTheNewOwnersLock) {
    RestartLock first(path, clock, sleeper, inspector, options);
    first.acquire();
    // The first owner stalls past the stale bound; a second restart takes the lock over.
    clock.advance(seconds(121));
    FakeInspector other = inspector;
    other.pid = 2000;
    other.start_times[2000] = 700;
    RestartLock second(path, clock, sleeper, other, options);
    second.acquire(record);
    ASSERT_TRUE(has(LockEvent::Kind::broke_stale));

    EXPECT_FALSE(first.release());
    ASSERT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(parse_lock_owner(read_text(path))->token, second.token());
    EXPECT_TRUE(second.release());
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(LockFixture, DestructorReleasesOnlyItsOwnLock) {
    {
        RestartLock lock(path, clock, sleeper, inspector, options);
        lock.acquire();
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    {
        RestartLock lock(path, clock, sleeper, inspector, options);
        lock.acquire();
        plant(owner(77, 9));  // replaced behind its back
    }
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(LockFixture, TokensAreUniquePerLock) {
    RestartLock a(path, clock, sleeper, inspector, options);
    a.acquire();
    a.release();
    RestartLock b(path, clock, sleeper, inspector, options);
    b.acquire();
    EXPECT_NE(a.token(), b.token());
    EXPECT_EQ(a.token().size(), 32u);
}

// --- with real processes and the real /proc -----------------------------------------

TEST(RestartLockRealProcess, BreaksTheLockOfAnOwnerKilledWithSigkillAtOnce) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "restart.lock";
    auto log = tmp.path() / "log";
    auto ready = tmp.path() / "ready";
    Child holder({FLEET_LOCK_HELPER_PATH, "--lock", path.string(), "--log", log.string(), "--hold-forever", "--ready",
                  ready.string()});
    ASSERT_GT(holder.pid(), 0);
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(ready); }));
    holder.kill(SIGKILL);
    holder.wait();

    mosaic::support::SystemClock clock;
    mosaic::support::FakeSleeper sleeper;  // records; a wait would show here
    SystemProcessInspector inspector;
    RestartLock lock(path, clock, sleeper, inspector);
    std::vector<LockEvent> events;
    lock.acquire([&](const LockEvent& e) { events.push_back(e); });
    EXPECT_TRUE(sleeper.sleeps.empty()) << "waited instead of breaking a dead owner's lock";
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().kind, LockEvent::Kind::broke_dead_owner);
    EXPECT_EQ(events.front().owner->pid, holder.pid());
}

TEST(RestartLockRealProcess, BreaksTheLockOfAKilledOwnerNotYetReaped) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "restart.lock";
    auto ready = tmp.path() / "ready";
    Child holder({FLEET_LOCK_HELPER_PATH, "--lock", path.string(), "--log", (tmp.path() / "log").string(),
                  "--hold-forever", "--ready", ready.string()});
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(ready); }));
    holder.kill(SIGKILL);
    // Not reaped: the pid is a zombie until ~Child, and a zombie is not an owner.
    SystemProcessInspector inspector;
    ASSERT_TRUE(eventually([&] { return !inspector.start_time(holder.pid()); }));

    mosaic::support::SystemClock clock;
    mosaic::support::FakeSleeper sleeper;
    RestartLock lock(path, clock, sleeper, inspector);
    lock.acquire();
    EXPECT_TRUE(sleeper.sleeps.empty());
    EXPECT_TRUE(lock.held());
}

TEST(RestartLockRealProcess, TreatsALivePidWithAnotherStartTimeAsReused) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "restart.lock";
    Child unrelated({"sleep", "60"});
    SystemProcessInspector inspector;
    ASSERT_TRUE(eventually([&] { return inspector.start_time(unrelated.pid()).has_value(); }));
    LockOwner o;
    o.token = "old-owner";
    o.pid = unrelated.pid();
    o.host = inspector.host();
    o.boot_id = inspector.boot_id();
    o.start_time = *inspector.start_time(unrelated.pid()) - 1;  // the owner that had this pid before
    o.acquired_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    write_text(path, render_lock_owner(o));

    mosaic::support::SystemClock clock;
    mosaic::support::FakeSleeper sleeper;
    RestartLock lock(path, clock, sleeper, inspector);
    std::vector<LockEvent> events;
    lock.acquire([&](const LockEvent& e) { events.push_back(e); });
    EXPECT_TRUE(sleeper.sleeps.empty());
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().kind, LockEvent::Kind::broke_dead_owner);
    EXPECT_THAT(events.front().detail, HasSubstr("pid reused"));
}

TEST(RestartLockRealProcess, WaitsForALiveProcessWithTheRightStartTime) {
    mosaic::testing::TempDir tmp;
    auto path = tmp.path() / "restart.lock";
    auto ready = tmp.path() / "ready";
    Child holder({FLEET_LOCK_HELPER_PATH, "--lock", path.string(), "--log", (tmp.path() / "log").string(),
                  "--hold-forever", "--ready", ready.string()});
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(ready); }));

    mosaic::support::FakeClock clock(system_clock::now());
    mosaic::support::FakeSleeper sleeper(&clock);
    SystemProcessInspector inspector;
    RestartLockOptions options;
    options.max_wait = seconds(2);
    RestartLock lock(path, clock, sleeper, inspector, options);
    std::vector<LockEvent> events;
    lock.acquire([&](const LockEvent& e) { events.push_back(e); });
    // A live owner is never broken early: only after max_wait.
    EXPECT_EQ(sleeper.sleeps.size(), 8u);
    EXPECT_EQ(events.front().kind, LockEvent::Kind::waiting);
    EXPECT_EQ(events[1].kind, LockEvent::Kind::broke_max_wait);
}
