// settings.hpp - what a gateway is configured with, where each value comes from, and the
// validation of every value (pure functions; errors are mosaic::Error(exit_usage) naming the
// flag, variable or field the bad value came from).
//
// Precedence (docs/behaviour.md, "gateway"): explicit input (flag or service field) > environment >
// saved configuration (on reconfiguration) > defaults.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::gateway {

inline constexpr int default_port = 14242;
inline constexpr const char* default_tier = "local";
inline constexpr const char* default_cors_origin = "http://localhost:3000";
inline constexpr const char* default_bind_host = "127.0.0.1";
inline constexpr std::size_t default_max_body_bytes = 64 * 1024;

// How the daemon's HTTP engine is sized and bounded (http_server.hpp). Read from .env only;
// install never writes these keys, so a value set by hand survives reconfiguration.
struct EngineSettings {
    int threads = 0;                 // MOSAIC_GATEWAY_THREADS: I/O threads, 0 = one per core
    int workers = 4;                 // MOSAIC_GATEWAY_WORKERS: storage and password-hashing threads
    int head_timeout_s = 10;         // MOSAIC_GATEWAY_HEAD_TIMEOUT: whole request head
    int body_timeout_s = 30;         // MOSAIC_GATEWAY_BODY_TIMEOUT: whole request body
    int idle_timeout_s = 60;         // MOSAIC_GATEWAY_IDLE_TIMEOUT: kept-alive connection between requests
    int max_connections = 10000;     // MOSAIC_GATEWAY_MAX_CONNECTIONS: in total
    int max_connections_per_client = 1000;  // MOSAIC_GATEWAY_MAX_CONNECTIONS_PER_CLIENT: per address
    int upstream_connect_timeout_s = 10;     // MOSAIC_UPSTREAM_CONNECT_TIMEOUT: to a model provider (TCP + TLS)
    int upstream_idle_timeout_s = 300;       // MOSAIC_UPSTREAM_IDLE_TIMEOUT: between two bytes from a provider
    std::size_t max_model_body_bytes = 32 * 1024 * 1024;  // MOSAIC_GATEWAY_MAX_MODEL_BODY_BYTES: a model call's body
    bool operator==(const EngineSettings&) const = default;
};

// The effective, validated configuration of a gateway.
struct GatewaySettings {
    int port = default_port;
    std::string tier = default_tier;          // "local" or "team"
    std::string database_url;                 // team only
    std::string valkey_url;                   // team only
    std::string cors_origin = default_cors_origin;
    std::string anthropic_api_key;            // optional: the model routes need it (only the daemon holds it)
    std::string openai_api_key;               // optional, likewise
    std::string anthropic_base_url = "https://api.anthropic.com";
    std::string openai_base_url = "https://api.openai.com";
    std::string bind_host = default_bind_host;
    std::size_t max_body_bytes = default_max_body_bytes;
    EngineSettings engine;
    // Host names browsers may reach the daemon by besides localhost and IP addresses
    // (MOSAIC_GATEWAY_ALLOWED_HOSTS, a line of .env the user writes; install keeps it).
    std::vector<std::string> allowed_hosts;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
    bool operator==(const GatewaySettings&) const = default;
};

// A raw value and the name of where it came from ("--port", "MOSAIC_GATEWAY_PORT", "port").
struct Sourced {
    std::string value;
    std::string source;
};

