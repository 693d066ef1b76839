// valkey.hpp - a Valkey/Redis client over hiredis whose every wait is bounded: connect and
// each command use the same timeout (hiredis socket timeouts), and a connection that failed
// once is dropped, so the next command reconnects (a restarted server is picked up again).
// Thread-safe: request threads borrow connections from a small pool.
//
// Failures to reach or talk to the server throw BackendUnavailable("valkey",
// "valkey at <host:port>: <why>"); an error reply (wrong type, script error) throws
// mosaic::Error(exit_failed, "valkey: <reply>"). Messages never hold the password.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend_url.hpp"

struct redisContext;

namespace mosaic::gateway {

struct ValkeyReply {
    enum class Type { nil, integer, string, status, array };
    Type type = Type::nil;
    std::int64_t integer = 0;
    std::string str;
    std::vector<ValkeyReply> elements;
};

class ValkeyClient {
public:
    ValkeyClient(std::string url, std::chrono::milliseconds timeout, std::size_t max_idle = 8);
    ~ValkeyClient();
    ValkeyClient(const ValkeyClient&) = delete;
    ValkeyClient& operator=(const ValkeyClient&) = delete;

    // One command, binary-safe arguments.
    ValkeyReply command(const std::vector<std::string>& argv);
    std::string address() const { return target_.address(); }

private:
    redisContext* connect();
    [[noreturn]] void unavailable(const std::string& why) const;

    std::string url_;
    ValkeyTarget target_;
    std::chrono::milliseconds timeout_;
    std::size_t max_idle_;
    std::mutex mu_;
    std::vector<redisContext*> idle_;
};

}  // namespace mosaic::gateway
