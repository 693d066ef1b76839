#include "http_message.hpp"

#include <algorithm>
#include <optional>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

namespace mosaic::gateway {

namespace http = boost::beast::http;
using boost::beast::error_code;

const char* reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        default: break;
    }
    switch (status / 100) {
        case 1: return "Informational";
        case 2: return "Success";
        case 3: return "Redirection";
        case 4: return "Client Error";
        default: return "Server Error";
    }
}

namespace {

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The gateway's own refusals, carried through Beast's error_code channel.
enum class Refusal { none, target_too_long, body_too_large, transfer_coding };

class Parser final : public http::basic_parser<true> {
public:
    Parser(const HttpLimits& limits, HttpRequest& out) : body_limit_bytes(limits.max_body_bytes), limits_(limits), out_(out) {
        header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_head_bytes, UINT32_MAX)));
        body_limit(limits.max_body_bytes);
    }
    Refusal refusal = Refusal::none;
    std::size_t body_limit_bytes;  // the limit of this request's path

private:
    void refuse(Refusal r, error_code& ec) {
        refusal = r;
        ec = http::error::bad_value;
    }

    void on_request_impl(http::verb, boost::beast::string_view method, boost::beast::string_view target, int version,
                         error_code& ec) override {
        if (target.size() > limits_.max_target_bytes) return refuse(Refusal::target_too_long, ec);
        out_.method.assign(method.data(), method.size());
        out_.target.assign(target.data(), target.size());
        auto q = out_.target.find('?');
        out_.path = out_.target.substr(0, q);
        out_.query = q == std::string::npos ? std::string() : out_.target.substr(q + 1);
        out_.version = version;
        for (const auto& rule : limits_.body_limits_by_prefix)
            if (out_.path.rfind(rule.path_prefix, 0) == 0) {
                body_limit_bytes = rule.max_body_bytes;
                body_limit(rule.max_body_bytes);
            }
    }

    void on_field_impl(http::field name, boost::beast::string_view name_string, boost::beast::string_view value,
                       error_code& ec) override {
        std::string_view v = trim(std::string_view(value.data(), value.size()));
        // Beast takes a Transfer-Encoding whose last coding is not `chunked` as "no body",
        // which would read the body as the next request: refuse every coding but chunked.
        if (name == http::field::transfer_encoding && !iequals(v, "chunked")) return refuse(Refusal::transfer_coding, ec);
        if (name == http::field::expect && iequals(v, "100-continue")) out_.expects_continue = true;
        auto [it, inserted] = out_.headers.try_emplace(lowercase({name_string.data(), name_string.size()}), v);
        if (!inserted) {
            it->second += ", ";
            it->second += v;
        }
    }

    void on_response_impl(int, boost::beast::string_view, int, error_code& ec) override {
        ec = http::error::bad_version;  // a request parser never sees a status line
    }

    void on_header_impl(error_code&) override { out_.keep_alive = keep_alive(); }

    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code& ec) override {
        if (length && *length > body_limit_bytes) return refuse(Refusal::body_too_large, ec);
        if (length) out_.body.reserve(static_cast<std::size_t>(*length));
    }

    std::size_t on_body_impl(boost::beast::string_view body, error_code&) override {
        out_.body.append(body.data(), body.size());
        return body.size();
    }

    void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}

    std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, error_code&) override {
        out_.body.append(body.data(), body.size());
        return body.size();
    }

    void on_finish_impl(error_code&) override {}

    const HttpLimits& limits_;
    HttpRequest& out_;
};

HttpParseError to_parse_error(const error_code& ec, Refusal refusal, bool start_line_done, const HttpLimits& limits,
                              std::size_t body_limit) {
    const HttpParseError target_too_long{
        414, "the request target is longer than " + std::to_string(limits.max_target_bytes) + " bytes"};
    if (refusal == Refusal::target_too_long) return target_too_long;
    if (refusal == Refusal::transfer_coding) return {501, "transfer codings other than 'chunked' are not supported"};
    if (refusal == Refusal::body_too_large || ec == http::error::body_limit)
        return {413, "the body exceeds " + std::to_string(body_limit) + " bytes"};
    if (ec == http::error::header_limit) {
        // No request line within the limit: it is the target that is too long.
        if (!start_line_done) return target_too_long;
        return {431, "the request head exceeds " + std::to_string(limits.max_head_bytes) + " bytes"};
    }
    if (ec == http::error::bad_content_length || ec == http::error::bad_transfer_encoding)
        return {400, "conflicting Content-Length or Transfer-Encoding"};
    return {400, "malformed request: " + ec.message()};
}

}  // namespace

struct RequestParser::Impl {
    explicit Impl(HttpLimits l) : limits(l) { reset(); }
    void reset() {
        request = HttpRequest{};
        error.reset();
        parser.emplace(limits, request);
    }
    HttpLimits limits;
    HttpRequest request;
    std::optional<Parser> parser;
    std::optional<HttpParseError> error;
};

RequestParser::RequestParser(HttpLimits limits) : impl_(std::make_unique<Impl>(limits)) {}
RequestParser::~RequestParser() = default;

std::size_t RequestParser::feed(std::string_view data) {
    Impl& m = *impl_;
    if (m.error || m.parser->is_done()) return 0;
    std::size_t used = 0;
    while (used < data.size() && !m.parser->is_done()) {
        // Beast stops after the head so a caller can answer `Expect: 100-continue`; going on
        // in the same call is what `eager` does.
        m.parser->eager(m.parser->is_header_done());
        error_code ec;
        std::size_t n = m.parser->put(boost::asio::const_buffer(data.data() + used, data.size() - used), ec);
        used += n;
        if (ec == http::error::need_more) break;
        if (ec) {
            m.error = to_parse_error(ec, m.parser->refusal, !m.request.method.empty(), m.limits, m.parser->body_limit_bytes);
            return used;
        }
        if (n == 0) break;
    }
    return used;
}

bool RequestParser::head_done() const { return impl_->parser->is_header_done(); }
bool RequestParser::done() const { return !impl_->error && impl_->parser->is_done(); }
const HttpParseError* RequestParser::error() const { return impl_->error ? &*impl_->error : nullptr; }

std::size_t RequestParser::body_bytes_expected() const {
    const auto& p = *impl_->parser;
    if (!p.is_header_done() || p.chunked()) return 0;
    auto left = p.content_length_remaining();
    return left ? static_cast<std::size_t>(*left) : 0;
}

HttpRequest& RequestParser::request() { return impl_->request; }

HttpRequest RequestParser::take() {
    HttpRequest r = std::move(impl_->request);
    reset();
    return r;
}

void RequestParser::reset() { impl_->reset(); }

}  // namespace mosaic::gateway
