// The gateway plugin: CLI11 wiring and output formatting only. Each command calls one
// domain function (install.cpp, service_control.cpp, status.cpp, ...).
#include <charconv>
#include <thread>

#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>
#include <mosaic/support/file.hpp>

#include "admin_client.hpp"
#include "backend_url.hpp"
#include "bootstrap.hpp"
#include "daemon.hpp"
#include "deps.hpp"
#include "doctor.hpp"
#include "install.hpp"
#include "log_tail.hpp"
#include "service_control.hpp"
#include "status.hpp"
#include "uninstall.hpp"

namespace mosaic::gateway {
namespace {

using nlohmann::json;

std::string token_banner(const std::string& token, const GatewayPaths& paths) {
    const std::string rule(64, '=');
    return "\n" + rule + "\n  Admin token (shown once, save it now):\n\n    " + token + "\n\n  A copy is kept in '" +
           paths.meta_file.string() + "' (readable by you only).\n" + rule + "\n\n";
}

std::string admin_line(const BootstrapOutcome& b) {
    if (b.bootstrapped) return "admin created\n";
    if (b.token_on_file) return "admin already exists; admin token on file\n";
    return "admin already exists but no admin token is on file: run 'mosaic gateway login' then "
           "'mosaic gateway config recover-token'\n";
}

// Service input field -> Sourced (numbers accepted for the port).
std::optional<Sourced> field(const json& in, const char* name) {
    auto it = in.find(name);
    if (it == in.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return Sourced{it->get<std::string>(), std::string("field '") + name + "'"};
    if (it->is_number_integer()) return Sourced{std::to_string(it->get<long long>()), std::string("field '") + name + "'"};
    throw Error(exit_usage, std::string("field '") + name + "' must be a string" +
                                (std::string(name) == "port" ? " or a number" : ""));
}

}  // namespace

class GatewayPlugin final : public mosaic::Plugin {
public:
    static constexpr mosaic::PluginInfo info{"gateway", MOSAIC_GATEWAY_VERSION, "Mosaic",
                                             "the gateway daemon and its install lifecycle"};
    static constexpr std::array commands{mosaic::CommandInfo{
        "gateway", "install, run and manage the gateway daemon",
        "gateway install|start|stop|restart|status|logs|doctor|login|config|uninstall|run"}};
    static constexpr std::array services{
        mosaic::ServiceInfo{"gateway.configure", "validate and write the gateway configuration"},
        mosaic::ServiceInfo{"gateway.start", "start the gateway and wait until it is healthy"},
        mosaic::ServiceInfo{"gateway.bootstrap", "create the first admin and keep its token"},
        mosaic::ServiceInfo{"gateway.status", "installed, running, healthy, admin present"},
    };

    explicit GatewayPlugin(mosaic::Context& c) : Plugin(c), ui_(c) {}

    int run(const std::string& /*command*/, const std::vector<std::string>& args) override;
    json call(const std::string& service, const json& input) override;

private:
    GatewayDeps deps() {
        GatewayDeps d{[this](const std::string& n) { return ctx().env(n); },
                      ctx().home(),
                      ctx().executable(),
                      ui_,
                      runner_,
                      processes_,
                      http_,
                      clock_,
                      sleeper_};
        if (auto t = ctx().env("MOSAIC_GATEWAY_HEALTH_TIMEOUT")) {
            long long s = 0;
            auto [p, ec] = std::from_chars(t->data(), t->data() + t->size(), s);
            if (ec != std::errc() || p != t->data() + t->size() || s < 1 || s > 3600)
                throw Error(exit_usage, "invalid MOSAIC_GATEWAY_HEALTH_TIMEOUT '" + *t + "': expected seconds, 1..3600");
            d.health_timeout = std::chrono::seconds(s);
        }
        return d;
    }
    GatewaySettings installed_settings(const GatewayPaths& paths) {
        refuse_unless_complete(paths, detect_state(paths));
        return load_saved_settings(paths);
    }

