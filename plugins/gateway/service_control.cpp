#include "service_control.hpp"

#include <charconv>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/text.hpp>

#include "health.hpp"
#include "log_tail.hpp"
#include "port_holder.hpp"
#include "systemd.hpp"

extern char** environ;

namespace mosaic::gateway {

std::map<std::string, std::string> daemon_environment() {
    static const char* const secrets[] = {"MOSAIC_ADMIN_PASSWORD", "MOSAIC_ADMIN_EMAIL", "MOSAIC_ADMIN_NAME",
                                          "MOSAIC_ANTHROPIC_API_KEY", "MOSAIC_DATABASE_URL", "MOSAIC_VALKEY_URL",
                                          "MOSAIC_ADMIN_TOKEN"};
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq == std::string::npos) continue;
        env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const char* s : secrets) env.erase(s);
    return env;
}

support::ProcessResult DaemonControl::systemctl(const std::string& verb, const std::vector<std::string>& args) {
    support::Command cmd;
    cmd.argv = systemctl_user(verb, args);
    cmd.argv[0] = systemctl_path_.value_or("systemctl");
    if (auto p = d_.env("PATH")) cmd.env["PATH"] = *p;
    if (auto x = d_.env("XDG_RUNTIME_DIR")) cmd.env["XDG_RUNTIME_DIR"] = *x;
    if (auto h = d_.env("HOME")) cmd.env["HOME"] = *h;
    return d_.runner.run(cmd);
}

support::ProcessResult DaemonControl::systemctl_checked(const std::string& verb, const std::vector<std::string>& args,
                                                       bool must_succeed) {
    auto r = systemctl(verb, args);
    if (must_succeed && !r.ok()) {
        std::string words;
        for (const auto& a : args) words += " " + a;
        std::string why = r.spawn_failed ? "cannot run systemctl" : support::trim_end(r.err.empty() ? r.out : r.err);
        throw Error(exit_failed, "'systemctl --user " + verb + words + "' failed (exit " + std::to_string(r.exit_code) +
                                     "): " + why);
    }
    return r;
}

bool DaemonControl::systemd_available() {
    if (!probed_) {
        probed_ = true;
        // Resolved on the host's PATH (faked in tests), never the process's own.
        systemctl_path_ = support::find_program("systemctl", d_.env("PATH").value_or("/usr/bin:/bin"));
        if (systemctl_path_ && !systemctl("show-environment").ok()) systemctl_path_.reset();
    }
    return systemctl_path_.has_value();
}

bool DaemonControl::unit_installed() const { return fs::exists(unit_path(d_.env)); }

std::optional<pid_t> DaemonControl::systemd_main_pid() {
    auto r = systemctl("show", {"--property=MainPID", "--value", unit_name});
    std::string t = support::trim_end(r.out);
    long long v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (!r.ok() || ec != std::errc() || v <= 0) return std::nullopt;
    return static_cast<pid_t>(v);
}

std::vector<std::string> DaemonControl::daemon_argv() const {
    return {d_.executable.string(), "--mosaic-home", paths_.home.string(), "gateway", "run"};
}

DaemonState DaemonControl::state() {
    Meta meta = load_meta(paths_);
    if (meta.service() == "systemd" && unit_installed() && systemd_available()) {
        bool active = systemctl("is-active", {"--quiet", unit_name}).ok();
        if (active) return DaemonState{true, systemd_main_pid(), "systemd"};
        return DaemonState{};
    }
    auto pid = read_pid_file(paths_.pid_file);
    if (pid && d_.processes.is_gateway(*pid)) return DaemonState{true, pid, "process"};
    return DaemonState{};
}

void DaemonControl::fail_unhealthy(const std::string& url, int port, const std::string& reason) {
    std::string msg = "the gateway did not become healthy at " + url + ": " + reason;
    if (auto holder = describe_port_holder(port)) msg += "; port " + std::to_string(port) + " is held by " + *holder;
    auto lines = tail_file(paths_.log_file, 30);
    if (lines.empty()) {
        msg += "; '" + paths_.log_file.string() + "' is empty";
    } else {
        msg += "; last " + std::to_string(lines.size()) + " lines of '" + paths_.log_file.string() + "':";
        for (const auto& l : lines) msg += "\n  " + l;
    }
    throw Error(exit_failed, msg);
}

void DaemonControl::start_unit(Meta& meta) {
    fs::path unit = unit_path(d_.env);
    std::string text = render_unit(d_.executable, paths_.home, paths_.log_file);
    if (support::read_file(unit) != text) support::write_file_atomic(unit, text);
    systemctl_checked("daemon-reload", {}, true);
    systemctl_checked("enable", {unit_name}, true);
    systemctl_checked("restart", {unit_name}, true);
    meta.doc["service"] = "systemd";
    meta.doc["unit_path"] = unit.string();
    store_meta(paths_, meta);
}

