// Everything the wizard will apply, and how it is assembled: defaults, then what an earlier
// run left, then the environment (docs/behaviour.md, "wizard"); the interactive sections refine it.
// Pure: the environment arrives as a lookup function, errors are mosaic::Error naming the
// variable (exit 2), and no message contains a secret.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "existing.hpp"
#include "identity.hpp"
#include "provider.hpp"
#include "section.hpp"

namespace mosaic::wizard {

inline constexpr const char* default_admin_name = "Admin";

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Gateway values that were chosen (environment or prompt). Unset ones are not sent, so an
// installed gateway keeps what it has and a new one takes its defaults.
struct GatewayChoices {
    std::optional<int> port;
    std::optional<std::string> tier, database_url, valkey_url, cors_origin;
};

struct Answers {
    std::string agent_name = default_agent_name;
    std::string intent = default_intent;
    std::optional<std::string> intent_description;  // intent "custom" only

    std::optional<Provider> provider;     // whose key is stored or about to be
    std::optional<std::string> new_key;   // a key to write now (never printed)
    bool provider_skipped = false;        // the user declined to give a key; never asked again

    bool hooks = true;

    GatewayChoices gateway;
    std::string admin_name = default_admin_name;
    std::optional<std::string> admin_email, admin_password;
};

// Defaults, then `existing`, then the environment: MOSAIC_AGENT_NAME, MOSAIC_AGENT_INTENT,
// MOSAIC_SKIP_CLAUDE_HOOKS, MOSAIC_ANTHROPIC_API_KEY / MOSAIC_OPENAI_API_KEY, the gateway
// variables (MOSAIC_GATEWAY_PORT, MOSAIC_STORAGE_TIER, MOSAIC_DATABASE_URL,
// MOSAIC_VALKEY_URL, MOSAIC_CORS_ORIGIN) and MOSAIC_ADMIN_NAME/EMAIL/PASSWORD. An empty
// variable counts as unset. Throws mosaic::Error(exit_usage) naming the first bad variable.
Answers initial_answers(const Existing& existing, const EnvLookup& env);

// Headless: what no prompt can supply must be there before anything is written. Needs the
// admin email and password when the gateway stage runs and no admin exists, and the team
// URLs for a team tier. Throws mosaic::Error(exit_usage) naming the variable.
void require_headless_values(const Answers& answers, const Existing& existing, const std::set<Stage>& stages);

// The effective gateway values (chosen, else what is installed, else the gateway's defaults).
int effective_port(const Answers& a, const Existing& ex);
std::string effective_tier(const Answers& a, const Existing& ex);
std::string effective_cors_origin(const Answers& a, const Existing& ex);
bool needs_admin(const Existing& ex);  // the gateway has no admin yet

// The key that goes with the provider (a new one, else the stored one).
std::optional<std::string> provider_key(const Answers& a, const Existing& ex);

// Service inputs (docs/services.md).
nlohmann::json config_values(const Answers& a);  // agent.*, provider.*
// gateway.configure: only what was chosen, and the provider key (anthropic_api_key or
// openai_api_key, by the key's provider) for a gateway not installed
// yet. An installed gateway gets a new key through gateway.set instead (set_input), which
// keeps its admin token; configure with a new value would reconfigure it and drop the token.
nlohmann::json configure_input(const Answers& a, const Existing& ex);
// gateway.set for a key given now to an installed gateway; std::nullopt when there is none.
std::optional<nlohmann::json> set_input(const Answers& a, const Existing& ex);
nlohmann::json bootstrap_input(const Answers& a);

}  // namespace mosaic::wizard
