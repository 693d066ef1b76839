#include "proxy.hpp"

#include <cerrno>
#include <limits>
#include <map>
#include <mutex>
#include <tuple>

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace mosaic::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using beast::error_code;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// Which I/O thread (io_context), and which upstream, a pooled connection belongs to.
using PoolKey = std::tuple<const void*, std::string, std::string>;

const void* context_of(const asio::any_io_executor& ex) {
    return &asio::query(ex, asio::execution::context);
}

// True when a pooled connection still looks usable: open, nothing unread, not closed by the
// other end.
bool still_open(tcp::socket& s) {
    if (!s.is_open()) return false;
    char c;
    ssize_t n = ::recv(s.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::string describe(const error_code& ec) {
    if (ec == beast::error::timeout) return "timed out";
    if (ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category())
        return "TLS: " + ec.message();
    return ec.message();
}

}  // namespace

// Closes the pooled connections of one io_context when that io_context ends. A pooled stream's
// destructor touches its io_context's timer and socket services, so it must run before they
// go, whichever of the io_context and the Proxy ends first. Asio shuts services down newest
// first, and this one is added after the streams' own.
class PoolReaper : public asio::execution_context::service {
public:
    using Drop = std::function<void(const void* context)>;
    inline static asio::execution_context::id id;
    explicit PoolReaper(asio::execution_context& ctx) : service(ctx), context_(&ctx) {}
    void watch(std::weak_ptr<Proxy::Impl> impl, Drop drop) {
        std::lock_guard lock(mu_);
        for (const auto& w : watched_)
            if (!w.first.owner_before(impl) && !impl.owner_before(w.first)) return;
        watched_.emplace_back(std::move(impl), std::move(drop));
    }

private:
    void shutdown() override {
        std::vector<std::pair<std::weak_ptr<Proxy::Impl>, Drop>> watched;
        {
            std::lock_guard lock(mu_);
            watched.swap(watched_);
        }
        for (auto& [weak, drop] : watched)
            if (auto impl = weak.lock()) drop(context_);
    }

    const void* context_;
    std::mutex mu_;
    std::vector<std::pair<std::weak_ptr<Proxy::Impl>, Drop>> watched_;
};

struct Proxy::Impl : std::enable_shared_from_this<Proxy::Impl> {
    explicit Impl(ProxyOptions o) : opt(o), tls(ssl::context::tls_client) {
        tls.set_default_verify_paths();
        tls.set_verify_mode(ssl::verify_peer);
    }

    template <class Stream>
    std::map<PoolKey, std::vector<std::unique_ptr<Stream>>>& pool() {
        if constexpr (std::is_same_v<Stream, TlsStream>) return tls_pool;
        else return plain_pool;
    }

    template <class Stream>
    std::unique_ptr<Stream> take(const PoolKey& key) {
        std::lock_guard lock(mu);
        auto& p = pool<Stream>();
        auto it = p.find(key);
        while (it != p.end() && !it->second.empty()) {
            auto s = std::move(it->second.back());
            it->second.pop_back();
            if (still_open(beast::get_lowest_layer(*s).socket())) return s;
        }
        return nullptr;
    }

    template <class Stream>
    void give_back(const PoolKey& key, std::unique_ptr<Stream> s) {
        auto& context = asio::query(beast::get_lowest_layer(*s).get_executor(), asio::execution::context);
        asio::use_service<PoolReaper>(context).watch(weak_from_this(), [this](const void* c) { drop(c); });
        std::lock_guard lock(mu);
        auto& v = pool<Stream>()[key];
        if (v.size() < opt.max_idle_per_host) v.push_back(std::move(s));
    }

    // Closes the pooled connections that belong to io_context `context`.
    void drop(const void* context) {
        std::lock_guard lock(mu);
        std::erase_if(plain_pool, [&](const auto& entry) { return std::get<0>(entry.first) == context; });
        std::erase_if(tls_pool, [&](const auto& entry) { return std::get<0>(entry.first) == context; });
    }

    ProxyOptions opt;
    ssl::context tls;
    std::mutex mu;
    std::map<PoolKey, std::vector<std::unique_ptr<PlainStream>>> plain_pool;
    std::map<PoolKey, std::vector<std::unique_ptr<TlsStream>>> tls_pool;
};

namespace {

// One proxied call, on the client connection's I/O thread from start to end.
template <class Stream>
class Call : public std::enable_shared_from_this<Call<Stream>> {
public:
    Call(Proxy::Impl& proxy, UpstreamTarget target, ProviderKind kind, http::request<http::string_body> request,
         Exchange exchange, std::function<void(const ProxyOutcome&)> done)
        : proxy_(proxy),
          target_(std::move(target)),
          kind_(kind),
          request_(std::move(request)),
          exchange_(std::move(exchange)),
          done_(std::move(done)),
          key_(context_of(exchange_.executor()), target_.host, target_.port),
          resolver_(exchange_.executor()) {}

    void start() {
        std::weak_ptr<Call> weak = this->shared_from_this();
        exchange_.on_cancel([weak] {
            if (auto self = weak.lock()) self->cancel();
        });
        stream_ = proxy_.template take<Stream>(key_);
        reused_ = stream_ != nullptr;
        if (reused_) return send();
        connect();
    }

private:
    void cancel() {
        if (finished_) return;
        outcome_.cancelled = true;
        resolver_.cancel();
        if (stream_) {
            error_code ignored;
            beast::get_lowest_layer(*stream_).socket().close(ignored);
        }
    }

    void connect() {
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            stream_ = std::make_unique<TlsStream>(exchange_.executor(), proxy_.tls);
            // SNI, and the certificate must name the host.
            SSL_set_tlsext_host_name(stream_->native_handle(), target_.host.c_str());
            stream_->set_verify_callback(ssl::host_name_verification(target_.host));
        } else {
            stream_ = std::make_unique<PlainStream>(exchange_.executor());
        }
        auto self = this->shared_from_this();
        resolver_.async_resolve(target_.host, target_.port,
                                [self](const error_code& ec, tcp::resolver::results_type results) {
                                    if (ec) return self->fail_before_head(ec, "cannot resolve");
                                    self->on_resolved(results);
                                });
    }

    void on_resolved(const tcp::resolver::results_type& results) {
        auto& tcp_layer = beast::get_lowest_layer(*stream_);
        tcp_layer.expires_after(proxy_.opt.connect_timeout);
        auto self = this->shared_from_this();
        tcp_layer.async_connect(results, [self](const error_code& ec, const tcp::endpoint&) {
            if (ec) return self->fail_before_head(ec, "cannot connect to");
            beast::get_lowest_layer(*self->stream_).socket().set_option(tcp::no_delay(true));
            if constexpr (std::is_same_v<Stream, TlsStream>) {
                beast::get_lowest_layer(*self->stream_).expires_after(self->proxy_.opt.connect_timeout);
                self->stream_->async_handshake(ssl::stream_base::client, [self](const error_code& ec) {
                    if (ec) return self->fail_before_head(ec, "no TLS session with");
                    self->send();
                });
            } else {
                self->send();
            }
        });
    }

    void send() {
        beast::get_lowest_layer(*stream_).expires_after(proxy_.opt.idle_timeout);
        auto self = this->shared_from_this();
        http::async_write(*stream_, request_, [self](const error_code& ec, std::size_t) {
            if (ec) return self->retry_or_fail(ec);
            self->parser_.emplace();
            // The provider's answer is the client's business: no limit. (Not boost::none:
            // Beast 1.74 compares a Content-Length with an empty optional as greater.)
            self->parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
            if (self->request_.method() == http::verb::head) self->parser_->skip(true);
            beast::get_lowest_layer(*self->stream_).expires_after(self->proxy_.opt.idle_timeout);
            http::async_read_header(*self->stream_, self->buffer_, *self->parser_,
                                    [self](const error_code& ec, std::size_t) {
                                        if (ec) return self->retry_or_fail(ec);
                                        self->on_head();
                                    });
        });
    }

    // A pooled connection the provider had closed fails before any answer: once more, fresh.
    void retry_or_fail(const error_code& ec) {
        if (reused_ && !outcome_.cancelled && (!parser_ || !parser_->got_some())) {
            reused_ = false;
            buffer_.clear();
            parser_.reset();
            return connect();
        }
        fail_before_head(ec, "no answer from");
    }

    void on_head() {
        auto& res = parser_->get();
        outcome_.status = static_cast<int>(res.result_int());
        std::vector<std::string> named;
        if (auto c = res.find(http::field::connection); c != res.end())
            named = connection_tokens(std::string_view(c->value().data(), c->value().size()));
        std::vector<std::pair<std::string, std::string>> headers;
        bool event_stream = false;
        for (const auto& f : res) {
            std::string name(f.name_string());
            for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (!forwards_response_header(name, named)) continue;
            std::string value(f.value());
            if (name == "content-type" && value.rfind("text/event-stream", 0) == 0) event_stream = true;
            headers.emplace_back(std::string(f.name_string()), std::move(value));
        }
        meter_.emplace(kind_, event_stream);
        std::optional<std::size_t> length;
        if (auto n = parser_->content_length()) length = static_cast<std::size_t>(*n);
        if (request_.method() == http::verb::head || outcome_.status == 204 || outcome_.status == 304) length = 0;
        exchange_.begin(outcome_.status, std::move(headers), length);
        head_sent_ = true;
        if (parser_->is_done()) return finish();
        read_body();
    }

    void read_body() {
        parser_->get().body().data = chunk_;
        parser_->get().body().size = sizeof chunk_;
        beast::get_lowest_layer(*stream_).expires_after(proxy_.opt.idle_timeout);
        auto self = this->shared_from_this();
        http::async_read_some(*stream_, buffer_, *parser_, [self](error_code ec, std::size_t) {
            if (ec == http::error::need_buffer) ec = {};
            if (ec) return self->fail_after_head(ec);
            std::size_t n = sizeof self->chunk_ - self->parser_->get().body().size;
            if (n == 0) return self->parser_->is_done() ? self->finish() : self->read_body();
            self->meter_->feed(std::string_view(self->chunk_, n));
            self->exchange_.write(std::string(self->chunk_, n), [self](bool written) {
                if (!written) {
                    self->cancel();
                    return self->fail_after_head(asio::error::connection_aborted);
                }
                if (self->parser_->is_done()) return self->finish();
                self->read_body();
            });
        });
    }

    void finish() {
        exchange_.end();
        outcome_.complete = true;
        outcome_.usage = meter_->finish();
        if (parser_->keep_alive() && buffer_.size() == 0) proxy_.give_back(key_, std::move(stream_));
        report();
    }

    void fail_before_head(const error_code& ec, const char* what) {
        if (outcome_.cancelled) return fail_after_head(ec);
        bool timeout = ec == beast::error::timeout;
        outcome_.status = timeout ? 504 : 502;
        outcome_.error = std::string(what) + " " + target_.host + ":" + target_.port + ": " + describe(ec);
        exchange_.respond(provider_error(kind_, outcome_.status, "the gateway " + outcome_.error));
        close_stream();
        report();
    }

    void fail_after_head(const error_code& ec) {
        if (outcome_.error.empty())
            outcome_.error = outcome_.cancelled ? "the client went away"
                                                : "the answer from " + target_.host + ":" + target_.port +
                                                      " broke off: " + describe(ec);
        if (meter_) outcome_.usage = meter_->finish();
        if (head_sent_) exchange_.abort();
        close_stream();
        report();
    }

    void close_stream() {
        if (!stream_) return;
        error_code ignored;
        beast::get_lowest_layer(*stream_).socket().close(ignored);
    }

    void report() {
        if (finished_) return;
        finished_ = true;
        if (done_) done_(outcome_);
    }

    Proxy::Impl& proxy_;
    UpstreamTarget target_;
    ProviderKind kind_;
    http::request<http::string_body> request_;
    Exchange exchange_;
    std::function<void(const ProxyOutcome&)> done_;
    PoolKey key_;
    tcp::resolver resolver_;
    std::unique_ptr<Stream> stream_;
    bool reused_ = false;
    bool head_sent_ = false;
    bool finished_ = false;
    beast::flat_buffer buffer_;
    std::optional<http::response_parser<http::buffer_body>> parser_;
    std::optional<UsageMeter> meter_;
    ProxyOutcome outcome_;
    char chunk_[16 * 1024];
};

}  // namespace

