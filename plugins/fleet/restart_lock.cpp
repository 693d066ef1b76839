#include "restart_lock.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/json.hpp>
#include <mosaic/support/text.hpp>

namespace mosaic::fleet {

namespace fs = std::filesystem;
using namespace std::chrono;

namespace {

std::string errno_text() { return std::strerror(errno); }

std::string random_token() {
    unsigned char bytes[16];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(exit_failed, "cannot read random bytes for the restart lock token: " + errno_text());
        }
        got += static_cast<std::size_t>(n);
    }
    static const char* hex = "0123456789abcdef";
    std::string token;
    for (unsigned char b : bytes) {
        token += hex[b >> 4];
        token += hex[b & 15];
    }
    return token;
}

std::int64_t epoch_ms(system_clock::time_point t) {
    return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::string describe(const LockOwner& o) {
    return "pid " + std::to_string(o.pid) + " on '" + support::escape_for_message(o.host) + "'";
}

std::string what_of(const LockOwner& o) {
    return o.what.empty() ? std::string() : " (restarting " + support::escape_for_message(o.what) + ")";
}

}  // namespace

std::optional<std::string> read_lock_file(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        if (errno == ELOOP) return std::string();  // a symbolic link: debris, broken like any corrupt lock
        throw Error(exit_failed, "cannot read the restart lock '" + path.string() + "': " + errno_text());
    }
    // One byte more than a record can be: a file that has it is not a record, however large
    // (a 1 GB sparse file costs nothing on disk and must cost nothing here either).
    std::string text(max_lock_file_bytes + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got > max_lock_file_bytes) return std::string();
    text.resize(got);
    return text;
}

// --- owner record ---------------------------------------------------------------------

