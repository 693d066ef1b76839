#include "http_server.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <ctime>
#include <list>
#include <map>
#include <mutex>
#include <thread>

#include <sys/resource.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <mosaic/error.hpp>
#include <mosaic/support/clock.hpp>

namespace mosaic::gateway {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

using detail::Connection;

namespace {

constexpr auto sweep_interval = std::chrono::milliseconds(250);
constexpr std::size_t initial_buffer = 2048;
// While a request is being handled the engine keeps reading, to notice a client that goes
// away; pipelined bytes are kept up to this much, then reading pauses.
constexpr std::size_t max_pipelined_bytes = 64 * 1024;

std::string http_date(std::time_t t) { return support::format_utc(t, "%a, %d %b %Y %H:%M:%S GMT"); }

void append_number(std::string& out, std::uint64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

// Loopback addresses are one client: every local process shares them.
std::string client_key(const asio::ip::address& a) {
    if (a.is_loopback()) return "loopback";
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        auto v4 = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
        return v4.is_loopback() ? "loopback" : v4.to_string();
    }
    return a.to_string();
}

std::string client_text(const asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
    return a.to_string();
}

}  // namespace

// One I/O thread: its io_context, its connections and its sweep.
struct IoThread {
    explicit IoThread(std::size_t i) : index(i), ioc(1), sweep(ioc) {}
    std::size_t index;
    asio::io_context ioc;
    asio::steady_timer sweep;
    // Touched only on this thread. The list owns its connections: one lives until close(),
    // however its handlers come and go (a worker that drops a cancelled request's Exchange
    // must not be able to free a connection the sweep still visits).
    std::list<std::shared_ptr<Connection>> connections;
    // Calls f on every connection; f may close (and so unregister) the one it is given.
    template <class F>
    void each_connection(F f) {
        for (auto it = connections.begin(); it != connections.end();) {
            auto c = *it++;
            f(*c);
        }
    }
    std::string date = http_date(std::time(nullptr));
    bool draining = false;
    bool forced = false;
};

struct detail::ServerCore {
    ServerCore(ServerOptions o, HttpServer::Handler h, HttpServer::Logger l) : opt(std::move(o)), handler(std::move(h)), log(std::move(l)) {}

    ServerOptions opt;
    HttpServer::Handler handler;
    HttpServer::Logger log;
    std::vector<std::unique_ptr<IoThread>> threads;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::size_t next_thread = 0;
    int bound_port = 0;

    std::atomic<std::size_t> open{0};
    std::atomic<bool> stopping{false};
    std::atomic<bool> finished{false};
    std::mutex clients_mu;
    std::map<std::string, std::size_t> per_client;

    void accept();
    void refuse(tcp::socket& socket, const char* why);
    bool admit(const std::string& key);
    void release(const std::string& key);
    void start_sweep(IoThread& io);
    void connection_closed();
    void finish();
};

namespace detail {

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(detail::ServerCore& core, IoThread& io, tcp::socket socket, std::string client, std::string key)
        : core_(core), io_(io), socket_(std::move(socket)), client_(std::move(client)), key_(std::move(key)),
          parser_(core.opt.limits) {}

    void start() {
        registration_ = io_.connections.insert(io_.connections.end(), shared_from_this());
        started_ = Clock::now();
        deadline_ = started_ + core_.opt.head_timeout;  // the first request must come
        if (io_.draining) return close();
        read();
    }

    asio::any_io_executor executor() { return socket_.get_executor(); }
    bool on_thread() { return io_.ioc.get_executor().running_in_this_thread(); }

    // --- the Exchange's operations, on this connection's thread
    void respond(std::uint64_t id, HttpResponse& r) {
        if (!current(id) || phase_ != Phase::handling) return;
        if (io_.draining) keep_alive_ = false;  // the last answer on this connection
        std::string out;
        out.reserve(160 + r.body.size());
        head_into(out, r.status, r.headers, false, r.body.size());
        if (!head_request_ && r.status != 204 && r.status != 304) out += r.body;
        status_ = r.status;
        phase_ = Phase::answered;
        send(std::move(out), [self = shared_from_this()](bool ok) {
            if (ok) self->exchange_done();
        });
    }

