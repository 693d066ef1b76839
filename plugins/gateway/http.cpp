#include "http.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/socket.h>

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <mosaic/error.hpp>

namespace mosaic::gateway {

HttpResult HttplibClient::send(const std::string& method, const std::string& base_url, const std::string& path,
                               const std::string& body, const std::map<std::string, std::string>& headers) {
    HttpResult out;
    httplib::Client cli(base_url);
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout_);
    auto usecs = std::chrono::duration_cast<std::chrono::microseconds>(timeout_ - secs);
    cli.set_connection_timeout(secs.count(), usecs.count());
    cli.set_read_timeout(secs.count(), usecs.count());
    cli.set_write_timeout(secs.count(), usecs.count());
    httplib::Headers h;
    for (const auto& [k, v] : headers) h.emplace(k, v);
    httplib::Result res{nullptr, httplib::Error::Unknown};
    if (method == "GET") res = cli.Get(path, h);
    else if (method == "POST") res = cli.Post(path, h, body, "application/json");
    else if (method == "DELETE") res = cli.Delete(path, h, body, "application/json");
    else {
        out.error = "unsupported method " + method;
        return out;
    }
    if (!res) {
        out.error = httplib::to_string(res.error());
        return out;
    }
    out.status = res->status;
    out.body = res->body;
    for (const auto& [k, v] : res->headers) out.headers[k] = v;
    return out;
}

std::string request_log_line(std::chrono::system_clock::time_point when, const std::string& client,
                             const std::string& method, const std::string& path, int status, double ms) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char dur[32];
    if (ms < 0) std::snprintf(dur, sizeof dur, "-");
    else std::snprintf(dur, sizeof dur, "%.1fms", ms);
    // Control characters in a path would forge log lines: escape them.
    std::string safe;
    for (unsigned char c : path) {
        if (c < 0x20 || c == 0x7f) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "%%%02X", c);
            safe += esc;
        } else {
            safe += static_cast<char>(c);
        }
    }
    return std::string(stamp) + " " + client + " " + method + " " + safe + " " + std::to_string(status) + " " + dur;
}

struct HttpServer::Impl {
    Impl(Api& a, ServerOptions o, LogSink l) : api(a), opt(std::move(o)), log(std::move(l)) {}
    Api& api;
    ServerOptions opt;
    LogSink log;
    httplib::Server server;
    int bound_port = 0;
    int listen_fd = -1;
};

namespace {
thread_local std::chrono::steady_clock::time_point request_start{};
}

HttpServer::HttpServer(Api& api, ServerOptions options, LogSink log)
    : impl_(std::make_unique<Impl>(api, std::move(options), std::move(log))) {
    auto& s = impl_->server;
    int threads = impl_->opt.threads;
    s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    s.set_payload_max_length(impl_->opt.max_body_bytes);
    s.set_keep_alive_timeout(2);
    // Debian's httplib closes a connection after 5 requests; keep clients' connections.
    s.set_keep_alive_max_count(1000);
    s.set_read_timeout(10, 0);
    s.set_write_timeout(10, 0);

    Impl* impl = impl_.get();
    // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second
    // gateway bind the same port silently. The fd is kept to widen the listen backlog.
    // TCP_NODELAY (inherited by accepted sockets on Linux): httplib writes headers and body
    // separately, and Nagle + delayed ACK would hold every body ~40 ms (bench/gateway).
    s.set_tcp_nodelay(true);
    s.set_socket_options([impl](int sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
        impl->listen_fd = sock;
    });
    s.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
        request_start = std::chrono::steady_clock::now();
        return httplib::Server::HandlerResponse::Unhandled;
    });
    auto handler = [impl](const httplib::Request& req, httplib::Response& res) {
        ApiRequest r;
        r.method = req.method;
        r.path = req.path;
        r.body = req.body;
        r.client_address = req.remote_addr;
        for (const char* name : {"Origin", "Authorization", "Content-Type"})
            if (req.has_header(name)) {
                std::string key = name;
                for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                r.headers[key] = req.get_header_value(name);
            }
        ApiResponse out = impl->api.handle(r);
        res.status = out.status;
        for (const auto& [k, v] : out.headers) res.set_header(k, v);
        if (!out.body.is_null()) res.set_content(out.body.dump(), "application/json");
    };
    s.Get(".*", handler);
    s.Post(".*", handler);
    s.Delete(".*", handler);
    s.Put(".*", handler);
    s.Patch(".*", handler);
    s.Options(".*", handler);
    // httplib's own refusals (413 body too large, 400 malformed request, unknown methods)
    // come without a body: give them the same JSON error shape as the Api.
    s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string code = res.status == 413 ? "payload_too_large" : res.status == 404 ? "not_found" : "bad_request";
        std::string message = res.status == 413   ? "the body is too large"
                              : res.status == 404 ? "not found"
                                                  : "the request could not be understood";
        res.set_content(nlohmann::json{{"error", code}, {"message", message}}.dump(), "application/json");
        return httplib::Server::HandlerResponse::Handled;
    }));
    s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(R"({"error":"internal","message":"internal error"})", "application/json");
    });
    s.set_logger([impl](const httplib::Request& req, const httplib::Response& res) {
        double ms = -1;
        if (request_start != std::chrono::steady_clock::time_point{}) {
            ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - request_start).count();
            request_start = {};
        }
        if (impl->log)
            impl->log(request_log_line(std::chrono::system_clock::now(), req.remote_addr, req.method, req.path,
                                       res.status, ms));
    });
}

HttpServer::~HttpServer() = default;

void HttpServer::bind() {
    auto& o = impl_->opt;
    errno = 0;
    if (o.port == 0) {
        impl_->bound_port = impl_->server.bind_to_any_port(o.host);
        if (impl_->bound_port <= 0) impl_->bound_port = 0;
    } else if (impl_->server.bind_to_port(o.host, o.port)) {
        impl_->bound_port = o.port;
    }
    if (impl_->bound_port != 0 && impl_->listen_fd >= 0) {
        // httplib listens with a backlog of 5: a burst of clients would overflow it and
        // stall in SYN retries. Calling listen() again on Linux just raises the backlog.
        ::listen(impl_->listen_fd, 511);
    }
    if (impl_->bound_port == 0) {
        int e = errno;
        throw Error(exit_failed, "cannot listen on " + o.host + ":" + std::to_string(o.port) +
                                     (e ? std::string(": ") + std::strerror(e) : std::string()));
    }
}

int HttpServer::port() const { return impl_->bound_port; }

void HttpServer::serve() { impl_->server.listen_after_bind(); }

void HttpServer::stop() { impl_->server.stop(); }

}  // namespace mosaic::gateway
