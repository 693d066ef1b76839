#include "install.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

namespace mosaic::gateway {

namespace {

void prompt_settings(Ui& ui, const ConfigureInputs& explicit_inputs, GatewaySettings& s) {
    if (!explicit_inputs.port)
        s.port = ask_until_valid(ui, [&] {
            return parse_port(ui.ask("Gateway port", std::to_string(s.port), key_port), "the gateway port");
        });
    if (!explicit_inputs.tier) {
        std::size_t idx = ui.choose("Storage tier", {"local (SQLite, embedded)", "team (PostgreSQL + Valkey)"},
                                    s.tier == "team" ? 1 : 0, key_tier);
        s.tier = idx == 1 ? "team" : "local";
    }
    if (s.tier == "team") {
        if (!explicit_inputs.database_url)
            s.database_url = ask_until_valid(ui, [&] {
                auto def = s.database_url.empty() ? std::nullopt : std::optional<std::string>(s.database_url);
                return parse_database_url(ui.ask("PostgreSQL URL", def, key_database_url), "the database URL");
            });
        if (!explicit_inputs.valkey_url)
            s.valkey_url = ask_until_valid(ui, [&] {
                auto def = s.valkey_url.empty() ? std::nullopt : std::optional<std::string>(s.valkey_url);
                return parse_valkey_url(ui.ask("Valkey URL", def, key_valkey_url), "the Valkey URL");
            });
    } else {
        s.database_url.clear();
        s.valkey_url.clear();
    }
    if (!explicit_inputs.cors_origin)
        s.cors_origin = ask_until_valid(ui, [&] {
            return parse_origin(ui.ask("CORS origin (the web UI's origin)", s.cors_origin, key_cors_origin),
                                "the CORS origin");
        });
}

}  // namespace

void require_reachable_backends(GatewayDeps& deps, const GatewaySettings& settings) {
    std::string failed;
    for (const auto& b : probe_backends(deps, settings))
        if (!b.ok) failed += (failed.empty() ? "" : "; ") + b.detail;
    if (!failed.empty())
        throw Error(exit_failed, "the team tier's backends must be reachable before the gateway starts (nothing was "
                                 "written): " + failed);
}

ConfigurePlan plan_configuration(const GatewayPaths& paths, const ConfigureInputs& explicit_inputs,
                                 const EnvLookup& env, Ui* ui) {
    ConfigurePlan plan;
    plan.state = detect_state(paths);
    if (plan.state == InstallState::partial) refuse_partial(paths);

    ConfigureInputs all = with_environment(explicit_inputs, env);
    if (plan.state == InstallState::none) {
        plan.reconfigure = true;
        plan.settings = resolve_settings(all, GatewaySettings{});
    } else if (plan.state == InstallState::interrupted) {
        // A killed install: write everything again, from what its .env got to say.
        if (fs::exists(paths.env_file)) plan.saved = load_saved_settings(paths);
        plan.reconfigure = true;
        plan.settings = resolve_settings(all, plan.saved.value_or(GatewaySettings{}));
    } else {
        plan.saved = load_saved_settings(paths);
        // Validate the explicit values even when they turn out to change nothing.
        GatewaySettings with_explicit = resolve_settings(explicit_inputs, *plan.saved);
        plan.reconfigure = explicit_inputs.force_reconfigure || with_explicit != *plan.saved;
        if (plan.reconfigure) {
            plan.settings = resolve_settings(all, *plan.saved);
        } else {
            // Validate the environment too, so a bad value is reported, then keep the saved.
            resolve_settings(all, *plan.saved);
            plan.settings = *plan.saved;
        }
    }
    if (plan.reconfigure && ui && ui->interactive()) {
        prompt_settings(*ui, explicit_inputs, plan.settings);
        if (plan.state == InstallState::complete && !explicit_inputs.force_reconfigure && plan.settings == *plan.saved)
            plan.reconfigure = false;
    }
    return plan;
}

ConfigureOutcome apply_configuration(GatewayDeps& deps, const GatewayPaths& paths, const ConfigurePlan& plan) {
    ConfigureOutcome out;
    out.settings = plan.settings;
    if (!plan.reconfigure) return out;

    std::string secret = load_auth_secret(paths).value_or("");
    if (secret.size() < 32) secret = new_auth_secret();
    Meta meta = load_meta(paths);  // parse before anything changes

    DaemonControl daemon(deps, paths);
    const bool existed = plan.state != InstallState::none;
    if (existed && daemon.state().running) {
        deps.ui.progress("stopping the running gateway before rewriting its configuration", false);
        daemon.stop();
        deps.ui.progress("stopped the running gateway", true);
        out.stopped_running_daemon = true;
    }
    // The three files below cannot change together: the marker says they are being written.
    support::WriteOptions marker;
    marker.private_dirs = true;
    support::write_file_atomic(paths.writing_marker, "mosaic gateway install is writing this directory\n", marker);
    out.changed = write_config(paths, plan.settings, secret);
    if (existed) {
        // The stored admin token belonged to the old configuration.
        meta.doc.erase("admin_token");
        meta.doc.erase("admin_token_id");
        meta.doc.erase("session_token");
        meta.doc.erase("session_expires_at");
        if (plan.saved && plan.saved->tier != plan.settings.tier) meta.doc.erase("admin_exists");
    }
    if (!meta.doc.contains("installed_by")) meta.doc["installed_by"] = "mosaic gateway install";
    meta.doc["schema"] = 1;
    store_meta(paths, meta);
    fs::remove(paths.writing_marker);
    return out;
}

InstallOutcome run_install(GatewayDeps& deps, const ConfigureInputs& explicit_inputs, const InstallSteps& steps) {
    GatewayPaths paths(deps.home);
    InstallOutcome out;

    // Steps 1-2: everything validated before anything is written, the directories that will
    // hold the secrets included.
    ConfigurePlan plan = plan_configuration(paths, explicit_inputs, deps.env, &deps.ui);
    require_private_dirs(paths);
    AdminInput admin = admin_from_env(deps.env);
    bool admin_known = false;
    if (plan.state == InstallState::complete || plan.state == InstallState::interrupted) {
        Meta meta = load_meta(paths);
        admin_known = meta.admin_exists() && !(plan.saved && plan.saved->tier != plan.settings.tier);
        if (!admin_known && !plan.reconfigure)
            admin_known = needs_setup(deps.http, plan.settings.url(), load_auth_secret(paths).value_or("")) == false;
    }
    std::optional<AdminCredentials> creds;
    if (!admin_known) {
        if (!deps.ui.interactive()) creds = require_admin(admin);
        else if (admin.complete()) creds = require_admin(admin);
    }

    if (plan.settings.tier == "team") {
        deps.ui.progress("checking PostgreSQL and Valkey", false);
        require_reachable_backends(deps, plan.settings);
        deps.ui.progress("PostgreSQL and Valkey answer", true);
    }

    // Step 3.
    out.config = apply_configuration(deps, paths, plan);
    if (steps.configured) steps.configured(out.config);

    // Step 4.
    DaemonControl daemon(deps, paths);
    out.start = daemon.start(plan.settings);
    if (steps.started) steps.started(out.start);

    // Step 5.
    out.bootstrap = bootstrap_admin(deps.http, paths, plan.settings.url(), [&]() -> AdminCredentials {
        if (creds) return *creds;
        if (!deps.ui.interactive()) return require_admin(admin);
        return ask_admin(deps.ui, admin);
    });
    return out;
}

}  // namespace mosaic::gateway
