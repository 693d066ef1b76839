// The gateway plugin: `mosaic gateway ...` and the gateway.* services. The command and
// service tables; each row's function is in cmd_lifecycle.cpp, cmd_status.cpp, cmd_admin.cpp
// or services.cpp.
#include "commands.hpp"

namespace mosaic::gateway {
namespace {

constexpr std::array config_commands{
    cli::command<&define_config_show, &run_config_show>("show", "the configuration, secrets redacted"),
    cli::command<&define_config_set, &run_config_set>(
        "set", "change a provider key or base URL in place: the admin token stays, a running gateway restarts",
        "Rewrites only that line of <home>/gateway/.env. A key (anthropic-api-key, openai-api-key) is\n"
        "never taken from the command line: it comes from its variable (MOSAIC_ANTHROPIC_API_KEY,\n"
        "MOSAIC_OPENAI_API_KEY) or the prompt; an empty answer removes it. anthropic-base-url and\n"
        "openai-base-url take http:// or https:// URLs; an empty value restores the provider's own."),
    cli::command<&run_recover_token>("recover-token", "mint a new admin token with the session from 'gateway login'"),
    cli::command<&run_rotate_token>("rotate-token", "mint a new admin token and revoke the one on file"),
};

constexpr std::array token_commands{
    cli::command<&define_tokens_create, &run_tokens_create>(
        "create", "mint a token for an agent's model calls (shown once), with optional limits"),
    cli::command<&define_tokens_list, &run_tokens_list>("list", "agent tokens: id, agent, state, last use, limits"),
    cli::command<&define_tokens_revoke, &run_tokens_revoke>("revoke", "revoke one token by id, or every token of --agent"),
    cli::command<&define_tokens_set_limits, &run_tokens_set_limits>(
        "set-limits", "change a token's requests per minute or tokens per day (0 lifts a limit)"),
};

constexpr std::array gateway_commands{
    cli::command<&define_install, &run_install_command>(
        "install", "configure, start and bootstrap the gateway (re-runnable)",
        "A complete install is reconfigured only with --force-reconfigure or a flag whose value differs\n"
        "from the saved one, and a reconfiguration drops the stored admin token ('gateway config set'\n"
        "changes the provider key without one). Headless, the first admin comes from\n"
        "MOSAIC_ADMIN_NAME, MOSAIC_ADMIN_EMAIL and MOSAIC_ADMIN_PASSWORD; the health wait is 30 s\n"
        "(MOSAIC_GATEWAY_HEALTH_TIMEOUT)."),
    cli::command<&run_start>("start", "start the installed gateway and wait until it is healthy"),
    cli::command<&run_stop>("stop", "stop the gateway (SIGTERM, bounded wait, then SIGKILL)"),
    cli::command<&run_restart>("restart", "stop, then start"),
    cli::command<&define_status, &run_status>(
        "status", "pid, port, url, tier, health, admin present, token on file",
        "exit status (as 'systemctl status'): 0 running, 3 not running, 4 not installed (or a partial\n"
        "or interrupted install); the same with --json."),
    cli::command<&define_logs, &run_logs>("logs", "print the end of gateway.log, -f to follow it"),
    cli::command<&define_doctor, &run_doctor_command>(
        "doctor", "tier, config file, daemon, then each backend: reachable?, latency; exit 1 if anything is down"),
    cli::command<&define_login, &run_login>(
        "login", "sign in as an admin and keep the session (password from the prompt or MOSAIC_ADMIN_PASSWORD)"),
    cli::group<config_commands>("config", "show the configuration, change provider keys and URLs, recover or rotate the admin token"),
    cli::group<token_commands>(
        "tokens", "the agents' tokens for model calls through /anthropic and /openai: create, list, revoke, set-limits"),
    cli::command<&define_usage, &run_usage>("usage", "model requests and tokens per day, agent and model (--json for all fields)"),
    cli::command<&define_uninstall, &run_uninstall_command>("uninstall", "stop the gateway and remove what install created"),
    cli::command<&run_foreground>("run", "run the daemon in the foreground (what start launches); SIGTERM drains and exits 0"),
};

}  // namespace

class GatewayPlugin final : public TablePlugin<GatewayPlugin, Deps> {
public:
    static constexpr PluginInfo info{"gateway", MOSAIC_GATEWAY_VERSION, "Mosaic",
                                     "the gateway daemon and its install lifecycle"};
    static constexpr std::array commands{cli::group<gateway_commands>(
        "gateway", "install, run and manage the gateway daemon",
        "The gateway is the platform's HTTP API; its files are in <home>/gateway/.",
        "gateway install|start|stop|restart|status|logs|doctor|login|config|tokens|usage|uninstall|run")};
    static constexpr std::array services{
        cli::Service<Deps>{"gateway.configure", "validate and write the gateway configuration", &serve_configure},
        cli::Service<Deps>{"gateway.start", "start the gateway and wait until it is healthy", &serve_start},
        cli::Service<Deps>{"gateway.bootstrap", "create the first admin and keep its token", &serve_bootstrap},
        cli::Service<Deps>{"gateway.status", "installed, running, healthy, admin present", &serve_status},
        cli::Service<Deps>{"gateway.set", "change the provider key in place, keeping the admin token", &serve_set},
        cli::Service<Deps>{"gateway.defaults", "the port, tier and CORS origin a new install takes", &serve_defaults},
        cli::Service<Deps>{"gateway.doctor", "check the configuration, the daemon and each backend", &serve_doctor},
        cli::Service<Deps>{"gateway.agent_token", "an agent's token for model calls: reuse the one given by id, else mint one",
                           &serve_agent_token},
        cli::Service<Deps>{"gateway.revoke_agent_tokens", "revoke every active token of an agent", &serve_revoke_agent_tokens},
    };
    static std::unique_ptr<Deps> make_deps(const Context& ctx) { return gateway::make_deps(ctx); }

    using TablePlugin::TablePlugin;
};

}  // namespace mosaic::gateway

MOSAIC_PLUGIN(mosaic::gateway::GatewayPlugin)
