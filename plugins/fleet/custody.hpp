// custody.hpp - the fleet's side of model access (wiring: it calls the gateway's services,
// docs/services.md). When a gateway is installed, each agent gets its own agent token and
// the gateway's base URLs in its env file; a token the file already holds is reused while the
// gateway still has it active; `fleet remove` revokes the agent's tokens. With no gateway
// plugin, or no installed gateway, nothing changes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <mosaic/sdk.hpp>

#include "systemd_units.hpp"

namespace mosaic::fleet {

// What install-systemd and add pass as ExtraAgentEnv: the agent's model_env_values, minting
// or reusing its token through gateway.agent_token, and for a pi agent its models.json
// (pi_models_json, in pi_agent_dir under `mosaic_home`). An empty function when there is no
// installed gateway. A gateway that is installed but cannot mint (stopped, no admin token)
// fails with its reason and says how to go on without it (--no-gateway).
ExtraAgentEnv gateway_model_env(const Context& ctx, const std::filesystem::path& mosaic_home);

// Revokes every token of `agent` through gateway.revoke_agent_tokens; std::nullopt when there
// is no installed gateway.
std::optional<int> revoke_gateway_tokens(const Context& ctx, const std::string& agent);

}  // namespace mosaic::fleet
