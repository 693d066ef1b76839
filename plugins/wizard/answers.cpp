#include "answers.hpp"

#include <mosaic/error.hpp>

#include "validate.hpp"

namespace mosaic::wizard {

namespace {

std::optional<std::string> lookup(const EnvLookup& env, const std::string& name) {
    auto v = env(name);
    if (!v || v->empty()) return std::nullopt;
    return v;
}

[[noreturn]] void bad(const std::string& var, const std::string& problem, const std::optional<std::string>& shown) {
    std::string msg = "'" + var + "' " + problem;
    if (shown) msg += ", not '" + *shown + "'";
    throw Error(exit_usage, msg);
}

// A non-secret variable that must pass `check`.
std::optional<std::string> checked(const EnvLookup& env, const std::string& var,
                                   std::optional<std::string> (*check)(std::string_view)) {
    auto v = lookup(env, var);
    if (v)
        if (auto problem = check(*v)) bad(var, *problem, v);
    return v;
}

}  // namespace

Answers initial_answers(const Existing& ex, const EnvLookup& env) {
    Answers a;
    if (ex.agent_name && !check_agent_name(*ex.agent_name)) a.agent_name = *ex.agent_name;
    if (ex.intent && find_intent(*ex.intent)) a.intent = *ex.intent;
    if (a.intent == "custom") a.intent_description = ex.intent_description;
    if (auto v = checked(env, "MOSAIC_AGENT_NAME", &check_agent_name)) a.agent_name = *v;
    if (auto v = lookup(env, "MOSAIC_AGENT_INTENT")) {
        if (!find_intent(*v)) bad("MOSAIC_AGENT_INTENT", "must be one of " + intent_ids_joined(), v);
        if (*v != a.intent) a.intent_description.reset();
        a.intent = *v;
    }

    // Provider: a key in the environment wins over the stored one; otherwise a stored key or
    // an earlier explicit skip stands.
    if (ex.key) a.provider = ex.key->first;
    a.provider_skipped = ex.provider_skipped && !ex.key;
    for (auto [var, p] : {std::pair{"MOSAIC_ANTHROPIC_API_KEY", Provider::anthropic},
                          std::pair{"MOSAIC_OPENAI_API_KEY", Provider::openai}}) {
        auto key = lookup(env, var);
        if (!key) continue;
        a.provider = p;
        a.provider_skipped = false;
        bool stored = ex.key && ex.key->first == p && ex.key->second == *key;
        if (!stored) a.new_key = *key;
        break;
    }

    if (ex.hooks) a.hooks = *ex.hooks;
    if (auto v = lookup(env, "MOSAIC_SKIP_CLAUDE_HOOKS")) {
        auto skip = parse_switch(*v);
        if (auto* problem = std::get_if<std::string>(&skip)) bad("MOSAIC_SKIP_CLAUDE_HOOKS", *problem, v);
        a.hooks = !std::get<bool>(skip);
    }

    if (auto v = lookup(env, "MOSAIC_GATEWAY_PORT")) {
        auto port = parse_port(*v);
        if (auto* problem = std::get_if<std::string>(&port)) bad("MOSAIC_GATEWAY_PORT", *problem, v);
        a.gateway.port = std::get<int>(port);
    }
    a.gateway.tier = checked(env, "MOSAIC_STORAGE_TIER", &check_tier);
    a.gateway.database_url = checked(env, "MOSAIC_DATABASE_URL", &check_database_url);
    a.gateway.valkey_url = checked(env, "MOSAIC_VALKEY_URL", &check_valkey_url);
    a.gateway.cors_origin = checked(env, "MOSAIC_CORS_ORIGIN", &check_origin);

    if (auto v = checked(env, "MOSAIC_ADMIN_NAME", &check_agent_name)) a.admin_name = *v;
    a.admin_email = checked(env, "MOSAIC_ADMIN_EMAIL", &check_email);
    if (auto v = lookup(env, "MOSAIC_ADMIN_PASSWORD")) {
        if (auto problem = check_password(*v)) bad("MOSAIC_ADMIN_PASSWORD", *problem, std::nullopt);
        a.admin_password = *v;
    }
    return a;
}

void require_headless_values(const Answers& a, const Existing& ex, const std::set<Stage>& stages) {
    if (!stages.count(Stage::gateway) || !ex.gateway_plugin) return;
    if (effective_tier(a, ex) == "team" && !(ex.gateway.installed && ex.gateway.tier == "team")) {
        if (!a.gateway.database_url)
            throw Error(exit_usage, "'MOSAIC_DATABASE_URL' is required for the team tier (postgresql://...)");
        if (!a.gateway.valkey_url)
            throw Error(exit_usage, "'MOSAIC_VALKEY_URL' is required for the team tier (redis:// or valkey://...)");
    }
    if (!needs_admin(ex)) return;
    const std::string why = " to create the gateway admin without a terminal";
    if (!a.admin_email) throw Error(exit_usage, "'MOSAIC_ADMIN_EMAIL' is required" + why);
    if (!a.admin_password)
        throw Error(exit_usage, "'MOSAIC_ADMIN_PASSWORD' is required" + why + " (at least " +
                                    std::to_string(min_password_length) + " characters)");
}

int effective_port(const Answers& a, const Existing& ex) {
    if (a.gateway.port) return *a.gateway.port;
    if (ex.gateway.installed && ex.gateway.port) return *ex.gateway.port;
    return ex.gateway_defaults.port;
}

std::string effective_tier(const Answers& a, const Existing& ex) {
    if (a.gateway.tier) return *a.gateway.tier;
    if (ex.gateway.installed && !ex.gateway.tier.empty()) return ex.gateway.tier;
    return ex.gateway_defaults.tier;
}

std::string effective_cors_origin(const Answers& a, const Existing& ex) {
    return a.gateway.cors_origin.value_or(ex.gateway_defaults.cors_origin);
}

bool needs_admin(const Existing& ex) { return ex.gateway.admin_exists != true; }

std::optional<std::string> provider_key(const Answers& a, const Existing& ex) {
    if (a.new_key) return a.new_key;
    if (a.provider && ex.key && ex.key->first == *a.provider) return ex.key->second;
    return std::nullopt;
}

nlohmann::json config_values(const Answers& a) {
    nlohmann::json v = {
        {"agent.name", a.agent_name},
        {"agent.intent", a.intent},
        {"provider.name", a.provider ? nlohmann::json(provider_id(*a.provider)) : nlohmann::json()},
        {"provider.skipped", a.provider_skipped},
    };
    if (a.intent == "custom" && a.intent_description) v["agent.intent_description"] = *a.intent_description;
    return v;
}

nlohmann::json configure_input(const Answers& a, const Existing& ex) {
    nlohmann::json in = {{"force_reconfigure", false}};
    if (a.gateway.port) in["port"] = *a.gateway.port;
    if (a.gateway.tier) in["tier"] = *a.gateway.tier;
    if (a.gateway.database_url) in["database_url"] = *a.gateway.database_url;
    if (a.gateway.valkey_url) in["valkey_url"] = *a.gateway.valkey_url;
    if (a.gateway.cors_origin) in["cors_origin"] = *a.gateway.cors_origin;
    if (!ex.gateway.installed && a.provider)
        if (auto key = provider_key(a, ex)) in[gateway_key_field(*a.provider)] = *key;
    return in;
}

std::optional<nlohmann::json> set_input(const Answers& a, const Existing& ex) {
    if (!ex.gateway.installed || !a.provider || !a.new_key) return std::nullopt;
    return nlohmann::json{{gateway_key_field(*a.provider), *a.new_key}};
}

nlohmann::json bootstrap_input(const Answers& a) {
    nlohmann::json in = {{"name", a.admin_name}};
    if (a.admin_email) in["email"] = *a.admin_email;
    if (a.admin_password) in["password"] = *a.admin_password;
    return in;
}

}  // namespace mosaic::wizard
