// A TCP relay on a free loopback port in front of a real server (the test PostgreSQL), that
// a test can stall: while stalled it forwards nothing in either direction and accepts
// connections without answering, which is what a SIGSTOPped server looks like to its
// clients, without stopping the server the other tests share.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gateway_test {

class StallingRelay {
public:
    explicit StallingRelay(int target_port) : target_port_(target_port) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(listen_fd_, 64);
        socklen_t len = sizeof a;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~StallingRelay() {
        stop_ = true;
        acceptor_.join();  // no pump starts after this
        for (auto& t : pumps_) t.join();
        ::close(listen_fd_);
        for (int fd : fds_) ::close(fd);
    }
    StallingRelay(const StallingRelay&) = delete;
    StallingRelay& operator=(const StallingRelay&) = delete;

    void stall() { stalled_ = true; }
    void resume() { stalled_ = false; }

    int port = 0;

private:
    static bool wait(int fd, int ms) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, ms) > 0;
    }

    void accept_loop() {
        while (!stop_) {
            if (stalled_ || !wait(listen_fd_, 50)) {
                if (stalled_) std::this_thread::sleep_for(std::chrono::milliseconds(50));
                continue;
            }
            int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) continue;
            int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a.sin_port = htons(static_cast<uint16_t>(target_port_));
            if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
                ::close(client);
                ::close(server);
                continue;
            }
            std::lock_guard lock(mu_);
            fds_.push_back(client);
            fds_.push_back(server);
            pumps_.emplace_back([this, client, server] { pump(client, server); });
            pumps_.emplace_back([this, client, server] { pump(server, client); });
        }
    }

    void pump(int from, int to) {
        char buf[16384];
        while (!stop_) {
            if (stalled_) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                continue;
            }
            if (!wait(from, 50)) continue;
            ssize_t n = ::recv(from, buf, sizeof buf, 0);
            if (n <= 0) {
                ::shutdown(to, SHUT_WR);
                return;
            }
            for (ssize_t off = 0; off < n;) {
                ssize_t w = ::send(to, buf + off, static_cast<std::size_t>(n - off), MSG_NOSIGNAL);
                if (w <= 0) return;
                off += w;
            }
        }
    }

    int target_port_;
    int listen_fd_ = -1;
    std::atomic<bool> stop_{false}, stalled_{false};
    std::mutex mu_;
    std::vector<int> fds_;
    std::thread acceptor_;
    std::vector<std::thread> pumps_;  // added by the acceptor thread only
};

}  // namespace gateway_test