    int install(const ConfigureInputs& in);
    int start();
    int stop();
    int status(bool as_json);
    int logs(int lines, bool follow);
    int uninstall(bool keep_data, bool yes);
    int doctor(bool as_json);
    int login(const std::string& url, const std::string& email);
    int config_show(bool as_json);
    int config_token(bool rotate);

    ContextUi ui_;
    support::PosixSpawnRunner runner_;
    PosixProcessControl processes_;
    HttplibClient http_;
    support::SystemClock clock_;
    support::RealSleeper sleeper_;
};

int GatewayPlugin::run(const std::string&, const std::vector<std::string>& args) {
    CLI::App app{"Install, run and manage the Mosaic gateway daemon", "mosaic gateway"};
    app.require_subcommand(1);

    ConfigureInputs in;
    std::string port, tier, database_url, valkey_url, cors_origin;
    auto* install_cmd = app.add_subcommand(
        "install",
        "configure, start and bootstrap the gateway (re-runnable; a complete install is reconfigured only with "
        "--force-reconfigure or a flag whose value differs from the saved one)");
    install_cmd->add_option("--port", port, "port on 127.0.0.1 (MOSAIC_GATEWAY_PORT, default 14242)");
    install_cmd->add_option("--tier", tier, "storage tier: local or team (MOSAIC_STORAGE_TIER, default local)");
    install_cmd->add_option("--database-url", database_url,
                            "team tier PostgreSQL URL, postgresql://user:pass@host[:port]/db (MOSAIC_DATABASE_URL); "
                            "must be reachable before anything is written");
    install_cmd->add_option("--valkey-url", valkey_url,
                            "team tier Valkey/Redis URL, redis:// or valkey://[:pass@]host[:port][/db] (MOSAIC_VALKEY_URL); "
                            "must be reachable before anything is written");
    install_cmd->add_option("--cors-origin", cors_origin,
                            "the one origin browsers may call from (MOSAIC_CORS_ORIGIN, default http://localhost:3000)");
    install_cmd->add_flag("--force-reconfigure", in.force_reconfigure, "rewrite the configuration of a complete install");

    app.add_subcommand("start", "start the installed gateway and wait until it is healthy");
    app.add_subcommand("stop", "stop the gateway (SIGTERM, bounded wait, then SIGKILL)");
    app.add_subcommand("restart", "stop, then start");
    bool as_json = false;
    auto* status_cmd = app.add_subcommand("status", "pid, port, url, tier, health, admin present, token on file");
    status_cmd->add_flag("--json", as_json, "print one JSON document");
    int lines = 50;
    bool follow = false;
    auto* logs_cmd = app.add_subcommand("logs", "print the end of gateway.log");
    logs_cmd->add_option("-n,--lines", lines, "how many lines (default 50)")->check(CLI::Range(1, 1000000));
    logs_cmd->add_flag("-f,--follow", follow, "keep printing new lines until interrupted");
    bool keep_data = false, yes = false;
    auto* uninstall_cmd = app.add_subcommand("uninstall", "stop the gateway and remove what install created");
    uninstall_cmd->add_flag("--keep-data", keep_data, "keep the database in <home>/gateway/data/");
    uninstall_cmd->add_flag("-y,--yes", yes, "do not ask for confirmation");
    auto* doctor_cmd = app.add_subcommand(
        "doctor", "tier, config file, daemon, then each backend (sqlite; or postgresql and valkey host:port): "
                  "reachable?, latency; exit 1 if anything is down");
    doctor_cmd->add_flag("--json", as_json, "print one JSON document");
    std::string url, email;
    auto* login_cmd = app.add_subcommand(
        "login", "sign in as an admin and keep the session (password from the prompt or MOSAIC_ADMIN_PASSWORD)");
    login_cmd->add_option("--url", url, "gateway URL (default: the installed one)");
    login_cmd->add_option("--email", email, "admin email (default: the installed admin, or MOSAIC_ADMIN_EMAIL)");
    auto* config_cmd = app.add_subcommand("config", "show the configuration, recover or rotate the admin token");
    config_cmd->require_subcommand(1);
    auto* show_cmd = config_cmd->add_subcommand("show", "the configuration, secrets redacted");
    show_cmd->add_flag("--json", as_json, "print one JSON document");
    config_cmd->add_subcommand("recover-token", "mint a new admin token with the session from 'gateway login'");
    config_cmd->add_subcommand("rotate-token", "mint a new admin token and revoke the one on file");
    app.add_subcommand("run", "run the daemon in the foreground (what start launches); SIGTERM drains and exits 0");

    if (auto rc = mosaic::parse_cli(app, ctx(), args)) return *rc;

    auto* sub = app.get_subcommands().front();
    const std::string name = sub->get_name();
    if (name == "install") {
        if (!port.empty()) in.port = Sourced{port, "--port"};
        if (!tier.empty()) in.tier = Sourced{tier, "--tier"};
        if (!database_url.empty()) in.database_url = Sourced{database_url, "--database-url"};
        if (!valkey_url.empty()) in.valkey_url = Sourced{valkey_url, "--valkey-url"};
        if (!cors_origin.empty()) in.cors_origin = Sourced{cors_origin, "--cors-origin"};
        return install(in);
    }
    if (name == "start") return start();
    if (name == "stop") return stop();
    if (name == "restart") {
        stop();
        return start();
    }
    if (name == "status") return status(as_json);
    if (name == "logs") return logs(lines, follow);
    if (name == "uninstall") return uninstall(keep_data, yes);
    if (name == "doctor") return doctor(as_json);
    if (name == "login") return login(url, email);
    if (name == "config") {
        const std::string what = config_cmd->get_subcommands().front()->get_name();
        if (what == "show") return config_show(as_json);
        return config_token(what == "rotate-token");
    }
    return run_daemon(GatewayPaths(ctx().home()));
}

int GatewayPlugin::install(const ConfigureInputs& in) {
    GatewayDeps d = deps();
    GatewayPaths paths(d.home);
    InstallOutcome r = run_install(d, in);
    std::string out;
    out += r.config.changed ? "gateway configured in '" + paths.dir.string() + "' (port " +
                                  std::to_string(r.config.settings.port) + ", tier " + r.config.settings.tier + ")\n"
                            : "gateway configuration unchanged\n";
    out += "gateway " + std::string(r.start.already_running ? "already running" : "started") + " at " + r.start.url;
    if (r.start.pid) out += " (pid " + std::to_string(*r.start.pid) + ", " + r.start.via + ")";
    out += "\n";
    if (r.bootstrap.token) out += token_banner(*r.bootstrap.token, paths);
    out += admin_line(r.bootstrap);
    ctx().out(out);
    return 0;
}

int GatewayPlugin::start() {
    GatewayDeps d = deps();
    GatewayPaths paths(d.home);
    GatewaySettings s = installed_settings(paths);
    StartOutcome r = DaemonControl(d, paths).start(s);
    ctx().out("gateway " + std::string(r.already_running ? "already running" : "started") + " at " + r.url +
              (r.pid ? " (pid " + std::to_string(*r.pid) + ", " + r.via + ")" : "") + "\n");
    return 0;
}

int GatewayPlugin::stop() {
    GatewayDeps d = deps();
    GatewayPaths paths(d.home);
    StopOutcome r = DaemonControl(d, paths).stop();
    if (r.was_running) ctx().out(r.killed ? "gateway killed (it did not stop after SIGTERM)\n" : "gateway stopped\n");
    else ctx().out(r.removed_stale_pid ? "gateway was not running (removed a stale pid file)\n" : "gateway was not running\n");
    return 0;
}

int GatewayPlugin::status(bool as_json) {
    GatewayDeps d = deps();
    GatewayStatus s = read_status(d);
    if (as_json) {
        ctx().out(status_json(s).dump(2) + "\n");
        return 0;
    }
    if (!s.installed) {
        ctx().out(s.state == "partial" ? "gateway: partial install; run 'mosaic gateway uninstall'\n"
                                       : "gateway: not installed\n");
        return 0;
    }
    std::string run = s.running ? "running" + (s.pid ? " (pid " + std::to_string(*s.pid) + ", " + s.via + ")" : std::string())
                                : "not running";
    std::string out = "gateway: " + run + ", " + (s.healthy ? "healthy" : "not healthy") + "\n";
    out += "url:     " + s.url + "\n";
    out += "port:    " + std::to_string(s.port) + "\n";
    out += "tier:    " + s.tier + "\n";
    out += "admin:   " + std::string(!s.admin_exists ? "unknown (gateway not answering)" : *s.admin_exists ? "present" : "none yet") + "\n";
    out += "token:   " + std::string(s.token_stored ? "on file" : "not on file") + "\n";
    ctx().out(out);
    return 0;
}

int GatewayPlugin::logs(int lines, bool follow) {
    GatewayPaths paths(ctx().home());
    if (!fs::exists(paths.log_file)) {
        if (!follow) throw Error(exit_refused, "no log yet: '" + paths.log_file.string() + "' does not exist");
    }
    std::string out;
    for (const auto& l : tail_file(paths.log_file, static_cast<std::size_t>(lines), false)) out += l + "\n";
    ctx().out(out);
    if (!follow) return 0;
    std::error_code ec;
    std::uintmax_t offset = fs::file_size(paths.log_file, ec);
    if (ec) offset = 0;
    for (;;) {  // until interrupted (Ctrl-C ends the process)
        sleeper_.sleep_for(std::chrono::milliseconds(300));
        std::string more = read_new_bytes(paths.log_file, offset);
        if (!more.empty()) ctx().out(more);
    }
}

int GatewayPlugin::uninstall(bool keep_data, bool yes) {
    GatewayDeps d = deps();
    if (!has_install_traces(d)) {
        ctx().out("gateway is not installed; nothing to remove\n");
        return 0;
    }
    if (!yes && !ctx().confirm("Stop the gateway and remove its configuration" +
                                   std::string(keep_data ? "" : ", database") + " and log?",
                               false, "--yes"))
        throw Error(exit_refused, "uninstall cancelled");
    UninstallOutcome r = run_uninstall(d, keep_data);
    std::string out = r.stopped ? "gateway stopped\n" : "";
    for (const auto& p : r.removed) out += "removed " + p + "\n";
    for (const auto& p : r.kept) out += "kept    " + p + "\n";
    ctx().out(out);
    return 0;
}

int GatewayPlugin::doctor(bool as_json) {
    GatewayDeps d = deps();
    auto checks = run_doctor(d);
    json j = doctor_json(checks);
    if (as_json) {
        ctx().out(j.dump(2) + "\n");
    } else {
        std::string out;
        for (const auto& c : checks) {
            char lat[32] = "";
            if (c.latency_ms >= 0) std::snprintf(lat, sizeof lat, " (%.1f ms)", c.latency_ms);
            out += std::string(c.ok ? "ok    " : "FAIL  ") + c.name + lat + ": " + c.detail + "\n";
        }
        ctx().out(out);
    }
    return j["ok"].get<bool>() ? 0 : 1;
}

int GatewayPlugin::login(const std::string& url_flag, const std::string& email_flag) {
    GatewayDeps d = deps();
    GatewayPaths paths(d.home);
    std::string url = url_flag;
    if (url.empty()) url = installed_settings(paths).url();
    while (!url.empty() && url.back() == '/') url.pop_back();
    std::string email = email_flag;
    if (email.empty()) email = load_meta(paths).admin_email().value_or(ctx().env("MOSAIC_ADMIN_EMAIL").value_or(""));
    if (email.empty()) email = ctx().prompt_line("Admin email", std::nullopt, "MOSAIC_ADMIN_EMAIL or --email");
    parse_email(email, email_flag.empty() ? "the admin email" : "--email");
    std::string password = ctx().env("MOSAIC_ADMIN_PASSWORD").value_or("");
    if (password.empty()) password = ctx().prompt_secret("Password for " + email, "MOSAIC_ADMIN_PASSWORD");
    LoginOutcome r = mosaic::gateway::login(http_, paths, url, email, password);
    ctx().out("signed in as " + r.email + " (session until " + r.expires_at + "); kept in '" +
              paths.meta_file.string() + "'\n");
    return 0;
}

int GatewayPlugin::config_show(bool as_json) {
    GatewayPaths paths(ctx().home());
    GatewaySettings s = installed_settings(paths);
    Meta meta = load_meta(paths);
    auto redact = [](const std::string& v) { return v.empty() ? json(nullptr) : json("***"); };
    json j{{"dir", paths.dir.string()},
           {"env_file", paths.env_file.string()},
           {"url", s.url()},
           {"port", s.port},
           {"bind_host", s.bind_host},
           {"tier", s.tier},
           {"cors_origin", s.cors_origin},
           {"database_url", s.database_url.empty() ? json(nullptr) : json(redact_url(s.database_url))},
           {"valkey_url", s.valkey_url.empty() ? json(nullptr) : json(redact_url(s.valkey_url))},
           {"anthropic_api_key", redact(s.anthropic_api_key)},
           {"auth_secret", redact(load_auth_secret(paths).value_or(""))},
           {"admin_email", meta.admin_email() ? json(*meta.admin_email()) : json(nullptr)},
           {"admin_token", redact(meta.admin_token().value_or(""))},
           {"service", meta.service()}};
    if (as_json) {
        ctx().out(j.dump(2) + "\n");
        return 0;
    }
    std::string out;
    for (const auto& [k, v] : j.items()) out += k + ": " + (v.is_string() ? v.get<std::string>() : v.dump()) + "\n";
    ctx().out(out);
    return 0;
}

int GatewayPlugin::config_token(bool rotate) {
    GatewayPaths paths(ctx().home());
    std::string url = installed_settings(paths).url();
    TokenOutcome r = rotate ? rotate_token(http_, paths, url) : recover_token(http_, paths, url);
    ctx().out(token_banner(r.token, paths) + (rotate && r.revoked_previous ? "the previous token is revoked\n" : ""));
    return 0;
}

json GatewayPlugin::call(const std::string& service, const json& input) {
    if (!input.is_object()) throw Error(exit_usage, "service '" + service + "' expects a JSON object");
    GatewayDeps d = deps();
    GatewayPaths paths(d.home);
    if (service == "gateway.configure") {
        ConfigureInputs in;
        in.port = field(input, "port");
        in.tier = field(input, "tier");
        in.database_url = field(input, "database_url");
        in.valkey_url = field(input, "valkey_url");
        in.cors_origin = field(input, "cors_origin");
        in.anthropic_api_key = field(input, "anthropic_api_key");
        if (input.contains("force_reconfigure")) {
            if (!input["force_reconfigure"].is_boolean()) throw Error(exit_usage, "field 'force_reconfigure' must be a boolean");
            in.force_reconfigure = input["force_reconfigure"].get<bool>();
        }
        ConfigurePlan plan = plan_configuration(paths, in, d.env, nullptr);
        if (plan.reconfigure && plan.settings.tier == "team") require_reachable_backends(d, plan.settings);
        ConfigureOutcome r = apply_configuration(d, paths, plan);
        return {{"changed", r.changed}, {"port", r.settings.port}, {"tier", r.settings.tier}, {"url", r.settings.url()}};
    }
    if (service == "gateway.start") {
        StartOutcome r = DaemonControl(d, paths).start(installed_settings(paths));
        return {{"url", r.url}, {"healthy", true}, {"pid", r.pid ? json(*r.pid) : json(nullptr)}, {"via", r.via}};
    }
    if (service == "gateway.bootstrap") {
        std::string url = installed_settings(paths).url();
        AdminInput admin{field(input, "name"), field(input, "email"), field(input, "password")};
        BootstrapOutcome r = bootstrap_admin(http_, paths, url, [&]() -> AdminCredentials {
            if (!admin.complete())
                throw Error(exit_usage, "fields 'name', 'email' and 'password' are required to create the first admin");
            return require_admin(admin);
        });
        json out{{"bootstrapped", r.bootstrapped}, {"admin_exists", r.admin_exists}};
        if (r.token) out["token"] = *r.token;
        return out;
    }
    if (service == "gateway.status") return status_json(read_status(d));
    return Plugin::call(service, input);
}

}  // namespace mosaic::gateway

using mosaic::gateway::GatewayPlugin;
MOSAIC_PLUGIN(GatewayPlugin)
