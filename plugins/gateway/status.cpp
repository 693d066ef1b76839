#include "status.hpp"

#include "bootstrap.hpp"
#include "health.hpp"
#include "install_state.hpp"
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
    Meta meta = load_meta(paths);
    s.token_stored = meta.admin_token().has_value();
    DaemonControl daemon(deps, paths);
    DaemonState ds = daemon.state();
    s.running = ds.running;
    s.pid = ds.pid;
    s.via = ds.via;
    if (auto h = probe_health(deps.http, s.url)) {
        s.healthy = true;
        s.health = *h;
        if (auto n = needs_setup(deps.http, s.url)) s.admin_exists = !*n;
    } else if (meta.admin_exists()) {
        s.admin_exists = true;
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
                     {"token_stored", s.token_stored}};
    if (s.healthy && s.health.contains("backends")) j["backends"] = s.health["backends"];
    return j;
}

}  // namespace mosaic::gateway