    void begin(std::uint64_t id, int status, const std::vector<std::pair<std::string, std::string>>& headers,
               std::optional<std::size_t> length) {
        if (!current(id) || phase_ != Phase::handling) return;
        if (io_.draining) keep_alive_ = false;
        std::string out;
        chunked_ = !length && request_version_ >= 11;
        if (!length && !chunked_) keep_alive_ = false;  // HTTP/1.0: the body ends when the connection does
        head_into(out, status, headers, !length, length.value_or(0));
        status_ = status;
        phase_ = Phase::streaming;
        send(std::move(out), {});
    }

    void write(std::uint64_t id, std::string& piece, std::function<void(bool)>& written) {
        if (!current(id) || phase_ != Phase::streaming || closed_) {
            if (written) written(false);
            return;
        }
        if (head_request_ || piece.empty()) {
            if (written) written(true);
            return;
        }
        std::string out;
        if (chunked_) {
            char size[20];
            auto [end, ec] = std::to_chars(size, size + sizeof size, piece.size(), 16);
            out.reserve(piece.size() + 24);
            out.append(size, end).append("\r\n").append(piece).append("\r\n");
        } else {
            out = std::move(piece);
        }
        send(std::move(out), std::move(written));
    }

    void end(std::uint64_t id) {
        if (!current(id) || phase_ != Phase::streaming) return;
        phase_ = Phase::answered;
        send(chunked_ && !head_request_ ? std::string("0\r\n\r\n") : std::string(),
             [self = shared_from_this()](bool ok) {
                 if (ok) self->exchange_done();
             });
    }

    void abort(std::uint64_t id) {
        if (!current(id) || (phase_ != Phase::streaming && phase_ != Phase::handling)) return;
        status_ = phase_ == Phase::handling ? 502 : status_;
        log_request(current_, status_);
        ended_ = true;
        cancel_callbacks_.clear();  // the handler gave up itself: nothing to tell it
        close();
    }

    void on_cancel(std::uint64_t id, std::function<void()>& callback) {
        if (id != exchange_id_ || ended_) return;  // answered in full: nothing to cancel
        if (cancelled_ || closed_) return callback();
        cancel_callbacks_.push_back(std::move(callback));
    }

    // Also read from other threads (a worker checking before it starts): every operation
    // re-checks on this thread, so a stale answer costs at most some wasted work.
    bool cancelled(std::uint64_t id) const {
        return id != exchange_id_.load(std::memory_order_relaxed) || cancelled_.load(std::memory_order_relaxed) ||
               closed_.load(std::memory_order_relaxed);
    }

    // --- the sweep (this thread)
    void sweep(Clock::time_point now) {
        if (closed_) return;
        if (io_.forced) return close();
        if (io_.draining && phase_ == Phase::idle && buffered() == 0) return drain_idle();
        if (writing_ && now >= write_deadline_) return close();  // a client that does not read
        if (now < deadline_) return;
        if ((phase_ == Phase::head || phase_ == Phase::body) && !writing_) {
            // Part of a request arrived, too slowly: say so, then close.
            HttpRequest& r = parser_.request();
            if (r.method.empty()) r.method = "-";
            if (r.path.empty()) r.path = "-";
            log_request(r, 408);
            std::string out;
            std::string body = R"({"error":"request_timeout","message":"the request did not arrive in time"})";
            keep_alive_ = false;
            head_into(out, 408, {{"Content-Type", "application/json"}}, false, body.size());
            out += body;
            phase_ = Phase::answered;
            send(std::move(out), [self = shared_from_this()](bool) { self->close(); });
            deadline_ = now + std::chrono::seconds(1);  // the 408 itself may not block forever
            return;
        }
        close();
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        auto self = shared_from_this();  // the list's reference goes now
        io_.connections.erase(registration_);
        error_code ignored;
        socket_.close(ignored);
        run_cancel_callbacks();
        core_.release(key_);
        core_.connection_closed();
    }

private:
    enum class Phase { idle, head, body, handling, streaming, answered };

    struct Pending {
        std::string bytes;
        std::function<void(bool)> done;
    };

    bool current(std::uint64_t id) const { return id == exchange_id_ && !closed_; }
    std::size_t buffered() const { return end_ - begin_; }
    // Bytes the kernel holds that this thread has not read yet: a request that began to arrive
    // just before a drain is still a request in flight.
    bool waiting_in_socket() {
        error_code ec;
        return socket_.available(ec) > 0 && !ec;
    }

