// The restart lock raced by real processes (fleet_lock_helper): at most one holder at any
// instant, every contender eventually runs, no lock file left behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "restart_lock.hpp"

using namespace mosaic::fleet;
using fleet_test::Child;
using fleet_test::lines_of;
using fleet_test::read_text;
using fleet_test::write_text;

namespace {

struct Race {
    mosaic::testing::TempDir tmp;
    std::filesystem::path lock = tmp.path() / "fleet/run/restart.lock";
    std::filesystem::path log = tmp.path() / "marks.log";
    std::filesystem::path go = tmp.path() / "go";

    // Starts `n` helpers that wait for the go file, then contend.
    std::vector<int> run(int n, int hold_ms, const std::vector<std::string>& extra = {}) {
        std::vector<std::unique_ptr<Child>> children;
        for (int i = 0; i < n; ++i) {
            std::vector<std::string> argv{FLEET_LOCK_HELPER_PATH, "--lock", lock.string(), "--log", log.string(),
                                          "--go", go.string(), "--hold-ms", std::to_string(hold_ms)};
            argv.insert(argv.end(), extra.begin(), extra.end());
            children.push_back(std::make_unique<Child>(argv));
            EXPECT_GT(children.back()->pid(), 0);
        }
        write_text(go, "");
        std::vector<int> codes;
        for (auto& c : children) codes.push_back(c->wait());
        return codes;
    }

    // Checks the log: enter/leave strictly alternate, each pair from one pid, `n` pairs.
    // Returns the number of "broke" lines.
    int check_no_overlap(int n) {
        int broke = 0;
        std::string holder;
        std::set<std::string> ran;
        for (const auto& line : lines_of(read_text(log))) {
            auto space = line.find(' ');
            std::string what = line.substr(0, space);
            std::string who = line.substr(line.rfind(' ') + 1);
            if (what == "broke") {
                ++broke;
                EXPECT_TRUE(holder.empty()) << "lock broken while held by " << holder << ": " << line;
            } else if (what == "enter") {
                EXPECT_TRUE(holder.empty()) << who << " entered while " << holder << " held the lock";
                holder = who;
                ran.insert(who);
            } else if (what == "leave") {
                EXPECT_EQ(holder, who) << "leave without enter";
                holder.clear();
            } else {
                ADD_FAILURE() << "unexpected mark: " << line;
            }
        }
        EXPECT_TRUE(holder.empty());
        EXPECT_EQ(ran.size(), static_cast<std::size_t>(n)) << read_text(log);
        EXPECT_FALSE(std::filesystem::exists(lock)) << "lock file left behind";
        return broke;
    }
};

}  // namespace

TEST(RestartLockRace, TwoSimultaneousRestartsNeverOverlap) {
    for (int round = 0; round < 3; ++round) {
        Race race;
        auto codes = race.run(2, 30);
        EXPECT_EQ(codes, std::vector<int>(2, 0));
        EXPECT_EQ(race.check_no_overlap(2), 0);
    }
}

TEST(RestartLockRace, ThreeSimultaneousRestartsNeverOverlap) {
    for (int round = 0; round < 3; ++round) {
        Race race;
        auto codes = race.run(3, 30);
        EXPECT_EQ(codes, std::vector<int>(3, 0));
        EXPECT_EQ(race.check_no_overlap(3), 0);
    }
}

TEST(RestartLockRace, SimultaneousBreakersOfADeadOwnersLockBreakItOnce) {
    for (int round = 0; round < 3; ++round) {
        Race race;
        // The owner of record ran and exited: its pid no longer lives.
        Child gone({"true"});
        gone.wait();
        SystemProcessInspector in;
        LockOwner o{"dead-owner", gone.pid(), in.host(), in.boot_id(), 1, 0};
        o.acquired_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
        write_text(race.lock, render_lock_owner(o));
        auto codes = race.run(3, 20);
        EXPECT_EQ(codes, std::vector<int>(3, 0));
        EXPECT_EQ(race.check_no_overlap(3), 1) << "the dead owner's lock must be broken exactly once";
    }
}

TEST(RestartLockRace, SimultaneousBreakersOfACorruptLockBreakItOnce) {
    Race race;
    write_text(race.lock, "{\"token\": \"half-writ");
    auto codes = race.run(3, 20);
    EXPECT_EQ(codes, std::vector<int>(3, 0));
    EXPECT_EQ(race.check_no_overlap(3), 1);
}

TEST(RestartLockRace, SimultaneousBreakersOfAStaleLockBreakItOnce) {
    Race race;
    // A live owner (this test process) whose record is far older than the stale bound.
    SystemProcessInspector in;
    LockOwner o{"stale-owner", in.self_pid(), in.host(), in.boot_id(), *in.start_time(in.self_pid()), 1000};
    write_text(race.lock, render_lock_owner(o));
    auto codes = race.run(3, 20, {"--stale-ms", "5000"});
    EXPECT_EQ(codes, std::vector<int>(3, 0));
    EXPECT_EQ(race.check_no_overlap(3), 1);
}

TEST(RestartLockRace, AfterMaxWaitTheBrokenOwnerNeverRemovesTheNewOwnersLock) {
    // With max_wait shorter than the hold, waiters break a live holder's lock (the documented
    // escape from a deadlock). Every break is logged; between breaks, holders never overlap,
    // and an owner whose lock was taken over does not remove the new owner's file.
    Race race;
    auto codes = race.run(3, 1000, {"--max-wait-ms", "100"});
    int broke = 0, lost = 0;
    for (const auto& line : lines_of(read_text(race.log))) {
        if (line.rfind("broke max-wait", 0) == 0) ++broke;
        if (line.rfind("lost", 0) == 0) ++lost;
    }
    EXPECT_GE(broke, 1);
    EXPECT_EQ(lost, broke);  // each broken owner found someone else's token on release
    int ok = 0;
    for (int c : codes) ok += (c == 0);
    EXPECT_EQ(ok + lost, 3);
    EXPECT_FALSE(std::filesystem::exists(race.lock));
}
