// process_control.hpp - the detached daemon process: spawn in a new session with output to
// a log file, probe, signal. An interface so the install step machine is tested without
// processes; PosixProcessControl is the real one.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mosaic::gateway {

class ProcessControl {
public:
    virtual ~ProcessControl() = default;
    // Starts argv[0] (absolute path) in a new session (setsid), stdin from /dev/null,
    // stdout+stderr appended to `log_file` (created 0600, never through a symbolic link:
    // exit_refused), environment = `env`. Throws mosaic::Error(exit_failed) when it cannot be
    // started.
    virtual pid_t spawn_detached(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                                 const std::filesystem::path& log_file) = 0;
    // True while `pid` runs (a child of ours that exited is reaped and reported dead).
    virtual bool alive(pid_t pid) = 0;
    // True when `pid` runs and its command line is a gateway daemon ("gateway" "run"), so a
    // recycled pid from a stale pid file is never signalled.
    virtual bool is_gateway(pid_t pid) = 0;
    virtual bool signal(pid_t pid, int sig) = 0;
};

class PosixProcessControl final : public ProcessControl {
public:
    pid_t spawn_detached(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         const std::filesystem::path& log_file) override;
    bool alive(pid_t pid) override;
    bool is_gateway(pid_t pid) override;
    bool signal(pid_t pid, int sig) override;
};

// True when a NUL-separated /proc/<pid>/cmdline is `... gateway run` (pure).
bool cmdline_is_gateway(const std::string& proc_cmdline);

// gateway.pid: the pid alone on one line. nullopt when absent or not a positive number.
std::optional<pid_t> read_pid_file(const std::filesystem::path& path);
void write_pid_file(const std::filesystem::path& path, pid_t pid);

// Set by `gateway install`/`start` for a daemon it starts as a detached process: the daemon
// claims that pid file first thing (claim_pid_file), so a CLI killed right after the spawn
// leaves no daemon that status, stop and the next install cannot see.
inline constexpr const char* pid_file_variable = "MOSAIC_GATEWAY_PID_FILE";

// Takes an exclusive flock on "<pid_file>.lock", held until the process exits, then writes
// this process's pid to `pid_file` (atomically). Throws exit_refused, naming the pid on file,
// when another process holds the lock: another daemon already runs for this home; and when
// the lock file or the pid file is a symbolic link.
void claim_pid_file(const std::filesystem::path& pid_file);
// The lock claim_pid_file takes: "<pid_file>.lock".
std::filesystem::path pid_lock_file(const std::filesystem::path& pid_file);

}  // namespace mosaic::gateway