    // A drain closes an idle connection, but not one whose next request has begun to arrive:
    // bytes the kernel holds are read and answered. With nothing waiting, the pending read is
    // cancelled rather than the socket closed under it, because Asio may already have read
    // bytes speculatively when read() started and queued their completion: a read that
    // completed keeps its bytes, one still waiting ends as aborted and on_read closes (or
    // reads what came meanwhile).
    void drain_idle() {
        if (waiting_in_socket()) return;  // read() takes them; the request is answered
        if (!reading_) return close();
        if (drain_cancelled_) return;
        drain_cancelled_ = true;
        error_code ignored;
        socket_.cancel(ignored);
    }

    void read() {
        if (reading_ || closed_) return;
        if (peer_closed_) {  // nothing more will arrive: a request not complete now never will be
            if (phase_ == Phase::idle || phase_ == Phase::head || phase_ == Phase::body) close();
            return;
        }
        if (phase_ == Phase::handling || phase_ == Phase::streaming || phase_ == Phase::answered) {
            if (buffered() >= max_pipelined_bytes) return;  // resumes once this exchange is done
        }
        if (begin_ == end_) begin_ = end_ = 0;
        if (buf_.size() - end_ < 512) {
            if (begin_ > 0) {
                std::copy(buf_.begin() + static_cast<long>(begin_), buf_.begin() + static_cast<long>(end_), buf_.begin());
                end_ -= begin_;
                begin_ = 0;
            }
            if (buf_.size() - end_ < 512) buf_.resize(std::max(initial_buffer, buf_.size() * 2));
        }
        reading_ = true;
        socket_.async_read_some(asio::buffer(buf_.data() + end_, buf_.size() - end_),
                                [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
    }

    void on_read(const error_code& ec, std::size_t n) {
        reading_ = false;
        if (closed_) return;
        if (ec) {
            if (ec == asio::error::operation_aborted && drain_cancelled_ && waiting_in_socket()) return read();
            if (phase_ == Phase::idle || phase_ == Phase::head || phase_ == Phase::body) return close();
            // The client went away (or half-closed) while its request was being answered. A
            // handler that neither answers nor gives up is not waited for beyond this.
            peer_closed_ = true;
            if (phase_ == Phase::handling || phase_ == Phase::streaming) {
                cancelled_ = true;
                deadline_ = Clock::now() + core_.opt.write_timeout;
                run_cancel_callbacks();
            }
            return;
        }
        end_ += n;
        if (phase_ == Phase::idle) begin_request();
        if (phase_ == Phase::head || phase_ == Phase::body) return parse();
        read();  // handling: keep watching for the client going away
    }

    void begin_request() {
        phase_ = Phase::head;
        started_ = Clock::now();
        deadline_ = started_ + core_.opt.head_timeout;
    }

    void parse() {
        std::size_t used = parser_.feed(std::string_view(buf_.data() + begin_, buffered()));
        begin_ += used;
        if (const HttpParseError* e = parser_.error()) return refuse(*e);
        if (parser_.done()) return dispatch();
        if (parser_.head_done() && phase_ == Phase::head) {
            phase_ = Phase::body;
            deadline_ = Clock::now() + core_.opt.body_timeout;
            HttpRequest& r = parser_.request();
            if (r.expects_continue && r.version >= 11 && r.body.empty()) send("HTTP/1.1 100 Continue\r\n\r\n", {});
        }
        read();
    }

    void refuse(const HttpParseError& e) {
        HttpRequest& r = parser_.request();
        if (r.method.empty()) r.method = "-";
        if (r.path.empty()) r.path = "-";
        request_version_ = 11;
        head_request_ = false;
        keep_alive_ = false;
        ++exchange_id_;
        phase_ = Phase::handling;
        std::string code = e.status == 413   ? "payload_too_large"
                           : e.status == 414 ? "uri_too_long"
                           : e.status == 431 ? "header_too_large"
                           : e.status == 501 ? "not_implemented"
                                             : "bad_request";
        std::string message;
        for (char c : e.message) {  // a JSON string of the message, which is ASCII
            if (c == '"' || c == '\\') message += '\\';
            message += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
        }
        HttpResponse res{e.status, {{"Content-Type", "application/json"}},
                         R"({"error":")" + code + R"(","message":")" + message + R"("})"};
        current_ = std::move(r);
        respond(exchange_id_, res);
    }

    void dispatch() {
        current_ = parser_.take();
        current_.client_address = client_;
        request_version_ = current_.version;
        head_request_ = current_.method == "HEAD";
        keep_alive_ = current_.keep_alive && !io_.draining && !core_.stopping.load(std::memory_order_relaxed);
        ++exchange_id_;
        cancelled_ = false;
        ended_ = false;
        cancel_callbacks_.clear();
        phase_ = Phase::handling;
        deadline_ = Clock::time_point::max();
        read();
        Exchange exchange(shared_from_this(), exchange_id_);
        try {
            core_.handler(current_, exchange);
        } catch (...) {
            HttpResponse r{500, {{"Content-Type", "application/json"}}, R"({"error":"internal","message":"internal error"})"};
            respond(exchange_id_, r);
        }
    }

    void exchange_done() {
        log_request(current_, status_);
        cancel_callbacks_.clear();
        ended_ = true;
        if (!keep_alive_ || (peer_closed_ && buffered() == 0)) return close();
        current_ = HttpRequest{};
        phase_ = Phase::idle;
        deadline_ = Clock::now() + core_.opt.idle_timeout;
        if (io_.draining && buffered() == 0) {
            // The drain began while this answer was being written: the next request may
            // already be in the socket, unread (then it is answered, on a closing connection).
            drain_idle();
            if (closed_) return;
        }
        if (buffered() > 0) {
            begin_request();
            return parse();
        }
        if (buf_.size() > 16 * 1024) {  // a large request grew it: do not keep that while idle
            std::vector<char>().swap(buf_);
            begin_ = end_ = 0;
        }
        read();
    }

    void log_request(const HttpRequest& r, int status) {
        if (!core_.log) return;
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
        if (r.client_address.empty()) {
            HttpRequest copy;
            copy.method = r.method;
            copy.path = r.path;
            copy.client_address = client_;
            core_.log(copy, status, ms);
        } else {
            core_.log(r, status, ms);
        }
    }

    void head_into(std::string& out, int status, const std::vector<std::pair<std::string, std::string>>& headers,
                   bool streamed, std::size_t length) {
        out += request_version_ >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
        append_number(out, static_cast<std::uint64_t>(status));
        out += ' ';
        out += reason_phrase(status);
        out += "\r\nDate: ";
        out += io_.date;
        out += "\r\n";
        if (status >= 200 && status != 204 && status != 304) {
            if (!streamed) {
                out += "Content-Length: ";
                append_number(out, length);
                out += "\r\n";
            } else if (chunked_) {
                out += "Transfer-Encoding: chunked\r\n";
            }
        }
        if (!keep_alive_) out += "Connection: close\r\n";
        else if (request_version_ < 11) out += "Connection: keep-alive\r\n";
        for (const auto& [k, v] : headers) {
            out += k;
            out += ": ";
            out += v;
            out += "\r\n";
        }
        out += "\r\n";
    }

    void send(std::string bytes, std::function<void(bool)> done) {
        queue_.push_back(Pending{std::move(bytes), std::move(done)});
        if (!writing_) write_queue();
    }

    void write_queue() {
        if (closed_) return fail_pending(queue_);
        writing_ = true;
        write_deadline_ = Clock::now() + core_.opt.write_timeout;
        in_flight_.swap(queue_);
        buffers_.clear();
        for (const auto& p : in_flight_)
            if (!p.bytes.empty()) buffers_.emplace_back(p.bytes.data(), p.bytes.size());
        asio::async_write(socket_, buffers_, [self = shared_from_this()](const error_code& ec, std::size_t) {
            self->on_written(ec);
        });
    }

    void on_written(const error_code& ec) {
        writing_ = false;
        std::vector<Pending> done;
        done.swap(in_flight_);
        if (ec || closed_) {
            fail_pending(done);
            if (!closed_) {
                peer_closed_ = true;
                cancelled_ = true;
                close();
            }
            return;
        }
        if (!queue_.empty()) write_queue();
        for (auto& p : done)
            if (p.done) p.done(true);
    }

    static void fail_pending(std::vector<Pending>& pending) {
        std::vector<Pending> failed;
        failed.swap(pending);
        for (auto& p : failed)
            if (p.done) p.done(false);
    }

    void run_cancel_callbacks() {
        std::vector<std::function<void()>> callbacks;
        callbacks.swap(cancel_callbacks_);
        for (auto& c : callbacks) c();
    }

    detail::ServerCore& core_;
    IoThread& io_;
    tcp::socket socket_;
    std::string client_, key_;
    std::list<std::shared_ptr<Connection>>::iterator registration_;

    std::vector<char> buf_;
    std::size_t begin_ = 0, end_ = 0;
    RequestParser parser_;
    HttpRequest current_;

    Phase phase_ = Phase::idle;
    Clock::time_point started_, deadline_, write_deadline_;
    std::atomic<std::uint64_t> exchange_id_{0};
    int status_ = 0;
    int request_version_ = 11;
    bool head_request_ = false;
    bool keep_alive_ = true;
    bool chunked_ = false;
    bool reading_ = false;
    bool writing_ = false;
    bool drain_cancelled_ = false;
    bool peer_closed_ = false;
    bool ended_ = false;
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> closed_{false};
    std::vector<std::function<void()>> cancel_callbacks_;
    std::vector<Pending> queue_, in_flight_;
    std::vector<asio::const_buffer> buffers_;
};

}  // namespace detail

// --- Exchange: hop to the connection's thread, unless already there.

namespace {
template <class F>
void on_connection_thread(const std::shared_ptr<Connection>& c, F&& f) {
    if (!c) return;
    if (c->on_thread()) f();
    else asio::post(c->executor(), std::forward<F>(f));
}
}  // namespace

void Exchange::respond(HttpResponse response) const {
    on_connection_thread(connection_, [c = connection_, id = id_, r = std::move(response)]() mutable { c->respond(id, r); });
}

void Exchange::begin(int status, std::vector<std::pair<std::string, std::string>> headers,
                     std::optional<std::size_t> length) const {
    on_connection_thread(connection_, [c = connection_, id = id_, status, h = std::move(headers), length] {
        c->begin(id, status, h, length);
    });
}

void Exchange::write(std::string piece, std::function<void(bool)> written) const {
    if (!connection_) {
        if (written) written(false);
        return;
    }
    on_connection_thread(connection_, [c = connection_, id = id_, p = std::move(piece), w = std::move(written)]() mutable {
        c->write(id, p, w);
    });
}

void Exchange::end() const {
    on_connection_thread(connection_, [c = connection_, id = id_] { c->end(id); });
}

void Exchange::abort() const {
    on_connection_thread(connection_, [c = connection_, id = id_] { c->abort(id); });
}

void Exchange::on_cancel(std::function<void()> callback) const {
    if (!connection_) return callback();
    on_connection_thread(connection_, [c = connection_, id = id_, cb = std::move(callback)]() mutable { c->on_cancel(id, cb); });
}

bool Exchange::cancelled() const {
    // Read from any thread: a stale answer is harmless (every operation re-checks).
    return !connection_ || connection_->cancelled(id_);
}

asio::any_io_executor Exchange::executor() const { return connection_->executor(); }

// --- the server

bool detail::ServerCore::admit(const std::string& key) {
    std::lock_guard lock(clients_mu);
    std::size_t& n = per_client[key];
    if (n >= opt.max_connections_per_client) {
        if (n == 0) per_client.erase(key);
        return false;
    }
    ++n;
    return true;
}

void detail::ServerCore::release(const std::string& key) {
    std::lock_guard lock(clients_mu);
    auto it = per_client.find(key);
    if (it != per_client.end() && --it->second == 0) per_client.erase(it);
}

void detail::ServerCore::refuse(tcp::socket& socket, const char* why) {
    std::string body = std::string(R"({"error":"too_many_connections","message":")") + why + "\"}";
    std::string out = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                      "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(out), ec);  // best effort: a socket buffer takes it at once
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
}

void detail::ServerCore::accept() {
    IoThread& target = *threads[next_thread];
    next_thread = (next_thread + 1) % threads.size();
    acceptor->async_accept(target.ioc, [this, &target](const error_code& ec, tcp::socket socket) {
        if (stopping.load()) return;
        if (ec) {
            if (ec == asio::error::operation_aborted) return;
            // Out of descriptors (EMFILE/ENFILE) and the like: wait a little rather than spin.
            auto t = std::make_shared<asio::steady_timer>(threads[0]->ioc, std::chrono::milliseconds(100));
            t->async_wait([this, t](const error_code&) { accept(); });
            return;
        }
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto peer = socket.remote_endpoint(ignored).address();
        std::string key = client_key(peer);
        if (open.load() >= opt.max_connections) {
            refuse(socket, "the gateway has too many open connections");
        } else if (!admit(key)) {
            refuse(socket, "too many open connections from this address");
        } else {
            open.fetch_add(1);
            auto c = std::make_shared<Connection>(*this, target, std::move(socket), client_text(peer), std::move(key));
            asio::post(target.ioc, [c] { c->start(); });
        }
        accept();
    });
}

void detail::ServerCore::start_sweep(IoThread& io) {
    io.sweep.expires_after(sweep_interval);
    io.sweep.async_wait([this, &io](const error_code& ec) {
        if (ec) return;
        io.date = http_date(std::time(nullptr));
        auto now = Clock::now();
        io.each_connection([now](Connection& c) { c.sweep(now); });
        start_sweep(io);
    });
}

void detail::ServerCore::connection_closed() {
    if (open.fetch_sub(1) == 1 && stopping.load()) finish();
}

void detail::ServerCore::finish() {
    if (finished.exchange(true)) return;
    for (auto& t : threads) t->ioc.stop();
}

HttpServer::HttpServer(ServerOptions options, Handler handler, Logger log)
    : core_(std::make_unique<detail::ServerCore>(std::move(options), std::move(handler), std::move(log))) {
    int n = core_->opt.threads;
    if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) core_->threads.push_back(std::make_unique<IoThread>(static_cast<std::size_t>(i)));
}

HttpServer::~HttpServer() = default;

void HttpServer::bind() {
    auto& o = core_->opt;
    // Every connection is a descriptor: take what the hard limit allows, and never accept
    // more connections than it leaves room for.
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (rl.rlim_cur < rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            ::setrlimit(RLIMIT_NOFILE, &rl);
            ::getrlimit(RLIMIT_NOFILE, &rl);
        }
        if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 128)
            o.max_connections = std::min<std::size_t>(o.max_connections, static_cast<std::size_t>(rl.rlim_cur - 64));
    }
    auto where = o.host + ":" + std::to_string(o.port);
    error_code ec;
    auto address = asio::ip::make_address(o.host == "localhost" ? "127.0.0.1" : o.host, ec);
    if (ec) throw Error(exit_failed, "cannot listen on " + where + ": not an IP address");
    auto acceptor = std::make_unique<tcp::acceptor>(core_->threads[0]->ioc);
    tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
    // SO_REUSEADDR only (restarts while old connections linger in TIME_WAIT); never
    // SO_REUSEPORT, which would let a second gateway bind the same port without an error.
    if (!acceptor->open(endpoint.protocol(), ec)) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(1024, ec);
    if (ec) throw Error(exit_failed, "cannot listen on " + where + ": " + ec.message());
    core_->bound_port = acceptor->local_endpoint(ec).port();
    core_->acceptor = std::move(acceptor);
}

