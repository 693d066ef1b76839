// settings.hpp - what a gateway is configured with, where each value comes from, and the
// validation of every value (pure functions; errors are mosaic::Error(exit_usage) naming the
// flag, variable or field the bad value came from).
//
// Precedence (SPEC section 2): explicit input (flag or service field) > environment >
// saved configuration (on reconfiguration) > defaults.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace mosaic::gateway {

inline constexpr int default_port = 14242;
inline constexpr const char* default_tier = "local";
inline constexpr const char* default_cors_origin = "http://localhost:3000";
inline constexpr const char* default_bind_host = "127.0.0.1";
inline constexpr std::size_t default_max_body_bytes = 64 * 1024;

// The effective, validated configuration of a gateway.
struct GatewaySettings {
    int port = default_port;
    std::string tier = default_tier;          // "local" or "team"
    std::string database_url;                 // team only
    std::string valkey_url;                   // team only
    std::string cors_origin = default_cors_origin;
    std::string anthropic_api_key;            // optional, handed to the daemon
    std::string bind_host = default_bind_host;
    std::size_t max_body_bytes = default_max_body_bytes;

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
    std::optional<Sourced> port, tier, database_url, valkey_url, cors_origin, anthropic_api_key;
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
inline constexpr const char* key_auth_secret = "MOSAIC_AUTH_SECRET";
inline constexpr const char* key_max_body = "MOSAIC_GATEWAY_MAX_BODY_BYTES";

}  // namespace mosaic::gateway
