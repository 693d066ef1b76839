// daemon.hpp - `mosaic gateway run`: the gateway daemon in the foreground.
//
// Configured only from <home>/gateway/.env. Logs one line per request (and start/stop
// lines) to stdout, which is gateway.log under `start` (detached or systemd alike), through a
// buffered writer (request_log.hpp). Serves with the event-driven engine (http_server.hpp):
// the Api answers /health from a background probe (backend_monitor.hpp) on the I/O threads,
// and everything that touches storage on a bounded worker pool (worker_pool.hpp).
//
// Signals. The daemon runs inside a plugin loaded by the host, so it must not install
// process-wide handlers that outlive it or race the host's. Before any thread exists it
// blocks SIGTERM, SIGINT and SIGHUP in the calling thread (every server thread inherits that
// mask), and one dedicated thread takes them synchronously with sigtimedwait(). On a signal
// that thread stops the server (listener closed, idle connections closed); serve() returns
// once requests in flight are answered; the thread is joined and the previous mask restored
// before run_daemon returns 0. SIGPIPE is
// ignored (a client hanging up must not kill the daemon). No handler, no self-pipe needed.
#pragma once

#include <functional>

#include "install_state.hpp"

namespace mosaic::gateway {

struct DaemonHooks {
    // Called once the socket is bound (tests use it to learn the port).
    std::function<void(int port)> on_listening;
};

// Returns 0 after a signal-initiated drain. Throws mosaic::Error: exit_refused when the
// gateway is not installed, exit_usage for a bad .env, exit_failed when the storage cannot
// be opened or the port cannot be bound.
int run_daemon(const GatewayPaths& paths, const DaemonHooks& hooks = {});

}  // namespace mosaic::gateway
