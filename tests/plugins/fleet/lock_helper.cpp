// fleet_lock_helper - one real process contending for the restart lock, for the race tests.
//
//   fleet_lock_helper --lock PATH --log PATH [--hold-ms N] [--hold-forever] [--go FILE]
//                     [--max-wait-ms N] [--stale-ms N] [--poll-ms N] [--ready FILE]
//
// Waits for FILE (--go) to exist, so that many helpers start together; acquires the lock
// with the real clock, sleeper and /proc; appends "enter <pid>" to the log (O_APPEND, one
// write per line), holds for N ms, appends "leave <pid>", releases. Every lock event other
// than waiting/acquired is logged as "broke <kind> <pid>". With --hold-forever it touches
// --ready after acquiring and sleeps until killed.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <mosaic/error.hpp>

#include "restart_lock.hpp"

namespace {

void append(const std::string& log, const std::string& line) {
    int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) std::exit(3);
    std::string text = line + "\n";
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) std::exit(3);
    ::close(fd);
}

bool exists(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string lock, log, go, ready;
    long hold_ms = 0, max_wait_ms = 60000, stale_ms = 120000, poll_ms = 20;
    bool forever = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "missing value for " << a << "\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--lock") lock = next();
        else if (a == "--log") log = next();
        else if (a == "--go") go = next();
        else if (a == "--ready") ready = next();
        else if (a == "--hold-ms") hold_ms = std::stol(next());
        else if (a == "--max-wait-ms") max_wait_ms = std::stol(next());
        else if (a == "--stale-ms") stale_ms = std::stol(next());
        else if (a == "--poll-ms") poll_ms = std::stol(next());
        else if (a == "--hold-forever") forever = true;
        else {
            std::cerr << "unknown argument " << a << "\n";
            return 2;
        }
    }
    if (lock.empty() || log.empty()) return 2;
    while (!go.empty() && !exists(go)) std::this_thread::sleep_for(std::chrono::milliseconds(1));

    using namespace mosaic::fleet;
    mosaic::support::SystemClock clock;
    mosaic::support::RealSleeper sleeper;
    SystemProcessInspector inspector;
    RestartLockOptions options;
    options.max_wait = std::chrono::milliseconds(max_wait_ms);
    options.stale_after = std::chrono::milliseconds(stale_ms);
    options.poll_interval = std::chrono::milliseconds(poll_ms);
    const std::string pid = std::to_string(::getpid());
    try {
        RestartLock l(lock, clock, sleeper, inspector, options);
        l.acquire([&](const LockEvent& e) {
            const char* kind = nullptr;
            switch (e.kind) {
                case LockEvent::Kind::broke_corrupt: kind = "corrupt"; break;
                case LockEvent::Kind::broke_dead_owner: kind = "dead"; break;
                case LockEvent::Kind::broke_stale: kind = "stale"; break;
                case LockEvent::Kind::broke_max_wait: kind = "max-wait"; break;
                default: break;
            }
            if (kind) append(log, std::string("broke ") + kind + " " + pid);
        });
        append(log, "enter " + pid);
        if (forever) {
            if (!ready.empty()) append(ready, pid);
            while (true) ::pause();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
        append(log, "leave " + pid);
        if (!l.release()) {
            append(log, "lost " + pid);
            return 4;
        }
    } catch (const mosaic::Error& e) {
        std::cerr << "fleet_lock_helper: " << e.what() << "\n";
        return e.code();
    }
    return 0;
}
