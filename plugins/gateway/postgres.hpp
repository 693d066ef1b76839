// postgres.hpp - a small libpq layer: one connection that never waits longer than its
// timeout, and a pool of them for the request threads.
//
// Every wait is bounded. Connecting uses libpq's connect_timeout; each statement is sent
// with the asynchronous API and its answer awaited with poll() until the deadline, after
// which the connection is dropped. A lost or timed-out connection throws
// BackendUnavailable("postgresql", "<host:port>: <why>"); an SQL error throws
// mosaic::Error(exit_failed, "postgresql: <server message>"). Messages never hold the URL's
// password.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace mosaic::gateway {

class PgResult {
public:
    explicit PgResult(PGresult* r) : r_(r) {}
    ~PgResult();
    PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    PgResult& operator=(PgResult&&) = delete;
    PgResult(const PgResult&) = delete;

    int rows() const;
    bool null(int row, int col) const;
    std::string text(int row, int col) const;
    std::int64_t i64(int row, int col) const;
    std::int64_t affected() const;  // rows changed by INSERT/UPDATE/DELETE

private:
    PGresult* r_;
};

using PgParams = std::vector<std::optional<std::string>>;

class PgConnection {
public:
    // Connects (bounded by `timeout`, at least 2 s as libpq counts whole seconds).
    PgConnection(const std::string& url, std::chrono::milliseconds timeout);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // One statement with text parameters $1..$n (nullopt = NULL), or, without parameters,
    // any number of statements (the last one's result is returned).
    PgResult exec(const std::string& sql, const PgParams& params = {});
    // false once the connection was lost or timed out (it must then be dropped).
    bool usable() const;
    // true inside a transaction block (a connection is pooled only outside one).
    bool in_transaction() const;
    const std::string& address() const { return address_; }

private:
    [[noreturn]] void lost(const std::string& why);
    void wait_for(short events, std::chrono::steady_clock::time_point deadline);

    PGconn* conn_ = nullptr;
    std::string url_, address_;
    std::chrono::milliseconds timeout_;
    bool broken_ = false;
};

// Connections shared by request threads: `with` lends one (making a new one when none is
// idle) and takes it back unless it broke. When a lent connection turns out lost, every idle
// one is dropped too (they were to the same server) and the call is retried once on a fresh
// connection, so a database restart costs no failed request.
class PgPool {
public:
    PgPool(std::string url, std::chrono::milliseconds timeout, std::size_t max_idle = 8);
    ~PgPool();

    template <class F>
    auto with(F&& f) -> decltype(f(std::declval<PgConnection&>()));

    const std::string& address() const { return address_; }
    std::chrono::milliseconds timeout() const { return timeout_; }

private:
    std::unique_ptr<PgConnection> take(bool& reused);
    void give_back(std::unique_ptr<PgConnection> c);
    void drop_idle();

    std::string url_, address_;
    std::chrono::milliseconds timeout_;
    std::size_t max_idle_;
    std::mutex mu_;
    std::vector<std::unique_ptr<PgConnection>> idle_;
};

}  // namespace mosaic::gateway

#include "storage.hpp"

namespace mosaic::gateway {

template <class F>
auto PgPool::with(F&& f) -> decltype(f(std::declval<PgConnection&>())) {
    for (int attempt = 0;; ++attempt) {
        bool reused = false;
        std::unique_ptr<PgConnection> c = take(reused);
        try {
            if constexpr (std::is_void_v<decltype(f(*c))>) {
                f(*c);
                give_back(std::move(c));
                return;
            } else {
                auto r = f(*c);
                give_back(std::move(c));
                return r;
            }
        } catch (const BackendUnavailable&) {
            drop_idle();
            if (!reused || attempt > 0) throw;
        } catch (...) {
            give_back(std::move(c));
            throw;
        }
    }
}

}  // namespace mosaic::gateway
