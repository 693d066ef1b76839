// http.hpp - the network edge, and the only part of the plugin that sees cpp-httplib
// (http.cpp is its single translation unit: httplib is slow to compile and this keeps its
// types out of every other file).
//   - HttpClient: what the CLI uses to talk to a gateway (health wait, bootstrap, login),
//     an interface so that install/status tests answer from a fake.
//   - HttpServer: serves an Api over HTTP/1.1 with a fixed thread pool; stop() is safe from
//     another thread and drains: the listener closes, requests in flight finish, then
//     serve() returns.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "api.hpp"

namespace mosaic::gateway {

struct HttpResult {
    int status = 0;             // 0: no HTTP answer (connection refused, timeout, ...)
    std::string body;
    std::map<std::string, std::string> headers;
    std::string error;          // why there was no answer
    bool answered() const { return status != 0; }
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    // `base_url` is "http://host:port". Never throws for network failures (status 0).
    virtual HttpResult send(const std::string& method, const std::string& base_url, const std::string& path,
                            const std::string& body = "", const std::map<std::string, std::string>& headers = {}) = 0;
};

class HttplibClient final : public HttpClient {
public:
    explicit HttplibClient(std::chrono::milliseconds timeout = std::chrono::seconds(5)) : timeout_(timeout) {}
    HttpResult send(const std::string& method, const std::string& base_url, const std::string& path,
                    const std::string& body, const std::map<std::string, std::string>& headers) override;

private:
    std::chrono::milliseconds timeout_;
};

// One request log line: "<UTC time> <client> <METHOD> <path> <status> <ms>ms". Only the path
// (never the query string, headers or body), so no secret ever reaches the log.
std::string request_log_line(std::chrono::system_clock::time_point when, const std::string& client,
                             const std::string& method, const std::string& path, int status, double ms);

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port (see HttpServer::port())
    std::size_t max_body_bytes = default_max_body_bytes;
    int threads = 64;  // httplib serves a kept-alive connection on one thread until it idles
};

class HttpServer {
public:
    using LogSink = std::function<void(const std::string& line)>;
    HttpServer(Api& api, ServerOptions options, LogSink log);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds the listening socket. Throws mosaic::Error(exit_failed) naming host:port.
    void bind();
    int port() const;
    // Serves until stop(); returns after in-flight requests are done.
    void serve();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mosaic::gateway
