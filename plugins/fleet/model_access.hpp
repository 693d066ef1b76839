// model_access.hpp - an agent's model calls through the gateway: the env-file lines that give
// its runtime the gateway's base URLs and the agent's own token (never a provider key), and
// how they are found again (to reuse the token, to pass them on, to remove them). Pure; the
// wiring asks the gateway for the token (custody.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/support/file.hpp>

namespace mosaic::fleet {

// The id of the token an env file holds, so that the next install-systemd reuses it while
// the gateway still has it active.
inline constexpr const char* key_gateway_token_id = "MOSAIC_GATEWAY_TOKEN_ID";

struct GatewayGrant {
    std::string anthropic_base_url;  // "<gateway>/anthropic"
    std::string openai_base_url;     // "<gateway>/openai/v1"
    long long token_id = 0;
    std::string token;               // mga_...
};

// The variables `runtime` reads, set to the grant:
//   claude:          ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN (sent as a bearer token)
//   codex, opencode: OPENAI_BASE_URL, OPENAI_API_KEY
//   pi, and a runtime the roster declares: both providers' base URL and key
//                    (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, OPENAI_BASE_URL, OPENAI_API_KEY)
// plus MOSAIC_GATEWAY_TOKEN_ID.
std::map<std::string, std::string> model_env_values(const std::string& runtime, const GatewayGrant& grant);

// Every key model_env_values may write, for any runtime.
const std::vector<std::string>& model_env_keys();

// The agent token an env file holds (its id and the first mga_ value under a key of
// model_env_keys), if any.
struct HeldToken {
    long long id = 0;
    std::string token;
};
std::optional<HeldToken> held_token(const support::EnvFile& file);

// The model_env_keys lines of an env file, to pass to the runtime (empty when none).
std::map<std::string, std::string> model_env_of(const support::EnvFile& file);

}  // namespace mosaic::fleet
