#include "existing.hpp"

#include <mosaic/support/file.hpp>

namespace mosaic::wizard {

namespace {

std::optional<std::string> string_value(const Settings& s, const std::string& key) {
    auto v = s.get(key);
    if (v && v->is_string()) return v->get<std::string>();
    return std::nullopt;
}

}  // namespace

GatewayStatus parse_gateway_status(const nlohmann::json& reply) {
    GatewayStatus st;
    if (!reply.is_object()) return st;
    st.installed = reply.value("installed", false);
    st.running = reply.value("running", false);
    st.healthy = reply.value("healthy", false);
    if (reply.contains("url") && reply["url"].is_string()) st.url = reply["url"];
    if (reply.contains("port") && reply["port"].is_number_integer()) st.port = reply["port"].get<int>();
    if (reply.contains("tier") && reply["tier"].is_string()) st.tier = reply["tier"];
    if (reply.contains("admin_exists") && reply["admin_exists"].is_boolean()) st.admin_exists = reply["admin_exists"].get<bool>();
    st.token_stored = reply.value("token_stored", false);
    return st;
}

GatewayDefaults parse_gateway_defaults(const nlohmann::json& reply) {
    auto bad = [](const char* field) {
        return Error(exit_failed, std::string("the gateway's defaults (gateway.defaults) lack '") + field + "'");
    };
    if (!reply.is_object() || !reply.contains("port") || !reply["port"].is_number_integer()) throw bad("port");
    if (!reply.contains("tier") || !reply["tier"].is_string()) throw bad("tier");
    if (!reply.contains("cors_origin") || !reply["cors_origin"].is_string()) throw bad("cors_origin");
    return {reply["port"].get<int>(), reply["tier"], reply["cors_origin"]};
}

bool Existing::found_anything() const {
    return agent_name.has_value() || key.has_value() || provider_skipped || !sections_done.empty() ||
           gateway.installed;
}

Settings open_settings(const Context& ctx, const Existing& existing) {
    return existing.config_plugin ? Settings::via_config(ctx) : Settings::in_file(ctx.data_dir() / "state.json");
}

Existing detect_existing(const Context& ctx) {
    Existing ex;
    try {
        ctx.call("config.get", {{"key", "wizard.sections_done"}});
        ex.config_plugin = true;
    } catch (const Error& e) {
        if (e.code() != exit_refused) throw;
    }
    try {
        ex.gateway = parse_gateway_status(ctx.call("gateway.status"));
        ex.gateway_plugin = true;
    } catch (const Error& e) {
        if (e.code() != exit_refused) throw;
    }
    if (ex.gateway_plugin) ex.gateway_defaults = parse_gateway_defaults(ctx.call("gateway.defaults"));

    Settings settings = open_settings(ctx, ex);
    ex.agent_name = string_value(settings, "agent.name");
    ex.intent = string_value(settings, "agent.intent");
    ex.intent_description = string_value(settings, "agent.intent_description");
    if (auto p = string_value(settings, "provider.name")) ex.provider = parse_provider(*p);
    if (auto v = settings.get("provider.skipped"); v && v->is_boolean()) ex.provider_skipped = v->get<bool>();
    if (auto v = settings.get("wizard.hooks"); v && v->is_boolean()) ex.hooks = v->get<bool>();
    if (auto v = settings.get("wizard.sections_done"); v && v->is_array())
        for (const auto& id : *v)
            if (id.is_string())
                if (auto s = parse_section(id.get<std::string>())) ex.sections_done.insert(*s);

    if (auto creds = support::load_json_file(credentials_path(ctx.home()))) {
        if (!creds->is_object())
            throw Error(exit_usage, "'" + credentials_path(ctx.home()).string() +
                                        "' does not hold a JSON object; fix or remove the file");
        ex.credentials = *creds;
    }
    ex.key = stored_key(ex.credentials, ex.provider);
    return ex;
}

}  // namespace mosaic::wizard