Proxy::Proxy(ProxyOptions options) : impl_(std::make_shared<Impl>(options)) {}
Proxy::~Proxy() = default;

void Proxy::close_idle() {
    std::lock_guard lock(impl_->mu);
    impl_->plain_pool.clear();
    impl_->tls_pool.clear();
}

void Proxy::forward(const UpstreamTarget& target, ProviderKind kind, const std::string& path_and_query,
                    const HttpRequest& request, std::vector<std::pair<std::string, std::string>> credential,
                    Exchange exchange, std::function<void(const ProxyOutcome&)> done) {
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(target.path_prefix + path_and_query);
    req.version(11);
    for (const auto& [name, value] : upstream_request_headers(request)) req.insert(name, value);
    for (const auto& [name, value] : credential) req.set(name, value);
    bool default_port = (target.tls && target.port == "443") || (!target.tls && target.port == "80");
    req.set(http::field::host, target.host + (default_port ? "" : ":" + target.port));
    req.set(http::field::accept_encoding, "identity");
    req.body() = request.body;
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH")
        req.prepare_payload();
    if (target.tls)
        std::make_shared<Call<TlsStream>>(*impl_, target, kind, std::move(req), std::move(exchange), std::move(done))->start();
    else
        std::make_shared<Call<PlainStream>>(*impl_, target, kind, std::move(req), std::move(exchange), std::move(done))->start();
}

}  // namespace mosaic::gateway
