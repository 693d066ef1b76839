#include "detach.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

namespace mosaic::fleet {

namespace {

// Everything after fork() is async-signal-safe: no allocation, no locks.
void close_from(int first, int keep) {
    if (keep >= first) {
        if (keep > first && ::close_range(first, keep - 1, 0) != 0)
            for (int fd = first; fd < keep; ++fd) ::close(fd);
        first = keep + 1;
    }
    if (::close_range(first, ~0U, 0) != 0)
        for (int fd = first; fd < 1024; ++fd) ::close(fd);
}

bool read_all(int fd, void* buf, std::size_t n) {
    auto* p = static_cast<char*>(buf);
    std::size_t got = 0;
    while (got < n) {
        ssize_t r = ::read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        got += static_cast<std::size_t>(r);
    }
    return true;
}

}  // namespace

namespace {

// A close-on-exec pipe whose write end is not one of 0-2 (our own stdio may be closed, and
// the child's 0-2 are about to be replaced).
void report_pipe(int (&report)[2]) {
    if (::pipe2(report, O_CLOEXEC) != 0) throw Error(exit_failed, std::string("cannot create a pipe: ") + std::strerror(errno));
    if (report[1] >= 3) return;
    int moved = ::fcntl(report[1], F_DUPFD_CLOEXEC, 3);
    ::close(report[1]);
    report[1] = moved;
    if (moved < 0) {
        ::close(report[0]);
        throw Error(exit_failed, std::string("cannot create a pipe: ") + std::strerror(errno));
    }
}

// Everything the child needs, prepared before fork: after it only async-signal-safe calls.
struct Prepared {
    std::string program, cwd, out_path;
    std::vector<std::string> env;
    std::vector<char*> envp, argv;
};

// In the first child: a new session, a second fork, and in the grandchild the exec. The
// grandchild's pid (or -1), then an errno when it fails, go to `report`.
[[noreturn]] void run_middle(Prepared& p, int report) {
    ::setsid();
    pid_t child = ::fork();
    if (child != 0) {
        long long pid = child;  // -1 when the second fork failed
        (void)!::write(report, &pid, sizeof pid);
        ::_exit(child < 0 ? 1 : 0);
    }
    // The sidecar. Restore what a fresh process expects.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::signal(sig, SIG_DFL);
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(p.out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | (p.out_path != "/dev/null" ? O_NOFOLLOW : 0), 0644);
    if (out < 0) out = ::open("/dev/null", O_WRONLY);
    bool ready = in >= 0 && out >= 0 && ::dup2(in, 0) >= 0 && ::dup2(out, 1) >= 0 && ::dup2(out, 2) >= 0;
    if (ready) {
        close_from(3, report);
        if (::chdir(p.cwd.c_str()) == 0) ::execve(p.program.c_str(), p.argv.data(), p.envp.data());
    }
    int e = errno;
    (void)!::write(report, &e, sizeof e);
    ::_exit(127);
}

}  // namespace

long PosixDetachedSpawner::spawn(const support::Command& cmd, const std::optional<std::filesystem::path>& log) {
    if (cmd.argv.empty()) throw Error(exit_failed, "cannot start an empty command");
    std::optional<std::string> path_env;
    if (auto it = cmd.env.find("PATH"); it != cmd.env.end()) path_env = it->second;
    auto program = support::find_program(cmd.argv[0], path_env);
    if (!program) throw Error(exit_failed, "cannot start '" + cmd.argv[0] + "': not found or not executable");

    Prepared p{*program, cmd.cwd.value_or("/"), log ? log->string() : "/dev/null", support::child_environment(cmd), {}, {}};
    // The log is opened here first, so that a symbolic link planted in its place is refused
    // with a message (the child, after fork, could only fall back to /dev/null).
    if (log) ::close(support::open_no_follow(*log, O_WRONLY | O_CREAT | O_APPEND, 0644));
    for (auto& e : p.env) p.envp.push_back(e.data());
    p.envp.push_back(nullptr);
    for (const auto& a : cmd.argv) p.argv.push_back(const_cast<char*>(a.c_str()));
    p.argv.push_back(nullptr);

    int report[2];
    report_pipe(report);
    pid_t middle = ::fork();
    if (middle < 0) {
        int e = errno;
        ::close(report[0]);
        ::close(report[1]);
        throw Error(exit_failed, "cannot start '" + cmd.argv[0] + "': fork failed: " + std::strerror(e));
    }
    if (middle == 0) {
        ::close(report[0]);
        run_middle(p, report[1]);
    }

    ::close(report[1]);
    long long pid = -1;
    bool have_pid = read_all(report[0], &pid, sizeof pid);
    int child_errno = 0;
    bool failed = have_pid && pid > 0 && read_all(report[0], &child_errno, sizeof child_errno);
    ::close(report[0]);
    int status = 0;
    while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    if (!have_pid || pid <= 0) throw Error(exit_failed, "cannot start '" + cmd.argv[0] + "': fork failed");
    if (failed)
        throw Error(exit_failed, "cannot start '" + cmd.argv[0] + "': " + std::strerror(child_errno));
    return static_cast<long>(pid);
}

}  // namespace mosaic::fleet
