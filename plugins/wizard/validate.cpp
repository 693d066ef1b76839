#include "validate.hpp"

#include <algorithm>
#include <cctype>

namespace mosaic::wizard {

namespace {

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
    for (auto p : prefixes)
        if (s.substr(0, p.size()) == p && s.size() > p.size()) return true;
    return false;
}

bool has_space_or_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f || u == ' ';
    });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::optional<std::string> check_password(std::string_view password) {
    if (password.size() < min_password_length)
        return "must be at least " + std::to_string(min_password_length) + " characters";
    return std::nullopt;
}

std::optional<std::string> check_email(std::string_view email) {
    auto at = email.find('@');
    bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
              email.find('@', at + 1) == std::string_view::npos && !has_space_or_control(email);
    if (!ok) return "must be an email address such as 'admin@example.com'";
    return std::nullopt;
}

std::optional<std::string> check_agent_name(std::string_view name) {
    if (name.empty()) return "must not be empty";
    if (name.size() > 64) return "must be at most 64 characters";
    bool control = std::any_of(name.begin(), name.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
    if (control) return "must not contain control characters";
    return std::nullopt;
}

std::optional<std::string> check_origin(std::string_view origin) {
    const std::string problem = "must be an origin such as 'http://localhost:3000' (scheme://host[:port])";
    std::string_view rest;
    if (origin.substr(0, 7) == "http://") rest = origin.substr(7);
    else if (origin.substr(0, 8) == "https://") rest = origin.substr(8);
    else return problem;
    if (rest.empty() || has_space_or_control(rest) || rest.find_first_of("/?#@") != std::string_view::npos)
        return problem;
    auto colon = rest.rfind(':');
    if (rest.front() == '[') {  // [::1]:port
        auto close = rest.find(']');
        if (close == std::string_view::npos) return problem;
        colon = rest.find(':', close);
        if (colon != std::string_view::npos && colon != close + 1) return problem;
    }
    if (colon != std::string_view::npos) {
        if (colon == 0) return problem;
        if (std::holds_alternative<std::string>(parse_port(rest.substr(colon + 1)))) return problem;
    }
    return std::nullopt;
}

std::optional<std::string> check_database_url(std::string_view url) {
    if (!starts_with_any(url, {"postgresql://", "postgres://"}) || has_space_or_control(url))
        return "must be a PostgreSQL URL such as 'postgresql://user@host:5432/mosaic'";
    return std::nullopt;
}

std::optional<std::string> check_valkey_url(std::string_view url) {
    if (!starts_with_any(url, {"redis://", "rediss://", "valkey://", "valkeys://"}) || has_space_or_control(url))
        return "must be a Valkey or Redis URL such as 'redis://host:6379'";
    return std::nullopt;
}

std::optional<std::string> check_tier(std::string_view tier) {
    if (tier != "local" && tier != "team") return "must be 'local' or 'team'";
    return std::nullopt;
}

std::variant<int, std::string> parse_port(std::string_view text) {
    const std::string problem = "must be a port number from 1 to 65535";
    if (text.empty() || text.size() > 5) return problem;
    int port = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return problem;
        port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return problem;
    return port;
}

std::variant<bool, std::string> parse_switch(std::string_view text) {
    std::string v = lower(text);
    if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
    if (v.empty() || v == "0" || v == "false" || v == "no" || v == "off") return false;
    return std::string("must be 1 or 0");
}

}  // namespace mosaic::wizard