pid_t DaemonControl::spawn_process(Meta& meta) {
    support::make_dirs(paths_.dir, 0700);
    // The daemon writes gateway.pid itself, first thing, under a lock it holds for life
    // (claim_pid_file): a kill of this process right after the spawn cannot leave a daemon
    // that status, stop and the next install do not see, and of two daemons started for
    // one home only the first keeps running and on file.
    auto env = daemon_environment();
    env[pid_file_variable] = paths_.pid_file.string();
    pid_t pid = d_.processes.spawn_detached(daemon_argv(), env, paths_.log_file);
    meta.doc["service"] = "process";
    meta.doc.erase("unit_path");
    store_meta(paths_, meta);
    return pid;
}

StartOutcome DaemonControl::start(const GatewaySettings& settings) {
    StartOutcome out;
    out.url = settings.url();
    require_private_dirs(paths_);
    support::make_dirs(paths_.dir, 0700);
    // The log exists, and is not a symbolic link, before anything writes to it: systemd's
    // StandardOutput=append: would follow one.
    ::close(support::open_no_follow(paths_.log_file, O_WRONLY | O_CREAT | O_APPEND, 0600));
    const std::string proof_key = load_auth_secret(paths_).value_or("");
    DaemonState now = state();
    std::function<bool()> still_running;
    std::optional<pid_t> spawned;
    Meta meta = load_meta(paths_);

    if (now.running) {
        out.already_running = true;
        out.pid = now.pid;
        out.via = now.via;
    } else if (systemd_available()) {
        start_unit(meta);
        out.via = "systemd";
    } else {
        pid_t pid = spawn_process(meta);
        spawned = pid;
        // Ours, or the one that held the lock before it (then ours exits at once).
        still_running = [this, pid] { return d_.processes.alive(pid) || state().running; };
        out.pid = pid;
        out.via = "process";
    }

    auto health = wait_for_health(d_.http, out.url, proof_key, d_.clock, d_.sleeper, d_.health_timeout,
                                  std::chrono::milliseconds(200), still_running,
                                  [this](const std::string& s) { d_.ui.progress("gateway: " + s, s == "healthy"); });
    if (!health.healthy) {
        if (spawned && d_.processes.alive(*spawned)) d_.processes.signal(*spawned, SIGKILL);
        if (spawned && read_pid_file(paths_.pid_file) == spawned) {
            std::error_code ec;
            fs::remove(paths_.pid_file, ec);
        }
        fail_unhealthy(out.url, settings.port, health.reason);
    }
    if (spawned) {
        auto on_file = read_pid_file(paths_.pid_file);
        if (on_file && d_.processes.is_gateway(*on_file)) out.pid = on_file;
    }
    if (out.via == "systemd" && !out.pid) out.pid = systemd_main_pid();
    return out;
}

StopOutcome DaemonControl::stop() {
    StopOutcome out;
    Meta meta = load_meta(paths_);
    if (meta.service() == "systemd" && unit_installed() && systemd_available()) {
        out.was_running = systemctl("is-active", {"--quiet", unit_name}).ok();
        systemctl_checked("stop", {unit_name}, true);
        return out;
    }
    auto pid = read_pid_file(paths_.pid_file);
    std::error_code ec;
    if (!pid) {
        if (fs::exists(paths_.pid_file)) out.removed_stale_pid = fs::remove(paths_.pid_file, ec);
        return out;
    }
    if (!d_.processes.is_gateway(*pid)) {
        out.removed_stale_pid = fs::remove(paths_.pid_file, ec);
        return out;
    }
    out.was_running = true;
    d_.processes.signal(*pid, SIGTERM);
    auto deadline = d_.clock.now() + d_.stop_timeout;
    while (d_.processes.alive(*pid) && d_.clock.now() < deadline) d_.sleeper.sleep_for(std::chrono::milliseconds(100));
    if (d_.processes.alive(*pid)) {
        out.killed = true;
        d_.processes.signal(*pid, SIGKILL);
        auto kill_deadline = d_.clock.now() + std::chrono::seconds(5);
        while (d_.processes.alive(*pid) && d_.clock.now() < kill_deadline)
            d_.sleeper.sleep_for(std::chrono::milliseconds(50));
    }
    fs::remove(paths_.pid_file, ec);
    return out;
}

}  // namespace mosaic::gateway
