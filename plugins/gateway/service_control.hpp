// service_control.hpp - starting, stopping and probing the installed daemon, either as the
// systemd user unit mosaic-gateway.service (when `systemctl --user` answers) or as a
// detached process (new session, gateway.pid, output appended to gateway.log).
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "deps.hpp"
#include "install_state.hpp"

namespace mosaic::gateway {

struct DaemonState {
    bool running = false;
    std::optional<pid_t> pid;
    std::string via;  // "systemd", "process", or "" when not running
};

struct StartOutcome {
    std::string url;
    std::optional<pid_t> pid;
    std::string via;
    bool already_running = false;
};

struct StopOutcome {
    bool was_running = false;
    bool killed = false;             // needed SIGKILL after the bounded wait
    bool removed_stale_pid = false;  // the pid file named a process that is gone
};

class DaemonControl {
public:
    DaemonControl(GatewayDeps& deps, GatewayPaths paths) : d_(deps), paths_(std::move(paths)) {}

    // `systemctl --user show-environment` succeeds (systemctl found on the host's PATH).
    bool systemd_available();
    DaemonState state();

    // Starts the daemon unless it already runs, then waits until /health answers with the
    // proof that it is this install's daemon (health.hpp). Throws mosaic::Error: exit_refused
    // when a directory on the way is not private or gateway.log is a symbolic link;
    // exit_failed with the last 30 non-empty lines of gateway.log, and what holds the port,
    // when it does not become healthy or something else answers. Records the way it was
    // started in meta.json.
    StartOutcome start(const GatewaySettings& settings);
    StopOutcome stop();

    // The argv `start` launches: <exe> --mosaic-home <home> gateway run.
    std::vector<std::string> daemon_argv() const;

    // Runs `systemctl --user verb args...`; with `must_succeed`, a failure throws
    // mosaic::Error(exit_failed) with systemctl's own message.
    support::ProcessResult systemctl_checked(const std::string& verb, const std::vector<std::string>& args,
                                             bool must_succeed);

private:
    support::ProcessResult systemctl(const std::string& verb, const std::vector<std::string>& args = {});
    bool unit_installed() const;
    std::optional<pid_t> systemd_main_pid();
    [[noreturn]] void fail_unhealthy(const std::string& url, int port, const std::string& reason);
    // start()'s two ways: the systemd user unit (written, reloaded, enabled, restarted), or a
    // detached process (its pid). Each records the way in meta.json.
    void start_unit(Meta& meta);
    pid_t spawn_process(Meta& meta);

    GatewayDeps& d_;
    GatewayPaths paths_;
    std::optional<std::string> systemctl_path_;
    bool probed_ = false;
};

// The child's environment: the caller's, minus every secret the CLI may have been given.
std::map<std::string, std::string> daemon_environment();

}  // namespace mosaic::gateway
