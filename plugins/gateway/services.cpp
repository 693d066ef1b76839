// The gateway services (docs/services.md): gateway.configure, gateway.start,
// gateway.bootstrap, gateway.status, gateway.set, gateway.defaults, gateway.doctor,
// gateway.agent_token, gateway.revoke_agent_tokens.
#include "commands.hpp"

#include "admin_client.hpp"
#include "bootstrap.hpp"
#include "config_set.hpp"
#include "doctor.hpp"
#include "install.hpp"
#include "service_control.hpp"
#include "status.hpp"

namespace mosaic::gateway {

namespace {

// The agent named by field 'agent' (exit 2 when it is missing or not a string).
std::string agent_field(const nlohmann::json& in) {
    auto it = in.find("agent");
    if (it == in.end() || !it->is_string() || it->get<std::string>().empty())
        throw Error(exit_usage, "field 'agent' (the agent's name) is required");
    return it->get<std::string>();
}

// Service input field -> Sourced (numbers accepted for the port).
std::optional<Sourced> field(const nlohmann::json& in, const char* name) {
    auto it = in.find(name);
    if (it == in.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return Sourced{it->get<std::string>(), std::string("field '") + name + "'"};
    if (it->is_number_integer()) return Sourced{std::to_string(it->get<long long>()), std::string("field '") + name + "'"};
    throw Error(exit_usage, std::string("field '") + name + "' must be a string" +
                                (std::string(name) == "port" ? " or a number" : ""));
}

}  // namespace

nlohmann::json serve_configure(const nlohmann::json& input, Deps& d) {
    ConfigureInputs in;
    in.port = field(input, "port");
    in.tier = field(input, "tier");
    in.database_url = field(input, "database_url");
    in.valkey_url = field(input, "valkey_url");
    in.cors_origin = field(input, "cors_origin");
    in.anthropic_api_key = field(input, "anthropic_api_key");
    in.openai_api_key = field(input, "openai_api_key");
    if (input.contains("force_reconfigure")) {
        if (!input["force_reconfigure"].is_boolean()) throw Error(exit_usage, "field 'force_reconfigure' must be a boolean");
        in.force_reconfigure = input["force_reconfigure"].get<bool>();
    }
    ConfigurePlan plan = plan_configuration(d.paths, in, d.gw.env, nullptr);
    if (plan.reconfigure && plan.settings.tier == "team") require_reachable_backends(d.gw, plan.settings);
    ConfigureOutcome r = apply_configuration(d.gw, d.paths, plan);
    return {{"changed", r.changed}, {"port", r.settings.port}, {"tier", r.settings.tier}, {"url", r.settings.url()}};
}

nlohmann::json serve_start(const nlohmann::json&, Deps& d) {
    StartOutcome r = DaemonControl(d.gw, d.paths).start(installed_settings(d.paths));
    return {{"url", r.url}, {"healthy", true}, {"pid", r.pid ? nlohmann::json(*r.pid) : nlohmann::json(nullptr)}, {"via", r.via}};
}

nlohmann::json serve_bootstrap(const nlohmann::json& input, Deps& d) {
    std::string url = installed_settings(d.paths).url();
    AdminInput admin{field(input, "name"), field(input, "email"), field(input, "password")};
    BootstrapOutcome r = bootstrap_admin(d.gw.http, d.paths, url, [&]() -> AdminCredentials {
        if (!admin.complete())
            throw Error(exit_usage, "fields 'name', 'email' and 'password' are required to create the first admin");
        return require_admin(admin);
    });
    nlohmann::json out{{"bootstrapped", r.bootstrapped}, {"admin_exists", r.admin_exists}};
    if (r.token) out["token"] = *r.token;
    return out;
}

nlohmann::json serve_status(const nlohmann::json&, Deps& d) { return status_json(current_status(d.gw)); }

nlohmann::json serve_set(const nlohmann::json& input, Deps& d) {
    nlohmann::json out{{"changed", false}, {"restarted", false}};
    bool any = false;
    for (const auto& key : settable_keys()) {
        auto value = field(input, key.field);
        if (!value) continue;
        any = true;
        SetOutcome r = set_gateway_value(d.gw, key, value->value);
        out["changed"] = out["changed"].get<bool>() || r.changed;
        out["restarted"] = out["restarted"].get<bool>() || r.restarted;
    }
    if (!any) {
        std::string fields;
        for (const auto& key : settable_keys()) fields += (fields.empty() ? "'" : ", '") + std::string(key.field) + "'";
        throw Error(exit_usage, "gateway.set needs one of the fields " + fields);
    }
    return out;
}

nlohmann::json serve_defaults(const nlohmann::json&, Deps&) {
    return {{"port", default_port}, {"tier", default_tier}, {"cors_origin", default_cors_origin}};
}

nlohmann::json serve_doctor(const nlohmann::json&, Deps& d) { return doctor_reply(d); }

nlohmann::json doctor_reply(Deps& d) {
    nlohmann::json j = doctor_json(run_doctor(d.gw));
    // The checks say what to do at the end of their detail ("...; run 'mosaic gateway
    // start'"): that part is the contract's "fix".
    for (auto& c : j["checks"]) {
        std::string detail = c.value("detail", std::string());
        auto at = detail.rfind("; run '");
        if (c.value("ok", true) || at == std::string::npos) continue;
        c["fix"] = detail.substr(at + 2);
        c["detail"] = detail.substr(0, at);
    }
    return j;
}

nlohmann::json serve_agent_token(const nlohmann::json& input, Deps& d) {
    std::string agent = agent_field(input);
    if (detect_state(d.paths) != InstallState::complete) return {{"installed", false}};
    std::string url = installed_settings(d.paths).url();
    nlohmann::json out{{"installed", true}, {"agent", agent}, {"url", url},
                       {"anthropic_base_url", url + "/anthropic"}, {"openai_base_url", url + "/openai/v1"}};
    AdminCalls admin(d.gw.http, d.paths, url);
    if (auto id = input.find("id"); id != input.end() && id->is_number_integer()) {
        auto list = admin.call("GET", "/api/admin/agent-tokens" + query_string({{"agent", agent}}), nullptr,
                               "cannot list the tokens of '" + agent + "'");
        for (const auto& t : list.value("tokens", nlohmann::json::array()))
            if (t.value("id", 0LL) == id->get<long long>() && t.value("active", false)) {
                out["id"] = t["id"];
                out["reused"] = true;
                return out;
            }
    }
    auto t = admin.call("POST", "/api/admin/agent-tokens", {{"agent", agent}}, "cannot create a token for '" + agent + "'");
    out["id"] = t["id"];
    out["token"] = t["token"];
    out["reused"] = false;
    return out;
}

nlohmann::json serve_revoke_agent_tokens(const nlohmann::json& input, Deps& d) {
    std::string agent = agent_field(input);
    if (detect_state(d.paths) != InstallState::complete) return {{"installed", false}, {"revoked", 0}};
    AdminCalls admin(d.gw.http, d.paths, installed_settings(d.paths).url());
    auto r = admin.call("DELETE", "/api/admin/agent-tokens" + query_string({{"agent", agent}}), nullptr,
                        "cannot revoke the tokens of '" + agent + "'");
    return {{"installed", true}, {"revoked", r.value("revoked", 0)}};
}

}  // namespace mosaic::gateway
