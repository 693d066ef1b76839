#include "status.hpp"

#include "bootstrap.hpp"
#include "health.hpp"
#include "install_state.hpp"
#include "port_holder.hpp"
#include "service_control.hpp"

namespace mosaic::gateway {

GatewayStatus read_status(GatewayDeps& deps) {
    GatewayPaths paths(deps.home);
    GatewayStatus s;
    InstallState st = detect_state(paths);
    if (st == InstallState::none) return s;
    if (st == InstallState::partial || st == InstallState::interrupted) {
        s.state = st == InstallState::partial ? "partial" : "interrupted";
        return s;
    }
    s.state = "installed";
    s.installed = true;
    GatewaySettings settings = load_saved_settings(paths);
    s.url = settings.url();
    s.port = settings.port;
    s.tier = settings.tier;
    s.providers = {{"anthropic", !settings.anthropic_api_key.empty(), settings.anthropic_base_url, s.url + "/anthropic"},
                   {"openai", !settings.openai_api_key.empty(), settings.openai_base_url, s.url + "/openai/v1"}};
    Meta meta = load_meta(paths);
    s.token_stored = meta.admin_token().has_value();
    DaemonControl daemon(deps, paths);
    DaemonState ds = daemon.state();
    s.running = ds.running;
    s.pid = ds.pid;
    s.via = ds.via;
    const std::string proof_key = load_auth_secret(paths).value_or("");
    HealthProbe probe = probe_health(deps.http, s.url, proof_key);
    if (probe.health) {
        s.healthy = true;
        s.health = *probe.health;
        if (auto n = needs_setup(deps.http, s.url, proof_key)) s.admin_exists = !*n;
    } else {
        if (meta.admin_exists()) s.admin_exists = true;
        s.port_holder = describe_port_holder(s.port);
        if (probe.foreign) s.problem = not_this_gateway(s.url);
    }
    return s;
}

nlohmann::json status_json(const GatewayStatus& s) {
    nlohmann::json j{{"installed", s.installed}, {"state", s.state},     {"running", s.running},
                     {"healthy", s.healthy},     {"url", s.url.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.url)},
                     {"port", s.port ? nlohmann::json(s.port) : nlohmann::json(nullptr)},
                     {"tier", s.tier.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.tier)},
                     {"pid", s.pid ? nlohmann::json(*s.pid) : nlohmann::json(nullptr)},
                     {"via", s.via.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.via)},
                     {"admin_exists", s.admin_exists ? nlohmann::json(*s.admin_exists) : nlohmann::json(nullptr)},
                     {"token_stored", s.token_stored},
                     {"port_holder", s.port_holder ? nlohmann::json(*s.port_holder) : nlohmann::json(nullptr)},
                     {"problem", s.problem.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.problem)}};
    if (s.healthy && s.health.contains("backends")) j["backends"] = s.health["backends"];
    if (!s.providers.empty()) {
        j["providers"] = nlohmann::json::object();
        for (const auto& p : s.providers)
            j["providers"][p.name] = {{"key_set", p.key_set}, {"base_url", p.base_url}, {"route", p.route}};
    }
    return j;
}

GatewayStatus current_status(GatewayDeps& deps) {
    GatewayStatus s = read_status(deps);
    // Healthy without a pid file or an active unit: a daemon started by hand (`mosaic gateway
    // run` in a terminal). It runs; start and stop do not manage it.
    if (s.installed && s.healthy && !s.running) {
        s.running = true;
        s.via = "unmanaged";
    }
    return s;
}

int status_exit_code(const GatewayStatus& s) {
    if (!s.installed) return status_not_installed;
    return s.running ? status_running : status_not_running;
}

}  // namespace mosaic::gateway
