#include "process_control.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/text.hpp>

namespace mosaic::gateway {

pid_t PosixProcessControl::spawn_detached(const std::vector<std::string>& argv,
                                          const std::map<std::string, std::string>& env,
                                          const std::filesystem::path& log_file) {
    if (argv.empty()) throw Error(exit_failed, "nothing to start");
    // Not through a symbolic link: the log holds text from requests (their paths), which a
    // link planted here would append to any file of the user's, a shell rc file included.
    int log_fd = support::open_no_follow(log_file, O_WRONLY | O_CREAT | O_APPEND, 0600);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, log_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, log_fd, STDERR_FILENO);
    // New session: no controlling terminal, not killed with the caller's process group.
    // Default signal dispositions and an empty mask, whatever the caller had.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0].c_str(), &fa, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(log_fd);
    if (rc != 0) throw Error(exit_failed, "cannot start '" + argv[0] + "': " + std::strerror(rc));
    return pid;
}

bool PosixProcessControl::alive(pid_t pid) {
    if (pid <= 0) return false;
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return false;  // our child, now reaped
    if (::kill(pid, 0) != 0 && errno != EPERM) return false;
    // An exited process nobody has reaped yet (an init that does not reap) is not running.
    std::optional<std::string> stat;
    try {
        stat = support::read_file("/proc/" + std::to_string(pid) + "/stat");
    } catch (const Error&) {
        return true;
    }
    if (!stat) return false;
    auto close = stat->rfind(')');
    return !(close != std::string::npos && close + 2 < stat->size() && (*stat)[close + 2] == 'Z');
}

bool cmdline_is_gateway(const std::string& proc_cmdline) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : proc_cmdline) {
        if (c == '\0') {
            words.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) words.push_back(cur);
    for (std::size_t i = 1; i + 1 < words.size(); ++i)
        if (words[i] == "gateway" && words[i + 1] == "run") return true;
    return false;
}

bool PosixProcessControl::is_gateway(pid_t pid) {
    if (!alive(pid)) return false;
    auto cmdline = support::read_file("/proc/" + std::to_string(pid) + "/cmdline");
    return cmdline && cmdline_is_gateway(*cmdline);
}

bool PosixProcessControl::signal(pid_t pid, int sig) { return pid > 0 && ::kill(pid, sig) == 0; }

std::optional<pid_t> read_pid_file(const std::filesystem::path& path) {
    std::optional<std::string> text;
    try {
        text = support::read_file(path);
    } catch (const Error&) {
        return std::nullopt;
    }
    if (!text) return std::nullopt;
    std::string t = support::trim_end(*text);
    long long v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size() || v <= 0 || v > 0x7fffffff) return std::nullopt;
    return static_cast<pid_t>(v);
}

void write_pid_file(const std::filesystem::path& path, pid_t pid) {
    support::WriteOptions o;
    o.mode = 0600;
    o.private_dirs = true;
    o.symlinks = support::Symlinks::refuse;
    support::write_file_atomic(path, std::to_string(pid) + "\n", o);
}

std::filesystem::path pid_lock_file(const std::filesystem::path& pid_file) { return pid_file.string() + ".lock"; }

void claim_pid_file(const std::filesystem::path& pid_file) {
    support::make_dirs(pid_file.parent_path(), 0700);
    const std::string lock = pid_lock_file(pid_file).string();
    // Never closed: the lock lasts as long as this process (and is gone with it, however it ends).
    int fd = support::open_no_follow(lock, O_RDWR | O_CREAT, 0600);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        ::close(fd);
        if (err != EWOULDBLOCK) throw Error(exit_failed, "cannot lock '" + lock + "': " + std::strerror(err));
        auto other = read_pid_file(pid_file);
        throw Error(exit_refused, "another gateway daemon already runs for this home" +
                                      (other ? " (pid " + std::to_string(*other) + " in '" + pid_file.string() + "')"
                                             : std::string()));
    }
    write_pid_file(pid_file, ::getpid());
}

}  // namespace mosaic::gateway