// Raw, unvalidated inputs for one configuration run.
struct ConfigureInputs {
    std::optional<Sourced> port, tier, database_url, valkey_url, cors_origin, anthropic_api_key, openai_api_key,
        anthropic_base_url, openai_base_url;
    bool force_reconfigure = false;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Validators: each returns the normalised value or throws mosaic::Error(exit_usage) whose
// message quotes the value (never for secrets) and names `source`.
int parse_port(const std::string& value, const std::string& source);
std::string parse_tier(const std::string& value, const std::string& source);
std::string parse_origin(const std::string& value, const std::string& source);
std::string parse_database_url(const std::string& value, const std::string& source);
std::string parse_valkey_url(const std::string& value, const std::string& source);
std::string parse_email(const std::string& value, const std::string& source);
std::string parse_admin_name(const std::string& value, const std::string& source);
void check_password(const std::string& value, const std::string& source);  // never quotes it
std::string parse_bind_host(const std::string& value, const std::string& source);
// A provider's base URL: http(s)://host[:port][/path] (plain http for local model servers).
std::string parse_provider_url(const std::string& value, const std::string& source);
// "a.example, b.example" -> {"a.example", "b.example"}
std::vector<std::string> parse_allowed_hosts(const std::string& value, const std::string& source);

// Fills every input not given explicitly from the environment (MOSAIC_GATEWAY_PORT, ...).
ConfigureInputs with_environment(ConfigureInputs in, const EnvLookup& env);

// Validates `in` on top of `base` (saved settings or defaults). Team tier requires both URLs
// (missing ones are named in the error); switching to local drops them.
GatewaySettings resolve_settings(const ConfigureInputs& in, const GatewaySettings& base);

// The daemon's view: .env values -> settings. Errors name the .env path and key.
GatewaySettings settings_from_env_values(const std::map<std::string, std::string>& values, const std::string& origin);
// The keys this plugin owns in .env, in a stable order, with the auth secret.
std::map<std::string, std::string> env_values_for(const GatewaySettings& s);

// .env key names.
inline constexpr const char* key_port = "MOSAIC_GATEWAY_PORT";
inline constexpr const char* key_host = "MOSAIC_GATEWAY_HOST";
inline constexpr const char* key_tier = "MOSAIC_STORAGE_TIER";
inline constexpr const char* key_database_url = "MOSAIC_DATABASE_URL";
inline constexpr const char* key_valkey_url = "MOSAIC_VALKEY_URL";
inline constexpr const char* key_cors_origin = "MOSAIC_CORS_ORIGIN";
inline constexpr const char* key_anthropic_api_key = "MOSAIC_ANTHROPIC_API_KEY";
inline constexpr const char* key_openai_api_key = "MOSAIC_OPENAI_API_KEY";
inline constexpr const char* key_anthropic_base_url = "MOSAIC_ANTHROPIC_BASE_URL";
inline constexpr const char* key_openai_base_url = "MOSAIC_OPENAI_BASE_URL";
inline constexpr const char* key_upstream_connect_timeout = "MOSAIC_UPSTREAM_CONNECT_TIMEOUT";
inline constexpr const char* key_upstream_idle_timeout = "MOSAIC_UPSTREAM_IDLE_TIMEOUT";
inline constexpr const char* key_max_model_body = "MOSAIC_GATEWAY_MAX_MODEL_BODY_BYTES";
inline constexpr const char* key_auth_secret = "MOSAIC_AUTH_SECRET";
inline constexpr const char* key_max_body = "MOSAIC_GATEWAY_MAX_BODY_BYTES";
inline constexpr const char* key_threads = "MOSAIC_GATEWAY_THREADS";
inline constexpr const char* key_workers = "MOSAIC_GATEWAY_WORKERS";
inline constexpr const char* key_head_timeout = "MOSAIC_GATEWAY_HEAD_TIMEOUT";
inline constexpr const char* key_body_timeout = "MOSAIC_GATEWAY_BODY_TIMEOUT";
inline constexpr const char* key_idle_timeout = "MOSAIC_GATEWAY_IDLE_TIMEOUT";
inline constexpr const char* key_max_connections = "MOSAIC_GATEWAY_MAX_CONNECTIONS";
inline constexpr const char* key_max_connections_per_client = "MOSAIC_GATEWAY_MAX_CONNECTIONS_PER_CLIENT";
inline constexpr const char* key_allowed_hosts = "MOSAIC_GATEWAY_ALLOWED_HOSTS";

}  // namespace mosaic::gateway
