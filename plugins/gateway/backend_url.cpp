#include "backend_url.hpp"

#include <charconv>
#include <memory>
#include <vector>

#include <libpq-fe.h>

#include <mosaic/error.hpp>

namespace mosaic::gateway {

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// Where the user info ends ('@' index) in `rest` (the URL after "://"), or npos.
std::size_t userinfo_end(const std::string& rest) {
    // The authority ends at the first '/', '?' or '#' after the last '@' that precedes the
    // path; a password containing '/' or '?' unencoded still counts as user info.
    std::size_t query = rest.find('?');
    std::size_t at = rest.rfind('@', query == std::string::npos ? std::string::npos : query);
    return at;
}

std::string percent_decode(const std::string& s, const std::string& what, const std::string& shown) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        unsigned v = 0;
        if (i + 2 >= s.size() ||
            std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16).ptr != s.data() + i + 3)
            throw Error(exit_usage, "invalid Valkey URL '" + shown + "': bad percent-encoding in the " + what);
        out += static_cast<char>(v);
        i += 2;
    }
    return out;
}

std::string host_port(const std::string& host, const std::string& port) {
    if (host.find(':') != std::string::npos && host.find(',') == std::string::npos) return "[" + host + "]:" + port;
    return host + ":" + port;
}

}  // namespace

std::string PostgresTarget::address() const { return host_port(host, port); }
std::string ValkeyTarget::address() const { return host_port(host, std::to_string(port)); }

std::string redact_url(const std::string& url) {
    std::size_t scheme = url.find("://");
    if (scheme == std::string::npos) return url.empty() ? url : "***";
    std::string head = url.substr(0, scheme + 3), rest = url.substr(scheme + 3);
    std::size_t at = userinfo_end(rest);
    if (at != std::string::npos) {
        std::size_t colon = rest.find(':');
        if (colon != std::string::npos && colon < at) rest = rest.substr(0, colon + 1) + "***" + rest.substr(at);
    }
    // password=... in the query string (libpq accepts it there).
    std::size_t q = rest.find('?');
    while (q != std::string::npos) {
        std::size_t key = q + 1;
        std::size_t amp = rest.find('&', key);
        std::string param = rest.substr(key, amp == std::string::npos ? std::string::npos : amp - key);
        if (starts_with(param, "password=")) {
            rest = rest.substr(0, key) + "password=***" + (amp == std::string::npos ? "" : rest.substr(amp));
            amp = rest.find('&', key);
        }
        q = amp;
    }
    return head + rest;
}

std::string scrub_secret(std::string text, const std::string& url) {
    std::vector<std::string> secrets;
    std::size_t scheme = url.find("://");
    if (scheme != std::string::npos) {
        std::string rest = url.substr(scheme + 3);
        std::size_t at = userinfo_end(rest);
        std::size_t colon = rest.find(':');
        if (at != std::string::npos && colon != std::string::npos && colon < at)
            secrets.push_back(rest.substr(colon + 1, at - colon - 1));
        for (std::size_t p = rest.find("password="); p != std::string::npos; p = rest.find("password=", p + 1)) {
            std::size_t end = rest.find('&', p);
            secrets.push_back(rest.substr(p + 9, end == std::string::npos ? std::string::npos : end - p - 9));
        }
    }
    for (const auto& s : secrets) {
        if (s.empty()) continue;
        for (std::size_t p = text.find(s); p != std::string::npos; p = text.find(s, p + 3)) text.replace(p, s.size(), "***");
    }
    return text;
}

