// proxy.hpp - passing a model call through to its provider: the request goes upstream with
// the provider's credential instead of the agent's, and the answer comes back as it arrives
// (every read forwarded at once, so server-sent events are never held back), its usage read
// on the way (usage_meter.hpp).
//
// Upstream connections are HTTP/1.1, plain or TLS (OpenSSL, the system's trust store, the
// host name verified), made on the client connection's own I/O thread and kept alive in a
// pool per I/O thread and host; a request that fails on a pooled connection before any answer
// is tried once more on a fresh one. Timeouts: connecting (TCP and TLS) `connect_timeout`,
// then at most `idle_timeout` between two bytes. A client that goes away closes the upstream
// connection, which cancels the provider's work. Failures before the answer's head are the
// gateway's own answers in the provider's error shape: 502 (cannot reach, TLS), 504 (timeout).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http_server.hpp"
#include "provider.hpp"
#include "usage_meter.hpp"

namespace mosaic::gateway {

struct ProxyOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds idle_timeout{300'000};
    std::size_t max_idle_per_host = 32;  // pooled connections per I/O thread and host
};

struct ProxyOutcome {
    int status = 0;          // the provider's status, or the gateway's 502/504
    bool complete = false;   // the whole answer reached the client
    bool cancelled = false;  // the client went away first
    Usage usage;
    std::string error;       // why not complete (names host and port, never a key)
};

class Proxy {
public:
    explicit Proxy(ProxyOptions options = {});
    ~Proxy();  // closes pooled connections (an I/O thread's own go when its io_context ends)
    void close_idle();
    Proxy(const Proxy&) = delete;
    Proxy& operator=(const Proxy&) = delete;

    // Sends `request` (method, body, and the headers upstream_request_headers() keeps) to
    // `target` at `path_and_query`, with `credential` headers added, and answers through
    // `exchange`. Call on the exchange's I/O thread; `done` runs there once it is over.
    void forward(const UpstreamTarget& target, ProviderKind kind, const std::string& path_and_query,
                 const HttpRequest& request, std::vector<std::pair<std::string, std::string>> credential,
                 Exchange exchange, std::function<void(const ProxyOutcome&)> done);

    struct Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace mosaic::gateway
