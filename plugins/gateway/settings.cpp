#include "settings.hpp"

#include <charconv>
#include <regex>

#include <mosaic/error.hpp>

#include "backend_url.hpp"

namespace mosaic::gateway {

namespace {

[[noreturn]] void invalid(const std::string& what, const std::string& source) {
    throw Error(exit_usage, what + " (from " + source + ")");
}

bool parse_int(const std::string& s, long long& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

int parse_port(const std::string& value, const std::string& source) {
    long long n = 0;
    if (!parse_int(value, n) || n < 1 || n > 65535)
        invalid("invalid port '" + value + "': expected a number from 1 to 65535", source);
    return static_cast<int>(n);
}

std::string parse_tier(const std::string& value, const std::string& source) {
    if (value == "local" || value == "team") return value;
    invalid("invalid storage tier '" + value + "': expected 'local' or 'team'", source);
}

std::string parse_origin(const std::string& value, const std::string& source) {
    static const std::regex origin(R"(^(https?)://([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:([0-9]{1,5}))?$)");
    std::smatch m;
    if (!std::regex_match(value, m, origin))
        invalid("invalid CORS origin '" + value + "': expected scheme://host[:port] with no path", source);
    if (m[5].matched) {
        long long p = 0;
        if (!parse_int(m[5].str(), p) || p < 1 || p > 65535)
            invalid("invalid CORS origin '" + value + "': port out of range", source);
    }
    return value;
}

// URLs may hold a password: messages quote them redacted (backend_url.hpp).
std::string parse_database_url(const std::string& value, const std::string& source) {
    try {
        parse_postgres_url(value);
    } catch (const Error& e) {
        invalid(e.what(), source);
    }
    return value;
}

std::string parse_valkey_url(const std::string& value, const std::string& source) {
    try {
        parse_valkey_target(value);
    } catch (const Error& e) {
        invalid(e.what(), source);
    }
    return value;
}

std::string parse_email(const std::string& value, const std::string& source) {
    static const std::regex email(R"(^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$)");
    if (value.size() > 254 || !std::regex_match(value, email))
        invalid("invalid email address '" + value + "'", source);
    return value;
}

std::string parse_admin_name(const std::string& value, const std::string& source) {
    if (value.find_first_not_of(" \t") == std::string::npos) invalid("the admin name must not be empty", source);
    if (value.size() > 200) invalid("the admin name is longer than 200 characters", source);
    return value;
}

void check_password(const std::string& value, const std::string& source) {
    if (value.size() < 8) invalid("the admin password must be at least 8 characters", source);
    if (value.size() > 1024) invalid("the admin password is longer than 1024 characters", source);
}

std::string parse_bind_host(const std::string& value, const std::string& source) {
    static const std::regex host(R"(^([0-9]{1,3}(\.[0-9]{1,3}){3}|::1|::|localhost)$)");
    if (!std::regex_match(value, host)) invalid("invalid bind address '" + value + "'", source);
    return value;
}

ConfigureInputs with_environment(ConfigureInputs in, const EnvLookup& env) {
    auto fill = [&](std::optional<Sourced>& slot, const char* var) {
        if (slot) return;
        if (auto v = env(var); v && !v->empty()) slot = Sourced{*v, var};
    };
    fill(in.port, key_port);
    fill(in.tier, key_tier);
    fill(in.database_url, key_database_url);
    fill(in.valkey_url, key_valkey_url);
    fill(in.cors_origin, key_cors_origin);
    fill(in.anthropic_api_key, key_anthropic_api_key);
    return in;
}

GatewaySettings resolve_settings(const ConfigureInputs& in, const GatewaySettings& base) {
    GatewaySettings s = base;
    if (in.port) s.port = parse_port(in.port->value, in.port->source);
    if (in.tier) s.tier = parse_tier(in.tier->value, in.tier->source);
    if (in.cors_origin) s.cors_origin = parse_origin(in.cors_origin->value, in.cors_origin->source);
    if (in.database_url) s.database_url = parse_database_url(in.database_url->value, in.database_url->source);
    if (in.valkey_url) s.valkey_url = parse_valkey_url(in.valkey_url->value, in.valkey_url->source);
    if (in.anthropic_api_key) s.anthropic_api_key = in.anthropic_api_key->value;
    if (s.tier == "team") {
        std::string missing;
        if (s.database_url.empty()) missing = std::string(key_database_url) + " (--database-url)";
        if (s.valkey_url.empty())
            missing += (missing.empty() ? "" : " and ") + std::string(key_valkey_url) + " (--valkey-url)";
        if (!missing.empty()) throw Error(exit_usage, "the team storage tier needs " + missing);
    } else {
        s.database_url.clear();
        s.valkey_url.clear();
    }
    return s;
}

GatewaySettings settings_from_env_values(const std::map<std::string, std::string>& values, const std::string& origin) {
    auto get = [&](const char* key) -> std::optional<std::string> {
        auto it = values.find(key);
        if (it == values.end() || it->second.empty()) return std::nullopt;
        return it->second;
    };
    auto src = [&](const char* key) { return std::string(key) + " in '" + origin + "'"; };
    GatewaySettings s;
    if (auto v = get(key_port)) s.port = parse_port(*v, src(key_port));
    else throw Error(exit_usage, std::string(key_port) + " is missing in '" + origin + "'");
    if (auto v = get(key_tier)) s.tier = parse_tier(*v, src(key_tier));
    if (auto v = get(key_host)) s.bind_host = parse_bind_host(*v, src(key_host));
    if (auto v = get(key_cors_origin)) s.cors_origin = parse_origin(*v, src(key_cors_origin));
    if (auto v = get(key_database_url)) s.database_url = parse_database_url(*v, src(key_database_url));
    if (auto v = get(key_valkey_url)) s.valkey_url = parse_valkey_url(*v, src(key_valkey_url));
    if (auto v = get(key_anthropic_api_key)) s.anthropic_api_key = *v;
    if (auto v = get(key_max_body)) {
        long long n = 0;
        if (!parse_int(*v, n) || n < 1024 || n > 64 * 1024 * 1024)
            throw Error(exit_usage, "invalid " + std::string(key_max_body) + " '" + *v + "' in '" + origin +
                                        "': expected 1024..67108864");
        s.max_body_bytes = static_cast<std::size_t>(n);
    }
    if (s.tier == "team" && (s.database_url.empty() || s.valkey_url.empty()))
        throw Error(exit_usage, "the team storage tier needs " + std::string(key_database_url) + " and " +
                                    key_valkey_url + " in '" + origin + "'");
    return s;
}

std::map<std::string, std::string> env_values_for(const GatewaySettings& s) {
    return {
        {key_host, s.bind_host},
        {key_port, std::to_string(s.port)},
        {key_tier, s.tier},
        {key_database_url, s.database_url},
        {key_valkey_url, s.valkey_url},
        {key_cors_origin, s.cors_origin},
        {key_anthropic_api_key, s.anthropic_api_key},
    };
}

}  // namespace mosaic::gateway