PostgresTarget parse_postgres_url(const std::string& url) {
    std::string shown = redact_url(url);
    if (!starts_with(url, "postgresql://") && !starts_with(url, "postgres://"))
        throw Error(exit_usage, "invalid database URL '" + shown + "': expected postgresql://...");
    char* err = nullptr;
    std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> opts(PQconninfoParse(url.c_str(), &err),
                                                                         PQconninfoFree);
    if (!opts) {
        std::string why = err ? err : "out of memory";
        PQfreemem(err);
        while (!why.empty() && (why.back() == '\n' || why.back() == '.')) why.pop_back();
        throw Error(exit_usage, "invalid database URL '" + shown + "': " + scrub_secret(why, url));
    }
    PostgresTarget t;
    for (auto* o = opts.get(); o->keyword; ++o) {
        std::string k = o->keyword, v = o->val ? o->val : "";
        if (k == "host" || (k == "hostaddr" && t.host.empty())) t.host = v;
        else if (k == "port") t.port = v;
        else if (k == "dbname") t.dbname = v;
        else if (k == "user") t.user = v;
    }
    if (t.host.empty())
        throw Error(exit_usage, "invalid database URL '" + shown + "': no host (the gateway connects over TCP)");
    if (t.port.empty()) t.port = "5432";
    if (t.port.find(',') == std::string::npos) {
        int p = 0;
        auto [ptr, ec] = std::from_chars(t.port.data(), t.port.data() + t.port.size(), p);
        if (ec != std::errc() || ptr != t.port.data() + t.port.size() || p < 1 || p > 65535)
            throw Error(exit_usage, "invalid database URL '" + shown + "': port '" + t.port + "' is not 1..65535");
    }
    return t;
}

ValkeyTarget parse_valkey_target(const std::string& url) {
    std::string shown = redact_url(url);
    auto bad = [&](const std::string& why) { return Error(exit_usage, "invalid Valkey URL '" + shown + "': " + why); };
    if (starts_with(url, "rediss://") || starts_with(url, "valkeys://"))
        throw bad("TLS is not supported by this build (hiredis without TLS); use redis:// or valkey://");
    std::string rest;
    if (starts_with(url, "redis://")) rest = url.substr(8);
    else if (starts_with(url, "valkey://")) rest = url.substr(9);
    else throw bad("expected redis://... or valkey://...");
    ValkeyTarget t;
    if (std::size_t at = userinfo_end(rest); at != std::string::npos) {
        std::string info = rest.substr(0, at);
        rest = rest.substr(at + 1);
        std::size_t colon = info.find(':');
        if (colon == std::string::npos) {
            // redis://secret@host is the old form of redis://:secret@host.
            t.password = percent_decode(info, "password", shown);
        } else {
            t.user = percent_decode(info.substr(0, colon), "user name", shown);
            t.password = percent_decode(info.substr(colon + 1), "password", shown);
        }
    }
    if (rest.find('?') != std::string::npos || rest.find('#') != std::string::npos)
        throw bad("query parameters are not supported");
    std::string path;
    if (std::size_t slash = rest.find('/'); slash != std::string::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    std::string port;
    if (!rest.empty() && rest[0] == '[') {
        std::size_t close = rest.find(']');
        if (close == std::string::npos) throw bad("unterminated IPv6 address");
        t.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') throw bad("unexpected text after the IPv6 address");
            port = rest.substr(close + 2);
        }
    } else if (std::size_t colon = rest.rfind(':'); colon != std::string::npos) {
        t.host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    } else {
        t.host = rest;
    }
    if (t.host.empty()) throw bad("no host");
    if (t.host.find_first_of(" \t@") != std::string::npos) throw bad("invalid host");
    if (!port.empty() || rest.back() == ':') {
        auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), t.port);
        if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || t.port < 1 || t.port > 65535)
            throw bad("port '" + port + "' is not 1..65535");
    }
    if (!path.empty()) {
        auto [ptr, ec] = std::from_chars(path.data(), path.data() + path.size(), t.db);
        if (ec != std::errc() || ptr != path.data() + path.size() || t.db < 0 || t.db > 1000000)
            throw bad("database '" + path + "' is not a number");
    }
    return t;
}

std::string with_database(const std::string& url, const std::string& dbname) {
    std::size_t scheme = url.find("://");
    if (scheme == std::string::npos) throw Error(exit_usage, "invalid database URL '" + redact_url(url) + "'");
    std::size_t start = scheme + 3;
    std::size_t at = userinfo_end(url.substr(start));
    std::size_t host_start = at == std::string::npos ? start : start + at + 1;
    std::size_t path = url.find_first_of("/?", host_start);
    std::string query;
    if (path != std::string::npos) {
        std::size_t q = url.find('?', path);
        if (q != std::string::npos) query = url.substr(q);
    }
    return url.substr(0, path == std::string::npos ? url.size() : path) + "/" + dbname + query;
}

}  // namespace mosaic::gateway
