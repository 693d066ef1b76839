// A byte-level HTTP client for the engine's tests: it sends exactly the bytes a test writes
// (pipelining, trickles, malformed heads) and reads answers one at a time with Beast's
// response parser, keeping bytes that belong to the next answer.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace gateway_test {

struct RawResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // names lowercased
    std::string body;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class RawClient {
public:
    explicit RawClient(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port));
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~RawClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }
    int fd() const { return fd_; }

    bool send(const std::string& bytes) {
        std::size_t off = 0;
        while (off < bytes.size()) {
            ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return false;
            off += static_cast<std::size_t>(n);
        }
        return true;
    }

    // Reads whatever arrives within `wait` (at least one byte if any comes); "" on EOF/timeout.
    std::string read_some(std::chrono::milliseconds wait) {
        if (!pending_.empty()) {
            std::string out;
            out.swap(pending_);
            return out;
        }
        if (!readable(wait)) return {};
        char buf[65536];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            eof_ = true;
            return {};
        }
        return std::string(buf, static_cast<std::size_t>(n));
    }

    // One whole answer, or nullopt when the connection closed or `wait` passed first.
    std::optional<RawResponse> read_response(std::chrono::milliseconds wait = std::chrono::seconds(5),
                                             bool head_request = false) {
        namespace http = boost::beast::http;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        parser.skip(head_request);
        auto deadline = std::chrono::steady_clock::now() + wait;
        std::string data;
        data.swap(pending_);
        for (;;) {
            if (!data.empty()) {
                boost::beast::error_code ec;
                std::size_t used = 0;
                while (used < data.size() && !parser.is_done()) {
                    std::size_t n = parser.put(boost::asio::buffer(data.data() + used, data.size() - used), ec);
                    used += n;
                    if (ec == http::error::need_more) {
                        ec = {};
                        break;
                    }
                    if (ec) return std::nullopt;
                    if (n == 0) break;
                }
                data.erase(0, used);
                if (parser.is_done()) break;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            if (!readable(left)) return std::nullopt;
            char buf[65536];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                eof_ = true;
                boost::beast::error_code ec;
                parser.put_eof(ec);
                if (!ec && parser.is_done()) break;
                return std::nullopt;
            }
            data.append(buf, static_cast<std::size_t>(n));
        }
        pending_ = std::move(data);
        RawResponse out;
        auto& m = parser.get();
        out.status = static_cast<int>(m.result_int());
        out.body = m.body();
        for (const auto& f : m) {
            std::string name(f.name_string());
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            out.headers[name] = std::string(f.value());
        }
        return out;
    }

    // True when the server has closed the connection (EOF or reset) within `wait`; bytes that
    // arrive first are skipped.
    bool closed_within(std::chrono::milliseconds wait) {
        if (eof_) return true;
        auto deadline = std::chrono::steady_clock::now() + wait;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !readable(left)) return false;
            char buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return eof_ = true;
        }
    }

private:
    bool readable(std::chrono::milliseconds wait) {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, static_cast<int>(wait.count())) > 0;
    }

    int fd_ = -1;
    bool connected_ = false;
    bool eof_ = false;
    std::string pending_;
};

}  // namespace gateway_test
