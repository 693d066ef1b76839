#include <mosaic/support/process.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mosaic/error.hpp>

extern char** environ;

namespace mosaic::support {

namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (::pipe2(fd, O_CLOEXEC) != 0) throw Error(exit_failed, std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() {
        if (fd[0] >= 0) ::close(fd[0]);
        fd[0] = -1;
    }
    void close_write() {
        if (fd[1] >= 0) ::close(fd[1]);
        fd[1] = -1;
    }
};

}  // namespace

std::vector<std::string> child_environment(const Command& cmd) {
    std::map<std::string, std::string> env;
    for (char** e = environ; cmd.inherit_env && e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& k : cmd.unset_env) env.erase(k);
    for (const auto& [k, v] : cmd.env) env[k] = v;
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

std::optional<std::string> find_program(const std::string& program, const std::optional<std::string>& path_env) {
    if (program.empty()) return std::nullopt;
    if (program.find('/') != std::string::npos)
        return ::access(program.c_str(), X_OK) == 0 ? std::optional(program) : std::nullopt;
    std::string path;
    if (path_env) path = *path_env;
    else if (const char* p = std::getenv("PATH")) path = p;
    else path = "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        if (dir.empty()) dir = ".";
        std::string candidate = dir + "/" + program;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

ProcessResult PosixSpawnRunner::run(const Command& cmd) {
    ProcessResult result;
    if (cmd.argv.empty()) throw Error(exit_failed, "cannot run an empty command");

    std::vector<std::string> envs = child_environment(cmd);
    std::vector<char*> envp;
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<char*> argv;
    for (const auto& a : cmd.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    // Resolve the program with the child's PATH, as a shell would.
    std::optional<std::string> path_env;
    if (auto it = cmd.env.find("PATH"); it != cmd.env.end()) path_env = it->second;
    auto program = find_program(cmd.argv[0], path_env);
    if (!program) {
        result.spawn_failed = true;
        result.exit_code = 127;
        result.err = "'" + cmd.argv[0] + "' not found";
        return result;
    }

    Pipe in, out, err;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (cmd.stdin_data) posix_spawn_file_actions_adddup2(&fa, in.fd[0], 0);
    else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (cmd.capture) {
        posix_spawn_file_actions_adddup2(&fa, out.fd[1], 1);
        posix_spawn_file_actions_adddup2(&fa, err.fd[1], 2);
    }
    if (cmd.cwd) posix_spawn_file_actions_addchdir_np(&fa, cmd.cwd->c_str());

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, program->c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        result.spawn_failed = true;
        result.exit_code = 127;
        result.err = "cannot run '" + cmd.argv[0] + "': " + std::strerror(rc);
        return result;
    }
    in.close_read();
    out.close_write();
    err.close_write();

    // Writing to a child that exits without reading its stdin raises SIGPIPE. Block it in this
    // thread while feeding stdin (write then fails with EPIPE), and swallow a SIGPIPE that we
    // caused, without touching the process-wide disposition.
    sigset_t pipe_set, old_mask;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    const bool pipe_was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);

    // Feed stdin and drain stdout/stderr together so neither side can block the other.
    std::size_t written = 0;
    const std::string input = cmd.stdin_data.value_or("");
    if (!cmd.stdin_data || input.empty()) in.close_write();
    if (in.fd[1] >= 0) ::fcntl(in.fd[1], F_SETFL, O_NONBLOCK);
    while (true) {
        std::vector<pollfd> fds;
        if (cmd.capture && out.fd[0] >= 0) fds.push_back({out.fd[0], POLLIN, 0});
        if (cmd.capture && err.fd[0] >= 0) fds.push_back({err.fd[0], POLLIN, 0});
        if (in.fd[1] >= 0) fds.push_back({in.fd[1], POLLOUT, 0});
        if (fds.empty()) break;
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (const auto& p : fds) {
            if (p.revents == 0) continue;
            if (p.fd == in.fd[1]) {
                ssize_t n = ::write(in.fd[1], input.data() + written, input.size() - written);
                if (n > 0) written += static_cast<std::size_t>(n);
                if (n < 0 && errno != EAGAIN && errno != EINTR) in.close_write();
                if (written >= input.size()) in.close_write();
                continue;
            }
            char buf[65536];
            ssize_t n = ::read(p.fd, buf, sizeof buf);
            if (n > 0) {
                (p.fd == out.fd[0] ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                if (p.fd == out.fd[0]) out.close_read();
                else err.close_read();
            }
        }
    }

    if (!pipe_was_pending) {
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE) == 1) {
            timespec zero{0, 0};
            sigtimedwait(&pipe_set, nullptr, &zero);
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            result.exit_code = 1;
            return result;
        }
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
    return result;
}

ProcessResult FakeRunner::run(const Command& cmd) {
    commands_ran.push_back(cmd);
    for (const auto& rule : rules_)
        if (auto r = rule(cmd)) return *r;
    return fallback;
}

void FakeRunner::on(std::vector<std::string> prefix, ProcessResult result) {
    rules_.push_back([prefix = std::move(prefix), result](const Command& cmd) -> std::optional<ProcessResult> {
        if (cmd.argv.size() < prefix.size()) return std::nullopt;
        for (std::size_t i = 0; i < prefix.size(); ++i)
            if (cmd.argv[i] != prefix[i]) return std::nullopt;
        return result;
    });
}

std::vector<std::string> FakeRunner::argv_lines() const {
    std::vector<std::string> lines;
    for (const auto& c : commands_ran) {
        std::string line;
        for (const auto& a : c.argv) line += (line.empty() ? "" : " ") + a;
        lines.push_back(line);
    }
    return lines;
}

}  // namespace mosaic::support