std::string render_lock_owner(const LockOwner& o) {
    nlohmann::json j = {{"token", o.token},           {"pid", o.pid},
                        {"host", o.host},             {"boot_id", o.boot_id},
                        {"start_time", o.start_time}, {"acquired_ms", o.acquired_ms},
                        {"what", o.what.substr(0, 512)}};
    // error_handler replace: `what` may be cut inside a UTF-8 sequence.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<LockOwner> parse_lock_owner(const std::string& text) {
    auto doc = support::try_parse_json(text, {8, true});
    if (!doc || !doc->is_object()) return std::nullopt;
    const nlohmann::json& j = *doc;
    try {
        // Integers only: get<long>() of 1e300 would be undefined behaviour, and a negative
        // start time would wrap to a huge one.
        if (!j.at("pid").is_number_integer() || !j.at("start_time").is_number_unsigned() ||
            !j.at("acquired_ms").is_number_integer())
            return std::nullopt;
        LockOwner o;
        o.token = j.at("token").get<std::string>();
        o.pid = j.at("pid").get<long>();
        o.host = j.at("host").get<std::string>();
        o.boot_id = j.at("boot_id").get<std::string>();
        o.start_time = j.at("start_time").get<std::uint64_t>();
        o.acquired_ms = j.at("acquired_ms").get<std::int64_t>();
        if (auto w = j.find("what"); w != j.end() && w->is_string()) o.what = w->get<std::string>();
        if (o.token.empty() || o.pid <= 0) return std::nullopt;
        return o;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

// --- /proc ----------------------------------------------------------------------------

std::optional<std::uint64_t> parse_proc_stat_start_time(const std::string& line) {
    auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    // Fields after the comm: 3 state, 4 ppid, ... 22 starttime.
    std::vector<std::string> fields;
    std::size_t i = close + 1;
    while (i < line.size() && fields.size() < 20) {
        while (i < line.size() && line[i] == ' ') ++i;
        std::size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\n') ++j;
        if (j > i) fields.push_back(line.substr(i, j - i));
        i = j;
        if (i < line.size() && line[i] == '\n') break;
    }
    if (fields.size() < 20) return std::nullopt;
    if (fields[0] == "Z" || fields[0] == "X" || fields[0] == "x") return std::nullopt;
    const std::string& start = fields[19];  // field 22
    // from_chars, not stoull: a value past 2^64 is malformed (std::nullopt), not an exception.
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(start.data(), start.data() + start.size(), value);
    if (start.empty() || ec != std::errc() || end != start.data() + start.size()) return std::nullopt;
    return value;
}

long SystemProcessInspector::self_pid() const { return static_cast<long>(::getpid()); }

std::string SystemProcessInspector::host() const {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

std::string SystemProcessInspector::boot_id() const {
    auto text = support::read_file("/proc/sys/kernel/random/boot_id");
    if (!text) return "";
    return support::trim_end(*text);
}

std::optional<std::uint64_t> SystemProcessInspector::start_time(long pid) const {
    if (pid <= 0) return std::nullopt;
    std::optional<std::string> stat;
    try {
        stat = support::read_file("/proc/" + std::to_string(pid) + "/stat");
    } catch (const Error&) {
        stat.reset();
    }
    if (stat) return parse_proc_stat_start_time(*stat);
    // No /proc entry: gone, unless /proc is not mounted; then kill(0) is the best we have and
    // the start time is unknown (0 never matches a recorded one, so only an unknown record
    // would call it alive).
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) return 0;
    return std::nullopt;
}

// --- the lock -------------------------------------------------------------------------

// flock() on the permanent mutex file, polled with LOCK_NB through the sleeper so that a
// stopped process inside a critical section cannot block us past our bound.
class RestartLock::MutexGuard {
public:
    MutexGuard(const fs::path& path, const support::Clock& clock, support::Sleeper& sleeper,
               milliseconds bound) {
        fd_ = support::open_no_follow(path, O_RDWR | O_CREAT, 0644);
        auto deadline = clock.now() + bound;
        while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            if (errno == EINTR) continue;
            if (errno != EWOULDBLOCK) {
                std::string why = errno_text();
                ::close(fd_);
                throw Error(exit_failed, "cannot lock '" + path.string() + "': " + why);
            }
            if (clock.now() >= deadline) {
                ::close(fd_);
                throw Error(exit_refused, "the restart lock mutex '" + path.string() +
                                              "' stayed locked by another process; is a 'mosaic fleet' process stopped?");
            }
            sleeper.sleep_for(milliseconds(5));
        }
    }
    ~MutexGuard() {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
    MutexGuard(const MutexGuard&) = delete;
    MutexGuard& operator=(const MutexGuard&) = delete;

private:
    int fd_ = -1;
};

RestartLock::RestartLock(fs::path path, const support::Clock& clock, support::Sleeper& sleeper,
                         const ProcessInspector& inspector, RestartLockOptions options)
    : path_(std::move(path)), clock_(clock), sleeper_(sleeper), inspector_(inspector), options_(options) {}

RestartLock::~RestartLock() { release(); }

fs::path RestartLock::mutex_path() const { return fs::path(path_.string() + ".mutex"); }

bool RestartLock::try_create(const LockOwner& me) {
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST) return false;
        throw Error(exit_failed, "cannot create the restart lock '" + path_.string() + "': " + errno_text());
    }
    std::string text = render_lock_owner(me);
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = errno_text();
            ::close(fd);
            ::unlink(path_.c_str());
            throw Error(exit_failed, "cannot write the restart lock '" + path_.string() + "': " + why);
        }
        done += static_cast<std::size_t>(n);
    }
    // No fsync: after a crash the file is missing, empty or from an earlier boot, and each
    // of those is broken at once; durability would only cost every restart a disk flush.
    ::close(fd);
    return true;
}

std::optional<LockEvent> RestartLock::breakable(const std::optional<LockOwner>& owner, bool past_deadline) const {
    using K = LockEvent::Kind;
    if (!owner) return LockEvent{K::broke_corrupt, std::nullopt, "the lock file is empty or corrupt"};
    const LockOwner& o = *owner;
    if (o.host == inspector_.host()) {
        if (o.boot_id != inspector_.boot_id())
            return LockEvent{K::broke_dead_owner, o, describe(o) + " belongs to an earlier boot"};
        auto start = inspector_.start_time(o.pid);
        if (!start) return LockEvent{K::broke_dead_owner, o, describe(o) + " is not running"};
        if (o.start_time != 0 && *start != o.start_time)
            return LockEvent{K::broke_dead_owner, o, describe(o) + " is now another process (pid reused)"};
    }
    auto age = milliseconds(epoch_ms(clock_.now()) - o.acquired_ms);
    if (age > options_.stale_after)
        return LockEvent{K::broke_stale, o,
                         describe(o) + " has held it for " + std::to_string(age.count() / 1000) +
                             " s, more than the stale bound of " +
                             std::to_string(options_.stale_after.count() / 1000) + " s"};
    if (past_deadline) {
        // The owner looked alive: say so, and what breaking its lock means.
        std::string state = o.host == inspector_.host() ? " is still running" : " (another host) may still be running";
        return LockEvent{K::broke_max_wait, o,
                         describe(o) + state + " and has held the lock for " + std::to_string(age.count() / 1000) +
                             " s" + what_of(o) + "; after waiting " + std::to_string(options_.max_wait.count() / 1000) +
                             " s (--max-wait) this restart takes the lock over, and the two restarts now overlap"};
    }
    return std::nullopt;
}

