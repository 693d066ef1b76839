#include "postgres.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <poll.h>

#include <libpq-fe.h>

#include <mosaic/error.hpp>
#include <mosaic/support/text.hpp>

#include "backend_url.hpp"

namespace mosaic::gateway {

namespace {

std::string trimmed(const char* msg) {
    std::string s = support::trim_end(msg ? msg : "");
    // libpq's messages are multi-line at times; keep them on one line.
    for (auto& c : s)
        if (c == '\n') c = ' ';
    return s;
}

}  // namespace

PgResult::~PgResult() { PQclear(r_); }
int PgResult::rows() const { return PQntuples(r_); }
bool PgResult::null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string PgResult::text(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}
std::int64_t PgResult::i64(int row, int col) const {
    std::int64_t v = 0;
    const char* p = PQgetvalue(r_, row, col);
    std::from_chars(p, p + std::strlen(p), v);
    return v;
}
std::int64_t PgResult::affected() const {
    const char* n = PQcmdTuples(r_);
    std::int64_t v = 0;
    std::from_chars(n, n + std::strlen(n), v);
    return v;
}

PgConnection::PgConnection(const std::string& url, std::chrono::milliseconds timeout)
    : url_(url), address_(parse_postgres_url(url).address()), timeout_(timeout) {
    auto secs = std::max<long long>(2, (timeout.count() + 999) / 1000);
    std::string connect_timeout = std::to_string(secs);
    // Defaults first; the URL (expanded from dbname) may override them.
    const char* keys[] = {"connect_timeout", "application_name", "keepalives", "keepalives_idle", "dbname", nullptr};
    const char* values[] = {connect_timeout.c_str(), "mosaic-gateway", "1", "30", url.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
        std::string why = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
        PQfinish(conn_);
        conn_ = nullptr;
        throw BackendUnavailable("postgresql", "postgresql at " + address_ + ": " + scrub_secret(why, url_));
    }
    if (PQsetnonblocking(conn_, 1) != 0) lost("cannot switch to non-blocking mode");
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::usable() const { return !broken_ && conn_ && PQstatus(conn_) == CONNECTION_OK; }

bool PgConnection::in_transaction() const { return conn_ && PQtransactionStatus(conn_) != PQTRANS_IDLE; }

void PgConnection::lost(const std::string& why) {
    broken_ = true;
    throw BackendUnavailable("postgresql", "postgresql at " + address_ + ": " + scrub_secret(why, url_));
}

void PgConnection::wait_for(short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            lost("no answer within " + std::to_string(timeout_.count()) + " ms");
        pollfd p{PQsocket(conn_), events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n > 0) return;
        if (n < 0 && errno != EINTR) lost(std::string("poll: ") + std::strerror(errno));
    }
}

PgResult PgConnection::exec(const std::string& sql, const PgParams& params) {
    if (!usable()) lost("the connection was lost");
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    // Without parameters the simple protocol is used, which also runs multi-statement
    // scripts (migrations); the last statement's result is returned.
    int sent = params.empty() ? PQsendQuery(conn_, sql.c_str())
                              : PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                  values.data(), nullptr, nullptr, 0);
    if (!sent)
        lost(trimmed(PQerrorMessage(conn_)));
    for (;;) {
        int f = PQflush(conn_);
        if (f == 0) break;
        if (f < 0) lost(trimmed(PQerrorMessage(conn_)));
        wait_for(POLLOUT | POLLIN, deadline);
        if (!PQconsumeInput(conn_)) lost(trimmed(PQerrorMessage(conn_)));
    }
    PGresult* last = nullptr;
    for (;;) {
        while (PQisBusy(conn_)) {
            wait_for(POLLIN, deadline);
            if (!PQconsumeInput(conn_)) {
                PQclear(last);
                lost(trimmed(PQerrorMessage(conn_)));
            }
        }
        PGresult* r = PQgetResult(conn_);
        if (!r) break;
        PQclear(last);
        last = r;
    }
    if (!last) lost("no result");
    PgResult result(last);
    auto st = PQresultStatus(last);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        if (PQstatus(conn_) != CONNECTION_OK) lost(trimmed(PQresultErrorMessage(last)));
        throw Error(exit_failed, "postgresql: " + scrub_secret(trimmed(PQresultErrorMessage(last)), url_));
    }
    return result;
}

PgPool::PgPool(std::string url, std::chrono::milliseconds timeout, std::size_t max_idle)
    : url_(std::move(url)), address_(parse_postgres_url(url_).address()), timeout_(timeout), max_idle_(max_idle) {}

PgPool::~PgPool() = default;

std::unique_ptr<PgConnection> PgPool::take(bool& reused) {
    {
        std::lock_guard lock(mu_);
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            reused = true;
            return c;
        }
    }
    reused = false;
    return std::make_unique<PgConnection>(url_, timeout_);
}

void PgPool::give_back(std::unique_ptr<PgConnection> c) {
    if (!c || !c->usable() || c->in_transaction()) return;
    std::lock_guard lock(mu_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

void PgPool::drop_idle() {
    std::vector<std::unique_ptr<PgConnection>> old;
    std::lock_guard lock(mu_);
    old.swap(idle_);
}

}  // namespace mosaic::gateway
