// install.hpp - `mosaic gateway install` and the gateway.configure service, as the five
// steps of docs/behaviour.md, "gateway install":
//   1. detect state (partial -> exit 3, naming `mosaic gateway uninstall`)
//   2. validate every input (flags > environment > saved > defaults; interactive prompts
//      through the host; headless admin credentials when no admin is known) - nothing is
//      written when anything is invalid; the directories that will hold the secrets must be
//      private to the user (exit 3, support::insecure_directory); the team tier's PostgreSQL
//      and Valkey must both answer (exit 1 naming each unreachable backend's host:port and
//      error, nothing written)
//   3. stop a running daemon, write .env (0600; auth secret kept), mosaic.config.json and
//      meta.json (0600; stored admin token dropped on reconfiguration). A complete install
//      is reconfigured only with --force-reconfigure or an explicit value (flag or service
//      field) that differs from the saved one
//   4. start (systemd user unit, else detached process) and wait until /health answers with
//      the proof that it is this install's daemon (health.hpp); anything else on the port
//      fails the install, naming what holds the port
//   5. bootstrap the first admin with a one-time setup token (setup_token.hpp)
#pragma once

#include <functional>
#include <optional>

#include "bootstrap.hpp"
#include "deps.hpp"
#include "install_state.hpp"
#include "service_control.hpp"
#include "settings.hpp"

namespace mosaic::gateway {

struct ConfigurePlan {
    InstallState state = InstallState::none;
    GatewaySettings settings;
    std::optional<GatewaySettings> saved;
    bool reconfigure = false;
};

// Steps 1-2 for the configuration part (reads files, writes nothing). `explicit_inputs`
// are flags or service fields; the environment fills the rest. When `ui` is interactive and
// the gateway is (re)configured, asks for port, tier (and team URLs) and CORS origin.
ConfigurePlan plan_configuration(const GatewayPaths& paths, const ConfigureInputs& explicit_inputs,
                                 const EnvLookup& env, Ui* ui);

// Throws mosaic::Error(exit_failed) naming every team-tier backend that does not answer.
void require_reachable_backends(GatewayDeps& deps, const GatewaySettings& settings);

struct ConfigureOutcome {
    bool changed = false;
    bool stopped_running_daemon = false;
    GatewaySettings settings;
};
// Step 3.
ConfigureOutcome apply_configuration(GatewayDeps& deps, const GatewayPaths& paths, const ConfigurePlan& plan);

struct InstallOutcome {
    ConfigureOutcome config;
    StartOutcome start;
    BootstrapOutcome bootstrap;
};
// What run_install reports as soon as each step is done, so the command prints "configured"
// and "started" before the admin is asked for, not all at the end.
struct InstallSteps {
    std::function<void(const ConfigureOutcome&)> configured;
    std::function<void(const StartOutcome&)> started;
};
InstallOutcome run_install(GatewayDeps& deps, const ConfigureInputs& explicit_inputs, const InstallSteps& steps = {});

}  // namespace mosaic::gateway
