// http.hpp - how the CLI talks to a gateway (health wait, bootstrap, login, tokens): the
// HttpClient interface, so install/status tests answer from a fake, and BeastHttpClient, the
// real one, on Boost.Beast like the daemon's engine (http_server.hpp): one HTTP stack.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace mosaic::gateway {

struct HttpResult {
    int status = 0;             // 0: no HTTP answer (connection refused, timeout, ...)
    std::string body;
    std::map<std::string, std::string> headers;  // names lowercased
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

// One connection per request (the CLI makes a handful), `timeout` for the whole of it:
// resolving, connecting, writing and reading the answer.
class BeastHttpClient final : public HttpClient {
public:
    explicit BeastHttpClient(std::chrono::milliseconds timeout = std::chrono::seconds(5)) : timeout_(timeout) {}
    HttpResult send(const std::string& method, const std::string& base_url, const std::string& path,
                    const std::string& body, const std::map<std::string, std::string>& headers) override;

private:
    std::chrono::milliseconds timeout_;
};

}  // namespace mosaic::gateway
