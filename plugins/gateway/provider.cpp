#include "provider.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>

namespace mosaic::gateway {

using nlohmann::json;

namespace {

bool is_hop_by_hop(std::string_view name) {
    static const char* const hop[] = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                                      "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"};
    return std::any_of(std::begin(hop), std::end(hop), [&](const char* h) { return name == h; });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<ProviderRoute> provider_route(std::string_view path) {
    auto under = [&](std::string_view prefix) -> std::optional<std::string> {
        if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0 || path[prefix.size()] != '/')
            return std::nullopt;
        return std::string(path.substr(prefix.size()));
    };
    if (auto rest = under("/anthropic")) return ProviderRoute{ProviderKind::anthropic, *rest};
    if (auto rest = under("/openai")) return ProviderRoute{ProviderKind::openai, *rest};
    return std::nullopt;
}

HttpResponse provider_error(ProviderKind kind, int status, const std::string& message) {
    json body;
    if (kind == ProviderKind::anthropic) {
        std::string type = status == 400   ? "invalid_request_error"
                           : status == 401 ? "authentication_error"
                           : status == 403 ? "permission_error"
                           : status == 404 ? "not_found_error"
                           : status == 413 ? "request_too_large"
                           : status == 429 ? "rate_limit_error"
                                           : "api_error";
        body = {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}};
    } else {
        std::string type = status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
        std::string code = status == 401   ? "invalid_api_key"
                           : status == 403 ? "forbidden"
                           : status == 404 ? "not_found"
                           : status == 429 ? "rate_limit_exceeded"
                           : status == 503 ? "provider_not_configured"
                                           : "gateway_error";
        body = {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
    }
    return HttpResponse{status, {{"Content-Type", "application/json"}}, body.dump()};
}

UpstreamTarget parse_upstream_url(const std::string& url, const std::string& source) {
    auto bad = [&](const std::string& why) -> Error {
        return Error(exit_usage, "invalid provider URL '" + url + "' (from " + source + "): " + why);
    };
    UpstreamTarget t;
    std::string rest;
    if (url.rfind("https://", 0) == 0) {
        t.tls = true;
        rest = url.substr(8);
    } else if (url.rfind("http://", 0) == 0) {
        t.tls = false;
        rest = url.substr(7);
    } else {
        throw bad("expected http(s)://host[:port][/path]");
    }
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    t.path_prefix = slash == std::string::npos ? "" : rest.substr(slash);
    while (!t.path_prefix.empty() && t.path_prefix.back() == '/') t.path_prefix.pop_back();
    if (authority.find('@') != std::string::npos) throw bad("credentials belong in the key variable, not the URL");
    if (t.path_prefix.find_first_of("?# ") != std::string::npos) throw bad("no query, fragment or space allowed");
    std::string host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string::npos) throw bad("unclosed '['");
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') throw bad("expected ':' after ']'");
            port = authority.substr(close + 2);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) throw bad("no host");
    if (host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != std::string::npos)
        throw bad("invalid host");
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
            std::stoi(port) > 65535)
            throw bad("invalid port");
    }
    t.host = host;
    t.port = port.empty() ? (t.tls ? "443" : "80") : port;
    return t;
}

std::vector<std::string> connection_tokens(std::string_view value) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto comma = value.find(',', start);
        std::string_view tok = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
        while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
        if (!tok.empty()) out.push_back(lower(tok));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> upstream_request_headers(const HttpRequest& request) {
    std::vector<std::string> named;
    if (const std::string* c = request.header("connection")) named = connection_tokens(*c);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, value] : request.headers) {
        if (is_hop_by_hop(name) || std::find(named.begin(), named.end(), name) != named.end()) continue;
        if (name == "host" || name == "content-length" || name == "expect" || name == "authorization" ||
            name == "x-api-key" || name == "accept-encoding")
            continue;
        out.emplace_back(name, value);
    }
    return out;
}

bool forwards_response_header(std::string_view name, const std::vector<std::string>& named) {
    if (is_hop_by_hop(name) || name == "content-length" || name == "date") return false;
    return std::find(named.begin(), named.end(), name) == named.end();
}

}  // namespace mosaic::gateway
