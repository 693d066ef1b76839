// model_access.hpp - an agent's model calls through the gateway: the env-file lines that give
// its runtime the gateway's base URLs and the agent's own token (never a provider key), and
// how they are found again (to reuse the token, to pass them on, to remove them). Pure; the
// wiring asks the gateway for the token (custody.cpp).
#pragma once

#include <filesystem>
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
//                    (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, OPENAI_BASE_URL, OPENAI_API_KEY);
//                    pi also PI_CODING_AGENT_DIR = `pi_dir` (see pi_models_json)
// plus MOSAIC_GATEWAY_TOKEN_ID.
std::map<std::string, std::string> model_env_values(const std::string& runtime, const GatewayGrant& grant,
                                                    const std::string& pi_dir = "");

// Pi reads its keys from ANTHROPIC_API_KEY and OPENAI_API_KEY but its base URLs only from
// `models.json` in its agent directory (PI_CODING_AGENT_DIR, else ~/.pi/agent): a provider
// entry there with only `baseUrl` routes that built-in provider elsewhere and keeps its models.
// Each pi agent gets a directory of its own, <home>/fleet/agents/<agent>.pi (private like the
// env files: Pi keeps its sessions and logins there), so its calls cannot leave through the
// user's own Pi settings or stored logins.
std::filesystem::path pi_agent_dir(const std::filesystem::path& mosaic_home, const std::string& agent);

// `existing` (the models.json there, if any) with providers.anthropic.baseUrl and
// providers.openai.baseUrl set to the grant's URLs; every other key kept. A file that does not
// parse, or is not an object with an object `providers`, throws mosaic::Error naming `path`
// (nothing is written).
std::string pi_models_json(const std::optional<std::string>& existing, const std::filesystem::path& path,
                           const GatewayGrant& grant);

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