int HttpServer::port() const { return core_->bound_port; }

std::size_t HttpServer::open_connections() const { return core_->open.load(); }

void HttpServer::serve() {
    detail::ServerCore& c = *core_;
    if (!c.acceptor) throw Error(exit_failed, "the server is not bound");
    for (auto& t : c.threads) c.start_sweep(*t);
    asio::post(c.threads[0]->ioc, [&c] {
        if (!c.stopping.load()) c.accept();
    });
    std::vector<std::thread> others;
    for (std::size_t i = 1; i < c.threads.size(); ++i) others.emplace_back([&c, i] { c.threads[i]->ioc.run(); });
    c.threads[0]->ioc.run();
    for (auto& t : others) t.join();
    // Whatever is left (forced stop): close on this thread now that no other runs.
    for (auto& t : c.threads) {
        t->each_connection([](Connection& conn) { conn.close(); });
        t->ioc.restart();
        t->ioc.poll();  // lets closed connections' handlers run and free them
    }
}

void HttpServer::stop() {
    detail::ServerCore& c = *core_;
    if (c.stopping.exchange(true)) return;
    asio::post(c.threads[0]->ioc, [&c] {
        error_code ignored;
        if (c.acceptor) c.acceptor->close(ignored);
        auto force = std::make_shared<asio::steady_timer>(c.threads[0]->ioc, c.opt.drain_timeout);
        force->async_wait([&c, force](const error_code& ec) {
            if (ec) return;
            for (auto& t : c.threads)
                asio::post(t->ioc, [io = t.get()] {
                    io->forced = true;
                    io->each_connection([](Connection& conn) { conn.close(); });
                });
        });
        if (c.open.load() == 0) c.finish();
    });
    for (auto& t : c.threads)
        asio::post(t->ioc, [io = t.get()] {
            io->draining = true;
            auto now = Clock::now();
            io->each_connection([now](Connection& conn) { conn.sweep(now); });
        });
}

}  // namespace mosaic::gateway