std::optional<RestartInProgress> restart_in_progress(const fs::path& path, const support::Clock& clock,
                                                     const ProcessInspector& inspector) {
    try {
        auto text = read_lock_file(path);
        if (!text) return std::nullopt;
        auto owner = parse_lock_owner(*text);
        if (!owner) return std::nullopt;
        RestartInProgress r;
        r.owner = *owner;
        r.held_s = std::max<long long>(0, (epoch_ms(clock.now()) - owner->acquired_ms) / 1000);
        if (owner->host == inspector.host() && owner->boot_id == inspector.boot_id()) {
            auto start = inspector.start_time(owner->pid);
            r.running = start && (owner->start_time == 0 || *start == owner->start_time);
        } else if (owner->host == inspector.host()) {
            r.running = false;  // from an earlier boot
        }
        return r;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string describe_restart(const RestartInProgress& r) {
    std::string state = !r.running ? "" : *r.running ? "" : " (its process is gone: the next restart breaks the lock)";
    return "restart in progress: " + describe(r.owner) + ", holding the lock for " + std::to_string(r.held_s) + " s" +
           what_of(r.owner) + state;
}

nlohmann::json restart_json(const std::optional<RestartInProgress>& r) {
    if (!r) return nullptr;
    return {{"pid", r->owner.pid},
            {"host", r->owner.host},
            {"held_s", r->held_s},
            {"what", r->owner.what},
            {"running", r->running ? nlohmann::json(*r->running) : nlohmann::json()}};
}

void RestartLock::acquire(const LockObserver& observer) {
    if (held_) return;
    support::make_dirs(path_.parent_path(), 0755);
    if (token_.empty()) token_ = random_token();

    LockOwner me;
    me.token = token_;
    me.what = options_.what;
    me.pid = inspector_.self_pid();
    me.host = inspector_.host();
    me.boot_id = inspector_.boot_id();
    me.start_time = inspector_.start_time(me.pid).value_or(0);

    auto notify = [&](const LockEvent& e) {
        if (observer) observer(e);
    };
    const auto deadline = clock_.now() + options_.max_wait;
    const auto mutex_bound = std::max<milliseconds>(options_.max_wait, seconds(10));
    bool announced_wait = false;
    std::string last_seen_token;

    while (true) {
        {
            MutexGuard guard(mutex_path(), clock_, sleeper_, mutex_bound);
            me.acquired_ms = epoch_ms(clock_.now());
            if (try_create(me)) {
                held_ = true;
                notify({LockEvent::Kind::acquired, std::nullopt, ""});
                return;
            }
            auto text = read_lock_file(path_);
            if (!text) continue;  // released between our create and our read: try again now
            auto owner = parse_lock_owner(*text);
            if (auto why = breakable(owner, clock_.now() >= deadline)) {
                // Takeover: still inside the mutex, so no other waiter can break the lock we
                // are about to create, and the owner we judged is the one we remove.
                if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
                    throw Error(exit_failed, "cannot remove the stale restart lock '" + path_.string() + "': " + errno_text());
                notify(*why);
                continue;
            }
            if (!announced_wait || (owner && owner->token != last_seen_token)) {
                announced_wait = true;
                last_seen_token = owner->token;
                notify({LockEvent::Kind::waiting, owner, "held by " + describe(*owner)});
            }
        }
        sleeper_.sleep_for(options_.poll_interval);
    }
}

bool RestartLock::release() noexcept {
    if (!held_) return false;
    held_ = false;
    try {
        support::SystemClock clock;
        support::RealSleeper sleeper;
        MutexGuard guard(mutex_path(), clock, sleeper, seconds(10));
        auto text = read_lock_file(path_);
        if (!text) return false;
        auto owner = parse_lock_owner(*text);
        if (!owner || owner->token != token_) return false;  // taken over: not ours to remove
        return ::unlink(path_.c_str()) == 0;
    } catch (...) {
        return false;
    }
}

}  // namespace mosaic::fleet
