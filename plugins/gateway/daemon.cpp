#include "daemon.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/support/file.hpp>

#include "api.hpp"
#include "backend_url.hpp"
#include "http.hpp"
#include "process_control.hpp"
#include "storage.hpp"

#ifndef MOSAIC_GATEWAY_VERSION
#define MOSAIC_GATEWAY_VERSION "0.0.0"
#endif

namespace mosaic::gateway {

namespace {

// The daemon's log is its stdout; written with write(2) under a lock so lines from request
// threads never interleave.
class StdoutLog {
public:
    void line(const std::string& text) {
        std::string l = text + "\n";
        std::lock_guard lock(mu_);
        const char* p = l.data();
        std::size_t left = l.size();
        while (left > 0) {
            ssize_t n = ::write(STDOUT_FILENO, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
    }

private:
    std::mutex mu_;
};

class SignalMask {
public:
    SignalMask() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &set_, &old_);
    }
    ~SignalMask() {
        // Drop anything that arrived after the waiter stopped, then restore.
        timespec zero{0, 0};
        while (sigtimedwait(&set_, nullptr, &zero) > 0) {
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    const sigset_t& set() const { return set_; }

private:
    sigset_t set_{}, old_{};
};

const char* signal_name(int sig) {
    switch (sig) {
        case SIGTERM: return "SIGTERM";
        case SIGINT: return "SIGINT";
        case SIGHUP: return "SIGHUP";
        default: return "signal";
    }
}

}  // namespace

int run_daemon(const GatewayPaths& paths, const DaemonHooks& hooks) {
    // Started detached by install/start: on file before anything else (process_control.hpp).
    if (const char* pid_file = std::getenv(pid_file_variable); pid_file && *pid_file) claim_pid_file(pid_file);
    if (!fs::exists(paths.env_file))
        throw Error(exit_refused, "the gateway is not installed: '" + paths.env_file.string() +
                                      "' does not exist; run 'mosaic gateway install'");
    auto env = support::EnvFile::load(paths.env_file);
    GatewaySettings settings = settings_from_env_values(env.values(), paths.env_file.string());
    auto secret = env.get(key_auth_secret);
    if (!secret || secret->size() < 32)
        throw Error(exit_usage, std::string(key_auth_secret) + " is missing or shorter than 32 characters in '" +
                                    paths.env_file.string() + "'; run 'mosaic gateway install --force-reconfigure'");

    SignalMask mask;  // before any thread is created
    std::signal(SIGPIPE, SIG_IGN);

    StdoutLog log;
    auto storage = open_storage(settings, paths.data_dir.string());
    support::SystemClock clock;
    ApiOptions api_opts;
    api_opts.version = MOSAIC_GATEWAY_VERSION;
    api_opts.cors_origin = settings.cors_origin;
    // The team tier shares one session key between all gateways on its database.
    api_opts.auth_secret = storage->shared_session_key().value_or(*secret);
    api_opts.max_body_bytes = settings.max_body_bytes;
    Api api(*storage, clock, api_opts);

    ServerOptions server_opts;
    server_opts.host = settings.bind_host;
    server_opts.port = settings.port;
    server_opts.max_body_bytes = settings.max_body_bytes;
    HttpServer server(api, server_opts, [&log](const std::string& l) { log.line(l); });
    server.bind();
    log.line("gateway " MOSAIC_GATEWAY_VERSION " listening on http://" + settings.bind_host + ":" +
             std::to_string(server.port()) + " (tier " + storage->tier() + ", pid " + std::to_string(::getpid()) + ")");
    if (settings.tier == "team")
        log.line("team tier: postgresql " + redact_url(settings.database_url) + ", valkey " + redact_url(settings.valkey_url));
    if (hooks.on_listening) hooks.on_listening(server.port());

    std::atomic<bool> serving_done{false};
    std::atomic<int> got_signal{0};
    std::thread waiter([&] {
        timespec tick{0, 100 * 1000 * 1000};
        while (!serving_done.load()) {
            int sig = sigtimedwait(&mask.set(), nullptr, &tick);
            if (sig <= 0) continue;
            got_signal = sig;
            log.line(std::string("received ") + signal_name(sig) + ", draining requests in flight");
            // stop() before the server has started listening is a no-op in httplib: repeat
            // until serve() has returned.
            while (!serving_done.load()) {
                server.stop();
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
    });
    server.serve();
    serving_done = true;
    waiter.join();
    if (got_signal.load() == 0) throw Error(exit_failed, "the gateway stopped serving unexpectedly");
    log.line("gateway stopped");
    return 0;
}

}  // namespace mosaic::gateway
