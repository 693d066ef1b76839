// provider.hpp - the model providers the gateway fronts: where each one is, the key only the
// gateway holds, how that key is presented, and the provider's own error shape (so that an
// agent's SDK shows the gateway's refusals as it shows the provider's).
//
//   /anthropic/<rest>  ->  MOSAIC_ANTHROPIC_BASE_URL/<rest>   key as `x-api-key`
//   /openai/<rest>     ->  MOSAIC_OPENAI_BASE_URL/<rest>      key as `Authorization: Bearer`
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_message.hpp"
#include "usage_meter.hpp"

namespace mosaic::gateway {

struct ProviderConfig {
    ProviderKind kind = ProviderKind::anthropic;
    std::string name;          // "anthropic", "openai"
    std::string base_url;      // "https://api.anthropic.com", may have a path ("http://host:8080/v1")
    std::string api_key;       // empty: not configured
    std::string key_variable;  // where the key is set: "MOSAIC_ANTHROPIC_API_KEY"
};

inline constexpr const char* default_anthropic_base_url = "https://api.anthropic.com";
inline constexpr const char* default_openai_base_url = "https://api.openai.com";

// "/anthropic/v1/messages" -> the provider and "/v1/messages"; nullopt for other paths.
struct ProviderRoute {
    ProviderKind kind;
    std::string upstream_path;  // begins with '/'
};
std::optional<ProviderRoute> provider_route(std::string_view path);

// The provider's error document with the gateway's status and message. `kind` picks the shape;
// the type is derived from the status (authentication, permission, rate limit, ...).
HttpResponse provider_error(ProviderKind kind, int status, const std::string& message);

// A base URL split for connecting: "https://api.anthropic.com" -> tls, host, "443", "".
struct UpstreamTarget {
    bool tls = true;
    std::string host;
    std::string port;
    std::string path_prefix;  // without a trailing '/'
};
// Throws mosaic::Error(exit_usage) naming `source` for anything but http(s)://host[:port][/path].
UpstreamTarget parse_upstream_url(const std::string& url, const std::string& source);

// The request headers that go upstream: everything the client sent but hop-by-hop fields
// (RFC 9110 7.6.1, with those named in Connection), framing, Host, Expect, the client's
// credentials (Authorization, x-api-key) and Accept-Encoding (the gateway reads usage from the
// answer, so it asks for it unencoded).
std::vector<std::pair<std::string, std::string>> upstream_request_headers(const HttpRequest& request);
// The answer's headers that go back to the client: all but hop-by-hop fields, framing and Date.
bool forwards_response_header(std::string_view lowercase_name, const std::vector<std::string>& connection_tokens);
// The lowercased tokens of a Connection header value.
std::vector<std::string> connection_tokens(std::string_view value);

}  // namespace mosaic::gateway
