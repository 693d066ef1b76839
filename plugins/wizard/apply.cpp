#include "apply.hpp"

#include <mosaic/support/file.hpp>

#include "contract_files.hpp"

namespace mosaic::wizard {

namespace {

void step(const Context& ctx, const std::string& what) { ctx.out("==> " + what + "\n"); }

[[noreturn]] void gateway_failed(const std::string& stage, const Error& e) {
    int code = (e.code() == exit_usage || e.code() == exit_refused || e.code() == exit_interrupted) ? e.code()
                                                                                                   : exit_failed;
    throw Error(code, "gateway stage '" + stage + "' failed: " + e.what());
}

void write_credentials(const Context& ctx, const Answers& a, const Existing& ex, ApplyReport& r) {
    if (!a.new_key || !a.provider) return;
    nlohmann::json updated = with_api_key(ex.credentials, *a.provider, *a.new_key);
    if (updated == ex.credentials) return;
    support::write_secret_file(credentials_path(ctx.home()), updated.dump(2) + "\n");
    r.credentials_written = true;
}

void apply_hooks(const Context& ctx, const Answers& a, const ApplyOptions& opts, ApplyReport& r) {
    if (!a.hooks) {
        step(ctx, "Removing Mosaic's Claude Code hooks (declined)");
        r.hooks_removed = ctx.call("hooks.uninstall").value("changed", false);
        return;
    }
    step(ctx, "Installing Mosaic's Claude Code hooks");
    nlohmann::json reply;
    try {
        reply = ctx.call("hooks.install", {{"force", false}});
    } catch (const Error& e) {
        if (e.code() != exit_refused) throw Error(e.code(), std::string("hooks stage failed: ") + e.what());
        bool replace = opts.interactive &&
                       ctx.confirm("The Claude Code hooks file is yours, not Mosaic's; replace it (a backup is kept)?",
                                   false, "mosaic config hooks install --force");
        if (!replace)
            throw Error(exit_refused, std::string("hooks stage failed: ") + e.what() +
                                          "; run 'mosaic config hooks install --force' to replace it (a backup is kept)");
        reply = ctx.call("hooks.install", {{"force", true}});
    }
    if (reply.contains("hooks") && reply["hooks"].is_array())
        for (const auto& h : reply["hooks"])
            if (h.is_string()) r.hooks_installed.push_back(h);
    if (reply.contains("backup") && reply["backup"].is_string()) r.hooks_backup = reply["backup"].get<std::string>();
}

void apply_gateway(const Context& ctx, const Answers& a, const Existing& ex, ApplyReport& r) {
    step(ctx, "Configuring the gateway");
    try {
        r.gateway_reconfigured = ctx.call("gateway.configure", configure_input(a, ex)).value("changed", false);
    } catch (const Error& e) {
        gateway_failed("configure", e);
    }
    if (auto in = set_input(a, ex)) {
        step(ctx, "Giving the gateway the new provider key");
        try {
            r.gateway_restarted_for_key = ctx.call("gateway.set", *in).value("restarted", false);
        } catch (const Error& e) {
            gateway_failed("set", e);
        }
    }
    step(ctx, "Starting the gateway");
    try {
        ctx.call("gateway.start");
    } catch (const Error& e) {
        gateway_failed("start", e);
    }
    step(ctx, "Bootstrapping the admin");
    try {
        auto reply = ctx.call("gateway.bootstrap", bootstrap_input(a));
        r.admin_created = reply.value("bootstrapped", false);
        if (reply.contains("token") && reply["token"].is_string()) r.admin_token = reply["token"].get<std::string>();
    } catch (const Error& e) {
        gateway_failed("bootstrap", e);
    }
    try {
        r.gateway = parse_gateway_status(ctx.call("gateway.status"));
    } catch (const Error& e) {
        gateway_failed("status", e);
    }
    if (!r.gateway.healthy)
        throw Error(exit_failed, "gateway stage 'health' failed: the gateway at '" + r.gateway.url +
                                     "' is not healthy; run 'mosaic gateway logs'");
    if (r.gateway.admin_exists == false)
        throw Error(exit_failed, "gateway stage 'bootstrap' failed: the gateway reports no admin after bootstrap");
}

}  // namespace

ApplyReport apply(const Context& ctx, Settings& settings, const Answers& a, const Existing& ex,
                  const ApplyOptions& opts) {
    ApplyReport r;
    const auto& stages = opts.stages;
    bool wants_config = stages.count(Stage::config) || stages.count(Stage::hooks);

    if (wants_config && !ex.config_plugin) {
        ctx.warn(std::string("skipping configuration and hooks: package ") + config_hooks_package +
                 " is not installed");
        r.missing_packages.push_back(config_hooks_package);
    }
    if (stages.count(Stage::gateway) && !ex.gateway_plugin) {
        ctx.warn(std::string("skipping the gateway: package ") + gateway_package + " is not installed");
        r.missing_packages.push_back(gateway_package);
    }

    if (stages.count(Stage::config)) {
        if (ex.config_plugin) step(ctx, "Saving the configuration");
        // Without config-hooks the answers still go to the wizard's own state file, so a
        // re-run remembers them (and never asks again for a skipped key).
        r.config_changed = settings.set(config_values(a));
        r.contract_files = write_starter_contract_files(ctx.home(), a);
        if (!r.contract_files.empty()) {
            std::string names;
            for (const auto& n : r.contract_files) names += (names.empty() ? "" : ", ") + n;
            step(ctx, "Writing the starter contract (" + names + ") in " + ctx.home().string());
        }
        if (ex.config_plugin) r.completed.insert(Stage::config);
    }
    if (stages.count(Stage::provider)) {
        write_credentials(ctx, a, ex, r);
        r.completed.insert(Stage::provider);
    }
    if (stages.count(Stage::hooks) && ex.config_plugin) {
        apply_hooks(ctx, a, opts, r);
        r.hooks_ran = true;
        r.completed.insert(Stage::hooks);
    }
    if (stages.count(Stage::gateway) && ex.gateway_plugin) {
        apply_gateway(ctx, a, ex, r);
        r.gateway_ran = true;
        r.completed.insert(Stage::gateway);
    }
    return r;
}

}  // namespace mosaic::wizard
