// crash_harness.hpp - SIGKILL the real `mosaic` binary at random points and check what it
// leaves behind. A command runs in its own process group (so a fake systemctl it started dies
// with it), is killed after a random delay drawn uniformly from [0, 1.2 x its measured
// unkilled run time], and is reaped; the caller then checks every file the command owns.
//
// Knobs (environment of the test process):
//   MOSAIC_CRASH_SEED=N    seed of the delay generator (default: fixed per scenario); every
//                          failure message names the seed, the iteration and the delay
//   MOSAIC_CRASH_SCALE=F   multiplies every iteration count (default 1, 0.4 under sanitizers)
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/support/file.hpp>
#include <mosaic/support/process.hpp>

#include "test_env.hpp"

namespace crash {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::microseconds;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr double default_scale = 0.4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr double default_scale = 0.4;
#else
inline constexpr double default_scale = 1.0;
#endif
#else
inline constexpr double default_scale = 1.0;
#endif

// `base` iterations scaled by MOSAIC_CRASH_SCALE; never fewer than `minimum`.
inline int iterations(int base, int minimum = 2) {
    double scale = default_scale;
    if (const char* s = std::getenv("MOSAIC_CRASH_SCALE"); s && *s) scale = std::strtod(s, nullptr);
    int n = static_cast<int>(base * scale + 0.5);
    return n < minimum ? minimum : n;
}

// MOSAIC_CRASH_SEED, else a fixed seed derived from the scenario name (FNV-1a).
inline std::uint64_t seed_for(const std::string& scenario) {
    if (const char* s = std::getenv("MOSAIC_CRASH_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : scenario) h = (h ^ c) * 1099511628211ull;
    return h;
}

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::optional<std::string> read_if_exists(const fs::path& p) { return mosaic::support::read_file(p); }

inline void spit(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// --- running and killing ------------------------------------------------------------------

struct Run {
    bool killed = false;       // ended by our SIGKILL (not by exiting first)
    int exit_code = -1;        // when it exited on its own
    SteadyClock::duration elapsed{};
    std::string output;        // stdout + stderr (interleaved)
};

// Spawns the built `mosaic` with exactly `env` (nothing inherited), stdin /dev/null,
// stdout+stderr to `log`, in a new process group whose id is the returned pid.
inline pid_t spawn_mosaic(const mosaic::testing::MosaicTestEnv& world, const std::vector<std::string>& args,
                          const fs::path& log) {
    mosaic::support::Command cmd;
    cmd.env = world.env;
    cmd.inherit_env = false;
    std::vector<std::string> env_strings = mosaic::support::child_environment(cmd);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_strings{mosaic::test_paths::mosaic_exe};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addchdir_np(&fa, world.root.c_str());
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error(std::string("posix_spawn mosaic: ") + std::strerror(rc));
    return pid;
}

inline int wait_exit(pid_t pid, bool* signalled = nullptr) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (signalled) *signalled = WIFSIGNALED(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// SIGKILLs the whole process group of `pid` (mosaic and whatever it spawned into its group)
// and reaps `pid`; the unreaped leader keeps the group id ours until then. Returns whether
// the kill ended it (false: it had already exited, with *exit_code).
inline bool kill_and_reap(pid_t pid, int* exit_code) {
    ::kill(-pid, SIGKILL);
    bool signalled = false;
    *exit_code = wait_exit(pid, &signalled);
    return signalled && *exit_code == 128 + SIGKILL;
}

// Runs `mosaic args` to the end.
inline Run run_to_end(const mosaic::testing::MosaicTestEnv& world, const std::vector<std::string>& args) {
    fs::path log = world.root / "last-run.log";
    auto t0 = SteadyClock::now();
    pid_t pid = spawn_mosaic(world, args, log);
    Run r;
    r.exit_code = wait_exit(pid);
    r.elapsed = SteadyClock::now() - t0;
    r.output = slurp(log);
    return r;
}

// Runs `mosaic args` and SIGKILLs it `delay` after the spawn (or reaps it if it ended first).
inline Run run_and_kill(const mosaic::testing::MosaicTestEnv& world, const std::vector<std::string>& args,
                        microseconds delay) {
    fs::path log = world.root / "killed-run.log";
    auto t0 = SteadyClock::now();
    pid_t pid = spawn_mosaic(world, args, log);
    std::this_thread::sleep_until(t0 + delay);
    Run r;
    r.killed = kill_and_reap(pid, &r.exit_code);
    r.elapsed = SteadyClock::now() - t0;
    r.output = slurp(log);
    return r;
}

// Delays uniform in [0, 1.2 x the run time measured by `measure` runs].
class DelayPicker {
public:
    DelayPicker(std::uint64_t seed, SteadyClock::duration typical)
        : rng_(seed),
          dist_(0, std::max<long long>(1, std::chrono::duration_cast<microseconds>(typical).count() * 6 / 5)) {}
    microseconds next() { return microseconds(dist_(rng_)); }
    long long max_us() const { return dist_.max(); }

private:
    std::mt19937_64 rng_;
    std::uniform_int_distribution<long long> dist_;
};

// The median of several run times.
inline SteadyClock::duration median(std::vector<SteadyClock::duration> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// --- what a file may be after a kill ------------------------------------------------------

// "" when `now` is one of the allowed versions: `before` (std::nullopt = did not exist) or
// one of `after` (exact bytes); else a description of what is wrong.
inline std::string old_or_new(const fs::path& path, const std::optional<std::string>& before,
                              const std::vector<std::string>& after) {
    auto now = read_if_exists(path);
    if (now == before) return "";
    for (const auto& a : after)
        if (now == a) return "";
    if (!now) return "'" + path.string() + "' is missing but existed before the kill";
    std::string what = "'" + path.string() + "' is neither the old nor a new version (" +
                       std::to_string(now->size()) + " bytes; old " +
                       (before ? std::to_string(before->size()) + " bytes" : std::string("missing"));
    for (const auto& a : after) what += ", new " + std::to_string(a.size()) + " bytes";
    return what + "):\n" + now->substr(0, 400);
}

// A JSON document as mosaic writes it: parses, is an object, ends with a newline (so a copy
// cut anywhere, even right before the final newline, is rejected).
inline std::string check_json_object(const std::string& text) {
    if (text.empty()) return "empty";
    if (text.back() != '\n') return "no final newline (truncated?)";
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return "not valid JSON";
    if (!j.is_object()) return "not a JSON object";
    return "";
}

// A .env file: every line blank, a '#' comment or KEY=VALUE (KEY a shell name, a quoted
// VALUE closed), a final newline, and each of `required` present with a non-empty value.
inline std::string check_env_file(const std::string& text, const std::vector<std::string>& required) {
    if (text.empty()) return "empty";
    if (text.back() != '\n') return "no final newline (truncated?)";
    std::map<std::string, std::string> values;
    std::size_t start = 0;
    int lineno = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl - start);
        start = nl + 1;
        ++lineno;
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0) return "line " + std::to_string(lineno) + " is not KEY=VALUE";
        std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        for (std::size_t i = 0; i < key.size(); ++i) {
            char c = key[i];
            bool ok = c == '_' || std::isalpha(static_cast<unsigned char>(c)) ||
                      (i > 0 && std::isdigit(static_cast<unsigned char>(c)));
            if (!ok) return "line " + std::to_string(lineno) + " has a bad key '" + key + "'";
        }
        if (!value.empty() && (value[0] == '\'' || value[0] == '"')) {
            if (value.size() < 2 || value.back() != value[0])
                return "line " + std::to_string(lineno) + " has an unterminated quoted value";
            value = value.substr(1, value.size() - 2);
        }
        values[key] = value;
    }
    for (const auto& k : required)
        if (values.count(k) == 0 || values[k].empty()) return "required key " + k + " is missing or empty";
    return "";
}

// --- processes a crash may leave ----------------------------------------------------------

// Pids of live processes whose command line mentions `needle` (the temp root), never us.
inline std::vector<pid_t> processes_mentioning(const std::string& needle) {
    std::vector<pid_t> out;
    DIR* d = ::opendir("/proc");
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (*end != '\0' || pid <= 0 || pid == ::getpid()) continue;
        // read(2), not ifstream: a process that exits while we read makes the read fail with
        // ESRCH, which libstdc++'s filebuf turns into an exception (and leaks its buffer).
        std::string cmdline;
        int fd = ::open(("/proc/" + std::string(e->d_name) + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) cmdline.append(buf, static_cast<std::size_t>(n));
        ::close(fd);
        for (auto& c : cmdline)
            if (c == '\0') c = ' ';
        if (cmdline.find(needle) != std::string::npos) out.push_back(static_cast<pid_t>(pid));
    }
    ::closedir(d);
    return out;
}

// SIGKILLs every process (and its process group) that mentions `needle`, until none is left.
// Returns how many it found.
inline int kill_processes_mentioning(const std::string& needle) {
    int found = 0;
    for (int round = 0; round < 100; ++round) {
        auto pids = processes_mentioning(needle);
        if (pids.empty()) break;
        for (pid_t p : pids) {
            ++found;
            ::kill(-p, SIGKILL);  // detached daemons lead their own session and group
            ::kill(p, SIGKILL);
            ::waitpid(p, nullptr, WNOHANG);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return found;
}

// Temporary files an atomic write left behind when it was killed (".<name>.tmp-XXXXXX").
inline int leftover_temp_files(const fs::path& dir) {
    int n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->path().filename().string().find(".tmp-") != std::string::npos) ++n;
    return n;
}

// A world with the built plugins and sanitizer options passed through to the child.
inline void prepare_world(mosaic::testing::MosaicTestEnv& world) {
    world.use_built_plugins();
    for (const char* var : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* v = std::getenv(var)) world.env[var] = v;
}

// One line of numbers per scenario, so a log shows what was exercised.
// `outcomes` counts what the killed runs left (e.g. "old", "new", "mixed").
inline void report(const std::string& scenario, std::uint64_t seed, int iterations, int killed, long long max_delay_us,
                   SteadyClock::duration typical, int temp_files, const std::map<std::string, int>& outcomes = {}) {
    std::cout << "[crash] " << scenario << ": seed " << seed << ", " << iterations << " iterations, " << killed
              << " killed mid-run, delays 0.." << max_delay_us << " us (unkilled run "
              << std::chrono::duration_cast<microseconds>(typical).count() << " us), " << temp_files
              << " temporary files left by killed writes";
    for (const auto& [what, count] : outcomes) std::cout << "; " << what << ": " << count;
    std::cout << "\n";
}

}  // namespace crash
