// commands.hpp - the gateway plugin's wiring: its Deps bundle (the host Context, the domain's
// GatewayDeps and the install's paths, from one factory), and one options struct, one
// define_* (its CLI11 options) and one run_* per subcommand of `mosaic gateway`, in the shape
// of mosaic/cli.hpp. The tables that name them are in plugin.cpp; the services in
// services.cpp. Only these files print; every decision lives in the domain files.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <mosaic/cli.hpp>

#include "deps.hpp"
#include "http.hpp"
#include "install_state.hpp"
#include "process_control.hpp"
#include "settings.hpp"

namespace mosaic::gateway {

// The effects a test may replace (UseSeams): systemctl, processes, HTTP, time.
struct Seams {
    support::CommandRunner& runner;
    ProcessControl& processes;
    HttpClient& http;
    support::Clock& clock;
    support::Sleeper& sleeper;
};

// The effects in production. The HTTP client is named here once.
struct RealSeams {
    support::PosixSpawnRunner runner;
    PosixProcessControl processes;
    BeastHttpClient http;
    support::SystemClock clock;
    support::RealSleeper sleeper;
    Seams seams() { return {runner, processes, http, clock, sleeper}; }
};

struct Deps {
    const Context& ctx;
    GatewayDeps& gw;
    GatewayPaths paths;
    std::shared_ptr<void> owned;  // what gw refers to
};

// The one factory: the real effects, or those a live UseSeams installed. Throws
// mosaic::Error(exit_usage) for a bad MOSAIC_GATEWAY_HEALTH_TIMEOUT.
std::unique_ptr<Deps> make_deps(const Context& ctx);

// For tests: while one lives, make_deps() hands out its seams instead of the real effects.
using UseSeams = mosaic::UseSeams<Seams>;

// The settings of a complete install (exit 3 with what to do otherwise).
GatewaySettings installed_settings(const GatewayPaths& paths);

// cmd_lifecycle.cpp: install, start, stop, restart, uninstall, run
struct InstallCommand {
    std::string port, tier, database_url, valkey_url, cors_origin, anthropic_base_url, openai_base_url;
    bool force_reconfigure = false;
};
void define_install(CLI::App& app, InstallCommand& o);
int run_install_command(const InstallCommand& o, Deps& d);
int run_start(const cli::NoOptions& o, Deps& d);
int run_stop(const cli::NoOptions& o, Deps& d);
int run_restart(const cli::NoOptions& o, Deps& d);
struct UninstallCommand { bool keep_data = false, yes = false; };
void define_uninstall(CLI::App& app, UninstallCommand& o);
int run_uninstall_command(const UninstallCommand& o, Deps& d);
int run_foreground(const cli::NoOptions& o, Deps& d);

// cmd_status.cpp: status, logs, doctor
struct StatusCommand { bool json = false; };
void define_status(CLI::App& app, StatusCommand& o);
int run_status(const StatusCommand& o, Deps& d);
struct LogsCommand {
    int lines = 50;
    bool follow = false;
};
void define_logs(CLI::App& app, LogsCommand& o);
int run_logs(const LogsCommand& o, Deps& d);
struct DoctorCommand { bool json = false; };
void define_doctor(CLI::App& app, DoctorCommand& o);
int run_doctor_command(const DoctorCommand& o, Deps& d);

// cmd_admin.cpp: login, config show|set|recover-token|rotate-token
struct LoginCommand { std::string url, email; };
void define_login(CLI::App& app, LoginCommand& o);
int run_login(const LoginCommand& o, Deps& d);
struct ConfigShowCommand { bool json = false; };
void define_config_show(CLI::App& app, ConfigShowCommand& o);
int run_config_show(const ConfigShowCommand& o, Deps& d);
struct ConfigSetCommand { std::string key, value; bool value_given = false; };
void define_config_set(CLI::App& app, ConfigSetCommand& o);
int run_config_set(const ConfigSetCommand& o, Deps& d);
int run_recover_token(const cli::NoOptions& o, Deps& d);
int run_rotate_token(const cli::NoOptions& o, Deps& d);

// cmd_tokens.cpp: tokens create|list|revoke|set-limits, usage
struct TokenLimitOptions { std::optional<long long> rpm, tokens_per_day; };
struct TokensCreateCommand {
    std::string agent;
    TokenLimitOptions limits;
    bool json = false;
};
void define_tokens_create(CLI::App& app, TokensCreateCommand& o);
int run_tokens_create(const TokensCreateCommand& o, Deps& d);
struct TokensListCommand {
    std::string agent;
    bool json = false;
};
void define_tokens_list(CLI::App& app, TokensListCommand& o);
int run_tokens_list(const TokensListCommand& o, Deps& d);
struct TokensRevokeCommand {
    std::optional<long long> id;
    std::string agent;
};
void define_tokens_revoke(CLI::App& app, TokensRevokeCommand& o);
int run_tokens_revoke(const TokensRevokeCommand& o, Deps& d);
struct TokensSetLimitsCommand {
    long long id = 0;
    TokenLimitOptions limits;
};
void define_tokens_set_limits(CLI::App& app, TokensSetLimitsCommand& o);
int run_tokens_set_limits(const TokensSetLimitsCommand& o, Deps& d);
struct UsageCommand { std::string agent, since, until; bool json = false; };
void define_usage(CLI::App& app, UsageCommand& o);
int run_usage(const UsageCommand& o, Deps& d);

// "\n====...\n  Admin token (shown once, save it now): ..." for a token just minted.
std::string token_banner(const std::string& token, const GatewayPaths& paths);

// services.cpp
nlohmann::json serve_configure(const nlohmann::json& in, Deps& d);
nlohmann::json serve_start(const nlohmann::json& in, Deps& d);
nlohmann::json serve_bootstrap(const nlohmann::json& in, Deps& d);
nlohmann::json serve_status(const nlohmann::json& in, Deps& d);
nlohmann::json serve_set(const nlohmann::json& in, Deps& d);
nlohmann::json serve_defaults(const nlohmann::json& in, Deps& d);
nlohmann::json serve_doctor(const nlohmann::json& in, Deps& d);
nlohmann::json serve_agent_token(const nlohmann::json& in, Deps& d);
nlohmann::json serve_revoke_agent_tokens(const nlohmann::json& in, Deps& d);
// run_doctor as the doctor contract has it (mosaic/doctor.hpp), with "ok" and "tier".
nlohmann::json doctor_reply(Deps& d);

}  // namespace mosaic::gateway
