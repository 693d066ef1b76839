// http_message.hpp - HTTP/1.1 messages as the gateway's engine sees them, and the request
// parser: bytes in, requests out, no sockets. The parser is Boost.Beast's (basic_parser, the
// RFC 9112 state machine) with the gateway's rules on top:
//   - limits: the request head (request line and fields) -> 431, the request target -> 414,
//     the body, chunked or not -> 413 (refused from Content-Length before any body byte is
//     read, so `Expect: 100-continue` clients are never invited to send it);
//   - request smuggling: Content-Length together with Transfer-Encoding, or two different
//     Content-Lengths -> 400; a transfer coding other than exactly `chunked` -> 501. Every
//     parse error closes the connection, since what follows cannot be trusted.
// http_server.cpp feeds it what it reads; tests/fuzz/gateway_http_fuzz.cpp feeds it anything.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mosaic::gateway {

struct HttpLimits {
    std::size_t max_head_bytes = 16 * 1024;   // request line + header fields -> 431
    std::size_t max_target_bytes = 8 * 1024;  // request target -> 414
    std::size_t max_body_bytes = 64 * 1024;   // decoded body -> 413
    // Paths under these prefixes take bodies up to their own limit instead (model calls).
    struct PrefixLimit {
        std::string path_prefix;
        std::size_t max_body_bytes;
    };
    std::vector<PrefixLimit> body_limits_by_prefix;
};

struct HttpRequest {
    std::string method;  // as sent: "GET", "POST", ...
    std::string target;  // as sent: path and query
    std::string path;    // the target up to '?'
    std::string query;   // after '?', without it
    int version = 11;    // 10 or 11
    // Field names lowercased; a repeated field's values joined with ", " (RFC 9110 5.3).
    std::map<std::string, std::string> headers;
    std::string body;  // de-chunked
    std::string client_address;
    bool keep_alive = true;          // what the client asked for (HTTP/1.0 defaults to close)
    bool expects_continue = false;   // `Expect: 100-continue`

    const std::string* header(const std::string& lowercase_name) const {
        auto it = headers.find(lowercase_name);
        return it == headers.end() ? nullptr : &it->second;
    }
};

struct HttpResponse {
    int status = 200;
    // Content-Length, Date and Connection are the engine's; everything else is given here.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

const char* reason_phrase(int status);

// A request the parser refused: the status to answer and why (the connection is closed).
struct HttpParseError {
    int status = 400;
    std::string message;
};

// Parses one request at a time from the bytes it is fed. Not thread-safe; one per
// connection, reset() between requests.
class RequestParser {
public:
    explicit RequestParser(HttpLimits limits);
    ~RequestParser();
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    // Consumes a prefix of `data` and returns its length; bytes not consumed (an incomplete
    // head, the start of a pipelined request) must be fed again, with more after them.
    // After an error, or once the request is complete, it consumes nothing more.
    std::size_t feed(std::string_view data);

    bool head_done() const;  // the request line and every field have been parsed
    bool done() const;       // the whole request, body included
    const HttpParseError* error() const;
    // Bytes still to come for a body whose length is known (0 when unknown or none).
    std::size_t body_bytes_expected() const;

    HttpRequest& request();   // valid once head_done()
    HttpRequest take();       // moves the request out; then reset()
    void reset();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mosaic::gateway
