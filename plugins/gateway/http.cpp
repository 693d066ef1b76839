#include "http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace mosaic::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t max_answer_bytes = 16 * 1024 * 1024;

struct Target {
    std::string host, port, error;
};

// "http://host[:port][/]" -> host and port.
Target parse_base_url(const std::string& url) {
    Target t;
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) {
        t.error = "unsupported URL '" + url + "': expected http://host[:port]";
        return t;
    }
    std::string rest = url.substr(scheme.size());
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.find('/') != std::string::npos) {
        t.error = "unsupported URL '" + url + "': expected http://host[:port] with no path";
        return t;
    }
    auto colon = rest.rfind(':');
    bool bracketed = !rest.empty() && rest.front() == '[';
    if (colon != std::string::npos && (!bracketed || colon > rest.find(']'))) {
        t.host = rest.substr(0, colon);
        t.port = rest.substr(colon + 1);
    } else {
        t.host = rest;
        t.port = "80";
    }
    if (bracketed && t.host.size() >= 2) t.host = t.host.substr(1, t.host.size() - 2);
    if (t.host.empty() || t.port.empty()) t.error = "unsupported URL '" + url + "': no host or port";
    return t;
}

}  // namespace

namespace {

http::request<http::string_body> make_request(http::verb verb, const std::string& base_url, const std::string& path,
                                              const std::string& body,
                                              const std::map<std::string, std::string>& headers) {
    http::request<http::string_body> req{verb, path, 11};
    req.set(http::field::host, base_url.substr(7));
    req.set(http::field::user_agent, "mosaic");
    req.set(http::field::connection, "close");
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
        if (req.find(http::field::content_type) == req.end()) req.set(http::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();
    return req;
}

HttpResult result_of(http::response<http::string_body>& res) {
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(f.value());
    }
    return out;
}

}  // namespace

HttpResult BeastHttpClient::send(const std::string& method, const std::string& base_url, const std::string& path,
                                 const std::string& body, const std::map<std::string, std::string>& headers) {
    HttpResult out;
    Target target = parse_base_url(base_url);
    http::verb verb = http::string_to_verb(method);
    if (!target.error.empty() || verb == http::verb::unknown) {
        out.error = !target.error.empty() ? target.error : "unsupported method " + method;
        return out;
    }
    auto req = make_request(verb, base_url, path, body, headers);
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_answer_bytes);
    beast::error_code failure;
    bool done = false;
    auto fail = [&](const beast::error_code& ec) {
        failure = ec;
        done = true;
    };
    resolver.async_resolve(target.host, target.port, [&](const beast::error_code& ec, tcp::resolver::results_type r) {
        if (ec) return fail(ec);
        stream.async_connect(r, [&](const beast::error_code& ec, const tcp::endpoint&) {
            if (ec) return fail(ec);
            http::async_write(stream, req, [&](const beast::error_code& ec, std::size_t) {
                if (ec) return fail(ec);
                http::async_read(stream, buffer, parser, [&](const beast::error_code& ec, std::size_t) { fail(ec); });
            });
        });
    });
    ioc.run_for(timeout_);
    if (!done) {
        beast::error_code ignored;
        resolver.cancel();
        stream.socket().close(ignored);
        ioc.restart();
        ioc.run();  // let the cancelled handlers finish: they refer to this frame
        out.error = "timed out after " + std::to_string(timeout_.count()) + " ms";
        return out;
    }
    if (failure) {
        out.error = failure == beast::errc::connection_refused ? "connection refused" : failure.message();
        return out;
    }
    return result_of(parser.get());
}

}  // namespace mosaic::gateway
