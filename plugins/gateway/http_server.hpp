// http_server.hpp - the gateway's HTTP/1.1 engine: event-driven, on Boost.Asio with Beast's
// parser (http_message.hpp).
//
// Threads. One io_context per I/O thread (ServerOptions::threads, default one per core); a
// connection lives on one of them, chosen round-robin at accept, and everything about it
// (reading, parsing, deadlines, writing) runs on that thread, so a connection needs no lock.
// The handler is called there too and must not block: work that may block (storage, password
// hashing) goes to another thread and answers through the Exchange, from any thread.
//
// Slow and greedy clients. Deadlines are totals that a trickle cannot extend: the request head
// must be complete `head_timeout` after its first byte (or after accept), the body
// `body_timeout` after the head; a kept-alive connection may idle `idle_timeout` between
// requests; a response write may stall at most `write_timeout`. A per-thread sweep (every
// 250 ms) closes what is past its deadline, answering 408 when part of a request had arrived.
// Connections are capped in total and per client address (loopback addresses count as one
// client); over a cap the connection gets a 503 and is closed.
//
// HTTP/1.1. Keep-alive; pipelined requests answered in order (a request is parsed only after
// the previous response is queued); chunked request bodies; `Expect: 100-continue` (answered
// only once the head is accepted); HEAD (no body, same Content-Length); the parser's refusals
// (400, 413, 414, 431, 501) close the connection after the answer. Responses are complete
// (Content-Length) or streamed (chunked to HTTP/1.1 clients, close-delimited to HTTP/1.0),
// each piece written as it comes, with a callback when it has been handed to the socket.
//
// Stop. stop() (from any thread) closes the listener, closes idle connections, lets requests
// in flight finish (their responses carry `Connection: close`), and serve() returns when the
// last connection is gone, or after `drain_timeout` by force.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "http_message.hpp"

namespace mosaic::gateway {

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;     // 0: any free port (see HttpServer::port())
    int threads = 0;  // I/O threads; 0: one per core
    HttpLimits limits;
    std::chrono::milliseconds head_timeout{10'000};
    std::chrono::milliseconds body_timeout{30'000};
    std::chrono::milliseconds idle_timeout{60'000};
    std::chrono::milliseconds write_timeout{60'000};  // a response write that makes no progress
    std::chrono::milliseconds drain_timeout{10'000};
    std::size_t max_connections = 10'000;
    std::size_t max_connections_per_client = 1'000;
};

namespace detail {
class Connection;
struct ServerCore;
}

// The answer side of one request: a handle the handler keeps as long as it needs. Every
// member may be called from any thread (the work is posted to the connection's thread) and
// is a no-op once the exchange is over or its client has gone.
class Exchange {
public:
    Exchange() = default;
    Exchange(std::shared_ptr<detail::Connection> connection, std::uint64_t id)
        : connection_(std::move(connection)), id_(id) {}

    // A complete response.
    void respond(HttpResponse response) const;

    // A streamed response: the head now, then pieces, then the end. With `length`, the
    // pieces are exactly that many bytes and go out as they are (Content-Length); without,
    // they are chunked (HTTP/1.1) or end with the connection (HTTP/1.0).
    void begin(int status, std::vector<std::pair<std::string, std::string>> headers,
               std::optional<std::size_t> length = std::nullopt) const;
    // `written(true)` once the piece has been handed to the socket (backpressure), `written(false)`
    // when it never will be (client gone). Runs on the connection's thread.
    void write(std::string piece, std::function<void(bool written)> written = {}) const;
    void end() const;
    // Gives up on an answer already begun (the source of its body failed): the connection
    // is closed, so the client sees the answer cut short rather than complete.
    void abort() const;

    // Runs once on the connection's thread when the client goes away (or the server is forced
    // to stop) before the response has ended; at once if that has already happened.
    void on_cancel(std::function<void()> callback) const;
    bool cancelled() const;

    // The connection's I/O thread, for handlers that do asynchronous work of their own.
    boost::asio::any_io_executor executor() const;

private:
    std::shared_ptr<detail::Connection> connection_;
    std::uint64_t id_ = 0;
};

class HttpServer {
public:
    // Called on the connection's I/O thread; must not block. The engine reads
    // `request.method` and `request.path` again for the log line once the response is done;
    // everything else the handler may move out.
    using Handler = std::function<void(HttpRequest& request, Exchange exchange)>;
    // One call per finished exchange (answered, or refused by the parser), on an I/O thread.
    using Logger = std::function<void(const HttpRequest& request, int status, double milliseconds)>;

    HttpServer(ServerOptions options, Handler handler, Logger log);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and listens. Throws mosaic::Error(exit_failed) naming host:port and the reason.
    void bind();
    int port() const;
    // Runs the I/O threads (the calling thread is one of them) until stop() has drained.
    void serve();
    // Thread-safe and idempotent; not async-signal-safe.
    void stop();

    std::size_t open_connections() const;

private:
    std::unique_ptr<detail::ServerCore> core_;
};

}  // namespace mosaic::gateway
