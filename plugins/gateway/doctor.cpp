#include "doctor.hpp"

#include <chrono>

#include <mosaic/error.hpp>

#include "health.hpp"
#include "install_state.hpp"
#include "port_holder.hpp"
#include "sqlite_storage.hpp"

namespace mosaic::gateway {

std::vector<DoctorCheck> run_doctor(GatewayDeps& deps) {
    GatewayPaths paths(deps.home);
    std::vector<DoctorCheck> out;
    InstallState st = detect_state(paths);
    if (st != InstallState::complete) {
        out.push_back({"config", false, -1,
                       st == InstallState::none          ? "not installed; run 'mosaic gateway install'"
                       : st == InstallState::interrupted ? "interrupted install; run 'mosaic gateway install' to finish it"
                                                         : "partial install; run 'mosaic gateway uninstall'"});
        return out;
    }
    GatewaySettings s;
    try {
        s = load_saved_settings(paths);
        out.push_back({"tier", true, -1, s.tier});
        out.push_back({"config", true, -1, paths.env_file.string()});
    } catch (const Error& e) {
        out.push_back({"config", false, -1, e.what()});
        return out;
    }
    auto unsafe = gateway_dirs_problem(paths);
    out.push_back({"permissions", !unsafe, -1, unsafe.value_or(paths.data_dir.string() + " and every directory above it are private to you")});
    auto t0 = std::chrono::steady_clock::now();
    HealthProbe probe = probe_health(deps.http, s.url(), load_auth_secret(paths).value_or(""));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto daemon_failure = [&]() -> DoctorCheck {
        std::string detail = probe.foreign ? not_this_gateway(s.url())
                                           : "no healthy answer at " + s.url() + "; run 'mosaic gateway start'";
        if (probe.foreign)
            if (auto holder = describe_port_holder(s.port)) detail += "; port " + std::to_string(s.port) + " is held by " + *holder;
        return {"daemon", false, -1, detail};
    };
    auto& health = probe.health;
    if (s.tier == "team") {
        if (health) out.push_back({"daemon", true, ms, s.url()});
        else out.push_back(daemon_failure());
        for (const auto& b : probe_backends(deps, s)) out.push_back({b.name, b.ok, b.ok ? b.latency_ms : -1, b.detail});
        return out;
    }
    if (health) {
        out.push_back({"daemon", true, ms, s.url()});
        for (const auto& [name, b] : (*health)["backends"].items())
            out.push_back({name, b.value("status", "") == "ok", b.value("latencyMs", -1.0), "reported by the daemon"});
        return out;
    }
    out.push_back(daemon_failure());
    if (!fs::exists(paths.database)) {
        out.push_back({"sqlite", false, -1, "'" + paths.database.string() + "' does not exist yet (created on first start)"});
    } else {
        try {
            SqliteStorage db(paths.database.string());
            for (const auto& b : db.check_backends()) out.push_back({b.name, b.ok, b.latency_ms, b.detail});
        } catch (const Error& e) {
            out.push_back({"sqlite", false, -1, e.what()});
        }
    }
    return out;
}

nlohmann::json doctor_json(const std::vector<DoctorCheck>& checks) {
    nlohmann::json arr = nlohmann::json::array();
    bool ok = true;
    nlohmann::json tier = nullptr;
    for (const auto& c : checks) {
        if (c.name == "tier") tier = c.detail;
        ok = ok && c.ok;
        arr.push_back({{"name", c.name},
                       {"ok", c.ok},
                       {"latency_ms", c.latency_ms >= 0 ? nlohmann::json(c.latency_ms) : nlohmann::json(nullptr)},
                       {"detail", c.detail}});
    }
    return {{"ok", ok}, {"tier", tier}, {"checks", arr}};
}

}  // namespace mosaic::gateway
