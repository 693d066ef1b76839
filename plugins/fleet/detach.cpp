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

long PosixDetachedSpawner::spawn(const support::Command& cmd, const std::optional<std::filesystem::path>& log) {
    if (cmd.argv.empty()) throw Error(exit_failed, "cannot start an empty command");
    std::optional<std::string> path_env;
    if (auto it = cmd.env.find("PATH"); it != cmd.env.end()) path_env = it->second;
    auto program = support::find_program(cmd.argv[0], path_env);
    if (!program) throw Error(exit_failed, "cannot start '" + cmd.argv[0] + "': not found or not executable");

    // Everything the child needs, prepared before fork.
    std::vector<std::string> env = support::child_environment(cmd);
    std::vector<char*> envp, argv;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    for (const auto& a : cmd.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::string cwd = cmd.cwd.value_or("/");
    const std::string out_path = log ? log->string() : "/dev/null";

    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) throw Error(exit_failed, std::string("cannot create a pipe: ") + std::strerror(errno));
    if (report[1] < 3) {  // our own stdio was closed: keep the pipe clear of the child's 0-2
        int moved = ::fcntl(report[1], F_DUPFD_CLOEXEC, 3);
        ::close(report[1]);
        report[1] = moved;
        if (moved < 0) {
            ::close(report[0]);
            throw Error(exit_failed, std::string("cannot create a pipe: ") + std::strerror(errno));
        }
    }

    pid_t middle = ::fork();
    if (middle < 0) {
        int e = errno;
        ::close(report[0]);
        ::close(report[1]);
        throw Error(exit_failed, "cannot start '" + cmd.argv[0] + "': fork failed: " + std::strerror(e));
    }
    if (middle == 0) {
        ::close(report[0]);
        ::setsid();
        pid_t child = ::fork();
        if (child != 0) {
            long long pid = child;  // -1 when the second fork failed
            (void)!::write(report[1], &pid, sizeof pid);
            ::_exit(child < 0 ? 1 : 0);
        }
        // The sidecar. Restore what a fresh process expects.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::signal(sig, SIG_DFL);
        int in = ::open("/dev/null", O_RDONLY);
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (out < 0) out = ::open("/dev/null", O_WRONLY);
        if (in < 0 || out < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) {
            int e = errno;
            (void)!::write(report[1], &e, sizeof e);
            ::_exit(127);
        }
        close_from(3, report[1]);
        if (::chdir(cwd.c_str()) != 0) {
            int e = errno;
            (void)!::write(report[1], &e, sizeof e);
            ::_exit(127);
        }
        ::execve(program->c_str(), argv.data(), envp.data());
        int e = errno;
        (void)!::write(report[1], &e, sizeof e);
        ::_exit(127);
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
