// restart_lock.hpp - the fleet restart lock, <home>/fleet/run/restart.lock
// (docs/behaviour.md, "The restart lock").
//
// Invariants:
//  * The lock file exists exactly while one restart holds it. It is created with
//    open(O_CREAT|O_EXCL) and holds one JSON line: owner token (random, 128 bits), pid, host,
//    boot id (/proc/sys/kernel/random/boot_id), process start time (/proc/<pid>/stat field
//    22, clock ticks since boot), acquisition time (ms since the epoch) and what it restarts.
//    It is read only up to max_lock_file_bytes (a larger file is corrupt) and never through a
//    symbolic link (one planted there is corrupt too, and broken); the mutex file is opened
//    without following a link (one planted there is refused, exit_refused).
//  * Every step that reads, creates, breaks or removes the lock file runs under flock() of a
//    separate, permanent mutex file (<lock>.mutex). The critical sections are a few syscalls
//    long; a crashed process drops its flock with its last descriptor. Because creation and
//    the write of the owner happen under the mutex, a reader never sees a half-written lock
//    from a live acquirer, so an empty or corrupt lock file really is debris and is broken
//    at once. Breaking is a takeover inside the mutex, so exactly one waiter wins it.
//  * A lock is broken at once when its owner is gone: same host and boot with the pid dead,
//    a zombie, or reused (start time differs), or same host with another boot id. It is
//    broken when older than the stale bound, and, with a warning, once the waiter has waited
//    max_wait; so nothing deadlocks forever. That warning says plainly that the owner may
//    still be running (its pid, how long it has held the lock, what it restarts) and that the
//    two restarts now overlap.
//  * release() removes the file only when it still holds our token: an owner whose lock was
//    taken over never deletes the new owner's lock.
//  * While waiting, the caller has done nothing yet (fleet restart issues no systemctl
//    command before acquire() returns). Sleeping goes through the injected Sleeper.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <mosaic/support/clock.hpp>

namespace mosaic::fleet {

struct LockOwner {
    std::string token;
    long pid = 0;
    std::string host;
    std::string boot_id;
    std::uint64_t start_time = 0;  // 0: unknown
    std::int64_t acquired_ms = 0;  // ms since the epoch
    std::string what;              // what it restarts, e.g. "mosaic-agent@a.service"; may be empty
};

// An owner record is well under this; `what` is cut to fit.
inline constexpr std::size_t max_lock_file_bytes = 4096;

std::string render_lock_owner(const LockOwner& owner);
// std::nullopt when `text` is empty or not a complete owner record.
std::optional<LockOwner> parse_lock_owner(const std::string& text);

// The text of the lock file at `path`: at most max_lock_file_bytes are read, and a larger
// file (or a symbolic link) reads as "" (corrupt). std::nullopt when there is no lock file.
// Throws mosaic::Error(exit_failed) when it cannot be read.
std::optional<std::string> read_lock_file(const std::filesystem::path& path);

// The seam over /proc and the hostname.
class ProcessInspector {
public:
    virtual ~ProcessInspector() = default;
    virtual long self_pid() const = 0;
    virtual std::string host() const = 0;
    virtual std::string boot_id() const = 0;
    // Start time of a live process; std::nullopt when there is no such process or it is a
    // zombie (a SIGKILLed owner whose parent has not reaped it yet is gone all the same).
    virtual std::optional<std::uint64_t> start_time(long pid) const = 0;
};

class SystemProcessInspector : public ProcessInspector {
public:
    long self_pid() const override;
    std::string host() const override;
    std::string boot_id() const override;
    std::optional<std::uint64_t> start_time(long pid) const override;
};

// Field 22 (starttime) of a /proc/<pid>/stat line, std::nullopt when the line is malformed or
// the state (field 3) is Z (zombie) or X (dead). The comm field may contain spaces and ')'.
std::optional<std::uint64_t> parse_proc_stat_start_time(const std::string& stat_line);

struct RestartLockOptions {
    std::chrono::milliseconds max_wait{std::chrono::seconds(60)};
    std::chrono::milliseconds stale_after{std::chrono::seconds(120)};
    std::chrono::milliseconds poll_interval{std::chrono::milliseconds(250)};
    std::string what;  // recorded in the owner record, for status and for a waiter's warning
};

struct LockEvent {
    enum class Kind {
        waiting,            // first time the lock was found held by a live owner
        broke_corrupt,      // empty or unparsable lock file
        broke_dead_owner,   // owner process gone (dead, zombie, pid reused, rebooted)
        broke_stale,        // older than stale_after
        broke_max_wait,     // we waited max_wait (the caller should warn)
        acquired,
    };
    Kind kind;
    std::optional<LockOwner> owner;  // the previous owner, when known
    std::string detail;              // human text, lowercase, e.g. "pid 4242 is not running"
};
using LockObserver = std::function<void(const LockEvent&)>;

// A restart holding the lock, as `fleet status` and `fleet ps` show it.
struct RestartInProgress {
    LockOwner owner;
    long long held_s = 0;         // since it took the lock
    std::optional<bool> running;  // its process is alive; nullopt when on another host
};
// The owner of the lock at `path` now, if any (a corrupt lock file is none). Never throws.
std::optional<RestartInProgress> restart_in_progress(const std::filesystem::path& path, const support::Clock& clock,
                                                     const ProcessInspector& inspector);
// "restart in progress: pid 4242 on 'box', holding the lock for 12 s (restarting ...)"
std::string describe_restart(const RestartInProgress& r);
// null, or {"pid", "host", "held_s", "what", "running"}
nlohmann::json restart_json(const std::optional<RestartInProgress>& r);

class RestartLock {
public:
    RestartLock(std::filesystem::path path, const support::Clock& clock, support::Sleeper& sleeper,
                const ProcessInspector& inspector, RestartLockOptions options = {});
    ~RestartLock();  // releases (never throws)
    RestartLock(const RestartLock&) = delete;
    RestartLock& operator=(const RestartLock&) = delete;

    // Blocks (through the sleeper) until the lock is ours. Throws mosaic::Error: exit_failed
    // when the run directory or the files cannot be used, exit_refused when the mutex file
    // itself stays locked past max_wait (a stopped process inside a critical section).
    void acquire(const LockObserver& observer = {});

    // Removes the lock file if it still holds our token. Returns true when it did; false when
    // we did not hold it or it was taken over (the new owner's file is left alone).
    bool release() noexcept;

    bool held() const { return held_; }
    const std::string& token() const { return token_; }
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path mutex_path() const;

private:
    class MutexGuard;
    bool try_create(const LockOwner& me);
    // Why `owner` (nullopt: unreadable) may be broken now, if it may.
    std::optional<LockEvent> breakable(const std::optional<LockOwner>& owner, bool past_deadline) const;

    std::filesystem::path path_;
    const support::Clock& clock_;
    support::Sleeper& sleeper_;
    const ProcessInspector& inspector_;
    RestartLockOptions options_;
    std::string token_;
    bool held_ = false;
};

}  // namespace mosaic::fleet
