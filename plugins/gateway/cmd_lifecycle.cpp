// `mosaic gateway install|start|stop|restart|uninstall|run`: the daemon's lifecycle.
#include "commands.hpp"

#include "daemon.hpp"
#include "install.hpp"
#include "service_control.hpp"
#include "uninstall.hpp"

namespace mosaic::gateway {

namespace {

std::string started_line(const StartOutcome& r) {
    return "gateway " + std::string(r.already_running ? "already running" : "started") + " at " + r.url +
           (r.pid ? " (pid " + std::to_string(*r.pid) + ", " + r.via + ")" : "") + "\n";
}

std::string admin_line(const BootstrapOutcome& b) {
    if (b.bootstrapped) return "admin created\n";
    if (b.token_on_file) return "admin already exists; admin token on file\n";
    return "admin already exists but no admin token is on file: run 'mosaic gateway login' then "
           "'mosaic gateway config recover-token'\n";
}

}  // namespace

void define_install(CLI::App& app, InstallCommand& o) {
    app.add_option("--port", o.port, "port on 127.0.0.1 (MOSAIC_GATEWAY_PORT, default 14242)");
    cli::complete_with(app.add_option("--tier", o.tier, "storage tier: local or team (MOSAIC_STORAGE_TIER, default local)"),
                       cli::complete::choice({"local", "team"}));
    app.add_option("--database-url", o.database_url,
                   "team tier PostgreSQL URL, postgresql://user:pass@host[:port]/db (MOSAIC_DATABASE_URL); "
                   "must be reachable before anything is written");
    app.add_option("--valkey-url", o.valkey_url,
                   "team tier Valkey/Redis URL, redis:// or valkey://[:pass@]host[:port][/db] (MOSAIC_VALKEY_URL); "
                   "must be reachable before anything is written");
    app.add_option("--cors-origin", o.cors_origin,
                   "the one origin browsers may call from (MOSAIC_CORS_ORIGIN, default http://localhost:3000)");
    app.add_option("--anthropic-base-url", o.anthropic_base_url,
                   "where /anthropic calls go (MOSAIC_ANTHROPIC_BASE_URL, default https://api.anthropic.com); "
                   "http:// for a local model server");
    app.add_option("--openai-base-url", o.openai_base_url,
                   "where /openai calls go (MOSAIC_OPENAI_BASE_URL, default https://api.openai.com)");
    app.add_flag("--force-reconfigure", o.force_reconfigure, "rewrite the configuration of a complete install");
}

int run_install_command(const InstallCommand& o, Deps& d) {
    ConfigureInputs in;
    in.force_reconfigure = o.force_reconfigure;
    if (!o.port.empty()) in.port = Sourced{o.port, "--port"};
    if (!o.tier.empty()) in.tier = Sourced{o.tier, "--tier"};
    if (!o.database_url.empty()) in.database_url = Sourced{o.database_url, "--database-url"};
    if (!o.valkey_url.empty()) in.valkey_url = Sourced{o.valkey_url, "--valkey-url"};
    if (!o.cors_origin.empty()) in.cors_origin = Sourced{o.cors_origin, "--cors-origin"};
    if (!o.anthropic_base_url.empty()) in.anthropic_base_url = Sourced{o.anthropic_base_url, "--anthropic-base-url"};
    if (!o.openai_base_url.empty()) in.openai_base_url = Sourced{o.openai_base_url, "--openai-base-url"};
    InstallSteps steps;
    steps.configured = [&](const ConfigureOutcome& c) {
        d.ctx.out(c.changed ? "gateway configured in '" + d.paths.dir.string() + "' (port " +
                                  std::to_string(c.settings.port) + ", tier " + c.settings.tier + ")\n"
                            : "gateway configuration unchanged\n");
    };
    steps.started = [&](const StartOutcome& s) { d.ctx.out(started_line(s)); };
    InstallOutcome r = run_install(d.gw, in, steps);
    d.ctx.out((r.bootstrap.token ? token_banner(*r.bootstrap.token, d.paths) : "") + admin_line(r.bootstrap));
    return 0;
}

int run_start(const cli::NoOptions&, Deps& d) {
    d.ctx.out(started_line(DaemonControl(d.gw, d.paths).start(installed_settings(d.paths))));
    return 0;
}

int run_stop(const cli::NoOptions&, Deps& d) {
    StopOutcome r = DaemonControl(d.gw, d.paths).stop();
    if (r.was_running) d.ctx.out(r.killed ? "gateway killed (it did not stop after SIGTERM)\n" : "gateway stopped\n");
    else d.ctx.out(r.removed_stale_pid ? "gateway was not running (removed a stale pid file)\n" : "gateway was not running\n");
    return 0;
}

int run_restart(const cli::NoOptions& o, Deps& d) {
    run_stop(o, d);
    return run_start(o, d);
}

void define_uninstall(CLI::App& app, UninstallCommand& o) {
    app.add_flag("--keep-data", o.keep_data, "keep the database in <home>/gateway/data/");
    // The host takes -y/--yes wherever it stands (then the confirmation answers itself); a
    // host that passes it on (FakeHost) gets the same result.
    app.add_flag("-y,--yes", o.yes, "do not ask for confirmation");
}

int run_uninstall_command(const UninstallCommand& o, Deps& d) {
    if (!has_install_traces(d.gw)) {
        d.ctx.out("gateway is not installed; nothing to remove\n");
        return 0;
    }
    if (!o.yes && !d.ctx.confirm("Stop the gateway and remove its configuration" + std::string(o.keep_data ? "" : ", database") +
                           " and log?",
                       false, "--yes"))
        throw Error(exit_refused, "uninstall cancelled");
    UninstallOutcome r = run_uninstall(d.gw, o.keep_data);
    std::string out = r.stopped ? "gateway stopped\n" : "";
    for (const auto& p : r.removed) out += "removed " + p + "\n";
    for (const auto& p : r.kept) out += "kept    " + p + "\n";
    d.ctx.out(out);
    return 0;
}

int run_foreground(const cli::NoOptions&, Deps& d) { return run_daemon(d.paths); }

}  // namespace mosaic::gateway
