#include "daemon.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/support/file.hpp>

#include "api.hpp"
#include "api_adapter.hpp"
#include "backend_monitor.hpp"
#include "backend_url.hpp"
#include "model_routes.hpp"
#include "http_server.hpp"
#include "process_control.hpp"
#include "request_log.hpp"
#include "storage.hpp"

#ifndef MOSAIC_GATEWAY_VERSION
#define MOSAIC_GATEWAY_VERSION "0.0.0"
#endif

namespace mosaic::gateway {

namespace {

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

ModelRouteOptions model_options(const GatewaySettings& s) {
    ModelRouteOptions m;
    m.anthropic = {ProviderKind::anthropic, "Anthropic", s.anthropic_base_url, s.anthropic_api_key, key_anthropic_api_key};
    m.openai = {ProviderKind::openai, "OpenAI", s.openai_base_url, s.openai_api_key, key_openai_api_key};
    m.proxy.connect_timeout = std::chrono::seconds(s.engine.upstream_connect_timeout_s);
    m.proxy.idle_timeout = std::chrono::seconds(s.engine.upstream_idle_timeout_s);
    return m;
}

ServerOptions server_options(const GatewaySettings& s) {
    ServerOptions o;
    o.host = s.bind_host;
    o.port = s.port;
    o.threads = s.engine.threads;
    o.limits.max_body_bytes = s.max_body_bytes;
    for (const char* prefix : {"/anthropic/", "/openai/"})
        o.limits.body_limits_by_prefix.push_back({prefix, s.engine.max_model_body_bytes});
    o.head_timeout = std::chrono::seconds(s.engine.head_timeout_s);
    o.body_timeout = std::chrono::seconds(s.engine.body_timeout_s);
    o.idle_timeout = std::chrono::seconds(s.engine.idle_timeout_s);
    o.max_connections = static_cast<std::size_t>(s.engine.max_connections);
    o.max_connections_per_client = static_cast<std::size_t>(s.engine.max_connections_per_client);
    return o;
}

// What the daemon is configured with: its .env, read and checked.
struct DaemonConfig {
    GatewaySettings settings;
    std::string secret;  // MOSAIC_AUTH_SECRET
};

DaemonConfig load_daemon_config(const GatewayPaths& paths) {
    if (!fs::exists(paths.env_file))
        throw Error(exit_refused, "the gateway is not installed: '" + paths.env_file.string() +
                                      "' does not exist; run 'mosaic gateway install'");
    auto env = support::EnvFile::load(paths.env_file);
    GatewaySettings settings = settings_from_env_values(env.values(), paths.env_file.string());
    auto secret = env.get(key_auth_secret);
    if (!secret || secret->size() < 32)
        throw Error(exit_usage, std::string(key_auth_secret) + " is missing or shorter than 32 characters in '" +
                                    paths.env_file.string() + "'; run 'mosaic gateway install --force-reconfigure'");
    return {std::move(settings), *secret};
}

ApiOptions api_options(const DaemonConfig& c, const GatewayPaths& paths, Storage& storage, BackendMonitor& monitor,
                       ModelRoutes& models) {
    ApiOptions o;
    o.version = MOSAIC_GATEWAY_VERSION;
    o.cors_origin = c.settings.cors_origin;
    // The team tier shares one session key between all gateways on its database.
    o.auth_secret = storage.shared_session_key().value_or(c.secret);
    o.max_body_bytes = c.settings.max_body_bytes;
    o.health_report = [&monitor] { return monitor.report(); };
    o.agent_tokens_changed = [&models] { models.agent_tokens_changed(); };
    o.proof_key = c.secret;
    o.setup_token = std::make_shared<FileSetupToken>(paths.setup_token);
    o.allowed_hosts = c.settings.allowed_hosts;
    return o;
}

// Serves until a signal: one thread takes SIGTERM/SIGINT/SIGHUP (blocked in `mask`) and stops
// the server, which drains. Returns the signal.
int serve_until_signalled(HttpServer& server, const SignalMask& mask, RequestLog& log) {
    std::atomic<bool> serving_done{false};
    std::atomic<int> got_signal{0};
    std::thread waiter([&] {
        timespec tick{0, 100 * 1000 * 1000};
        while (!serving_done.load()) {
            int sig = sigtimedwait(&mask.set(), nullptr, &tick);
            if (sig <= 0 || got_signal.load() != 0) continue;
            got_signal = sig;
            log.event(std::string("received ") + signal_name(sig) + ", draining requests in flight");
            server.stop();
        }
    });
    server.serve();
    serving_done = true;
    waiter.join();
    return got_signal.load();
}

}  // namespace

int run_daemon(const GatewayPaths& paths, const DaemonHooks& hooks) {
    // Started detached by install/start: on file before anything else (process_control.hpp).
    if (const char* pid_file = std::getenv(pid_file_variable); pid_file && *pid_file) claim_pid_file(pid_file);
    require_private_dirs(paths);  // its .env must be the user's own
    DaemonConfig config = load_daemon_config(paths);
    const GatewaySettings& settings = config.settings;

    SignalMask mask;  // before any thread is created
    std::signal(SIGPIPE, SIG_IGN);
    RequestLog log(STDOUT_FILENO);
    auto storage = open_storage(settings, paths.data_dir.string());
    BackendMonitor monitor([&storage] { return storage->check_backends(); });
    support::SystemClock clock;
    WorkerPool pool(settings.engine.workers, 1024);
    ModelRoutes models(*storage, pool, clock, model_options(settings));
    Api api(*storage, clock, api_options(config, paths, *storage, monitor, models));
    HttpServer::Handler api_routes = api_handler(api, pool);
    HttpServer server(server_options(settings),
                      [&models, api_routes](HttpRequest& request, Exchange exchange) {
                          if (!models.handle(request, exchange)) api_routes(request, std::move(exchange));
                      },
                      [&log](const HttpRequest& r, int status, double ms) {
                          log.request(r.client_address, r.method, r.path, status, ms);
                      });
    server.bind();
    log.event("gateway " MOSAIC_GATEWAY_VERSION " listening on http://" + settings.bind_host + ":" +
              std::to_string(server.port()) + " (tier " + storage->tier() + ", pid " + std::to_string(::getpid()) + ")");
    if (settings.tier == "team")
        log.event("team tier: postgresql " + redact_url(settings.database_url) + ", valkey " + redact_url(settings.valkey_url));
    if (hooks.on_listening) hooks.on_listening(server.port());

    int signal = serve_until_signalled(server, mask, log);
    pool.stop();     // every queued request has been answered or its client is gone
    models.close();  // pooled provider connections, while their I/O contexts still exist
    if (signal == 0) throw Error(exit_failed, "the gateway stopped serving unexpectedly");
    log.event("gateway stopped");
    return 0;
}

}  // namespace mosaic::gateway
