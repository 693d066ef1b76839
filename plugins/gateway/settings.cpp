#include "settings.hpp"

#include <charconv>
#include <regex>

#include <mosaic/error.hpp>
#include <mosaic/support/text.hpp>

#include "backend_url.hpp"
#include "provider.hpp"

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
    // It is shown in lists and logs, where a line break would forge a line.
    if (support::has_control_character(value))
        invalid("the admin name holds a control character (a line break or tab); use one line of text", source);
    if (!support::is_valid_utf8(value)) invalid("the admin name is not UTF-8 text", source);
    return value;
}

std::vector<std::string> parse_allowed_hosts(const std::string& value, const std::string& source) {
    static const std::regex name(R"(^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$)");
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= value.size()) {
        std::size_t comma = value.find(',', start);
        std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) {
            if (!std::regex_match(item, name))
                invalid("invalid host name '" + support::escape_for_message(item) +
                            "': expected names like gateway.example.org, separated by commas",
                        source);
            out.push_back(item);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
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

std::string parse_provider_url(const std::string& value, const std::string& source) {
    parse_upstream_url(value, source);  // throws naming the value and source
    std::string v = value;
    while (v.size() > 8 && v.back() == '/') v.pop_back();
    return v;
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
    fill(in.openai_api_key, key_openai_api_key);
    fill(in.anthropic_base_url, key_anthropic_base_url);
    fill(in.openai_base_url, key_openai_base_url);
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
    if (in.openai_api_key) s.openai_api_key = in.openai_api_key->value;
    if (in.anthropic_base_url)
        s.anthropic_base_url = parse_provider_url(in.anthropic_base_url->value, in.anthropic_base_url->source);
    if (in.openai_base_url) s.openai_base_url = parse_provider_url(in.openai_base_url->value, in.openai_base_url->source);
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
    if (auto v = get(key_openai_api_key)) s.openai_api_key = *v;
    if (auto v = get(key_anthropic_base_url)) s.anthropic_base_url = parse_provider_url(*v, src(key_anthropic_base_url));
    if (auto v = get(key_openai_base_url)) s.openai_base_url = parse_provider_url(*v, src(key_openai_base_url));
    if (auto v = get(key_allowed_hosts)) s.allowed_hosts = parse_allowed_hosts(*v, src(key_allowed_hosts));
    // A whole number in [low, high] from `key`, or `fallback` when the key is absent.
    auto number = [&](const char* key, long long low, long long high, long long fallback) {
        auto v = get(key);
        if (!v) return fallback;
        long long n = 0;
        if (!parse_int(*v, n) || n < low || n > high)
            throw Error(exit_usage, "invalid " + std::string(key) + " '" + *v + "' in '" + origin + "': expected " +
                                        std::to_string(low) + ".." + std::to_string(high));
        return n;
    };
    s.max_body_bytes = static_cast<std::size_t>(number(key_max_body, 1024, 64 * 1024 * 1024, default_max_body_bytes));
    EngineSettings& e = s.engine;
    e.threads = static_cast<int>(number(key_threads, 0, 256, e.threads));
    e.workers = static_cast<int>(number(key_workers, 1, 256, e.workers));
    e.head_timeout_s = static_cast<int>(number(key_head_timeout, 1, 3600, e.head_timeout_s));
    e.body_timeout_s = static_cast<int>(number(key_body_timeout, 1, 3600, e.body_timeout_s));
    e.idle_timeout_s = static_cast<int>(number(key_idle_timeout, 1, 86400, e.idle_timeout_s));
    e.max_connections = static_cast<int>(number(key_max_connections, 1, 1'000'000, e.max_connections));
    e.max_connections_per_client =
        static_cast<int>(number(key_max_connections_per_client, 1, 1'000'000, e.max_connections_per_client));
    e.upstream_connect_timeout_s =
        static_cast<int>(number(key_upstream_connect_timeout, 1, 600, e.upstream_connect_timeout_s));
    e.upstream_idle_timeout_s = static_cast<int>(number(key_upstream_idle_timeout, 1, 86400, e.upstream_idle_timeout_s));
    e.max_model_body_bytes = static_cast<std::size_t>(
        number(key_max_model_body, 1024, 1024LL * 1024 * 1024, static_cast<long long>(e.max_model_body_bytes)));
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
        {key_openai_api_key, s.openai_api_key},
        {key_anthropic_base_url, s.anthropic_base_url},
        {key_openai_base_url, s.openai_base_url},
    };
}

}  // namespace mosaic::gateway
