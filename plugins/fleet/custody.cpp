#include "custody.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

#include "model_access.hpp"

namespace mosaic::fleet {

namespace {

// True when a gateway plugin is there and its gateway is installed.
bool gateway_installed(const Context& ctx) {
    try {
        return ctx.call("gateway.status").value("installed", false);
    } catch (const Error& e) {
        if (e.code() == exit_refused) return false;  // no gateway plugin
        throw;
    }
}

}  // namespace

ExtraAgentEnv gateway_model_env(const Context& ctx, const std::filesystem::path& mosaic_home) {
    if (!gateway_installed(ctx)) return {};
    return [&ctx, mosaic_home](const Agent& agent, const support::EnvFile& existing) {
        nlohmann::json in{{"agent", agent.name}};
        auto held = held_token(existing);
        if (held) in["id"] = held->id;
        nlohmann::json reply;
        try {
            reply = ctx.call("gateway.agent_token", in);
        } catch (const Error& e) {
            throw Error(e.code(), "cannot give agent '" + agent.name + "' a gateway token: " + e.what() +
                                      " (or pass --no-gateway to leave its model access as it is)");
        }
        GatewayGrant grant{reply.value("anthropic_base_url", ""), reply.value("openai_base_url", ""),
                           reply.value("id", 0LL), reply.value("reused", false) && held ? held->token : reply.value("token", "")};
        AgentExtras extras;
        if (agent.runtime == "pi") {
            std::filesystem::path models = pi_agent_dir(mosaic_home, agent.name) / "models.json";
            extras.files.emplace_back(models, pi_models_json(support::read_file(models), models, grant));
            extras.env = model_env_values(agent.runtime, grant, models.parent_path().string());
        } else {
            extras.env = model_env_values(agent.runtime, grant);
        }
        return extras;
    };
}

std::optional<int> revoke_gateway_tokens(const Context& ctx, const std::string& agent) {
    if (!gateway_installed(ctx)) return std::nullopt;
    return ctx.call("gateway.revoke_agent_tokens", {{"agent", agent}}).value("revoked", 0);
}

}  // namespace mosaic::fleet
