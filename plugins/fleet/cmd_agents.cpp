// `mosaic fleet ps|launch|heartbeat` and `mosaic yolo`: the agents' sessions.
#include "commands.hpp"

#include "heartbeat.hpp"
#include "launch.hpp"
#include "model_access.hpp"
#include "ps.hpp"
#include "readiness.hpp"
#include "roster.hpp"
#include "systemctl.hpp"
#include "systemd_units.hpp"

namespace mosaic::fleet {

namespace {

// Never fails the launch: a sidecar that cannot start is a warning.
void start_sidecar(const Roster& roster, const std::string& agent, Deps& d) {
    try {
        heartbeat_interval(d.env("MOSAIC_HEARTBEAT_INTERVAL"));  // a bad value warns here, not in the dark
        SidecarEnv env{d.ctx.executable().string(), d.home.string(), d.run_dir(), {}};
        env.env["PATH"] = d.path_env;
        env.env["HOME"] = d.user_home;
        env.env["MOSAIC_HEARTBEAT_RUN_DIR"] = env.run_dir.string();
        if (auto interval = d.env("MOSAIC_HEARTBEAT_INTERVAL")) env.env["MOSAIC_HEARTBEAT_INTERVAL"] = *interval;
        SidecarStart s = start_heartbeat(roster, agent, env, d.seams.runner, d.seams.spawner);
        d.ctx.out("started the heartbeat of '" + agent + "' (pid " + std::to_string(s.sidecar_pid) +
                  ", watching pane pid " + std::to_string(s.pane_pid) + ")\n");
    } catch (const std::exception& e) {
        d.ctx.warn("cannot start the heartbeat of '" + agent + "': " + e.what() +
                   "; the agent runs, 'mosaic fleet ps' shows no beat for it");
    }
}

}  // namespace

void define_ps(CLI::App& app, PsCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

PsReport ps_report(Deps& d) {
    Roster roster = load_roster(d.roster_path);
    PsSettings settings{d.run_dir(),
                        readiness_thresholds(d.env("MOSAIC_FLEET_IDLE_AFTER"), d.env("MOSAIC_FLEET_STUCK_AFTER"),
                                             d.env("MOSAIC_HEARTBEAT_INTERVAL")),
                        restart_lock_path(d.ctx.home())};
    PsDeps deps{d.seams.runner, d.seams.clock, d.seams.inspector};
    return collect_ps(roster, d.roster_path.string(), settings, deps);
}

int run_ps(const PsCommand& o, Deps& d) {
    PsReport report = ps_report(d);
    d.ctx.out(o.json ? ps_json(report).dump(2) + "\n" : render_ps_table(report, d.ctx.color()));
    if (report.systemd_error)
        d.ctx.warn("cannot read unit states: " + *report.systemd_error +
                   (user_systemd_unreachable(*report.systemd_error) ? "; " + user_systemd_hint() : ""));
    if (report.tmux_error) d.ctx.warn("cannot read tmux: " + *report.tmux_error);
    for (const auto& w : report.warnings) d.ctx.warn(w);
    return 0;
}

void define_launch(CLI::App& app, LaunchCommand& o) {
    cli::complete_with(app.add_option("agent", o.agent, "agent name"), cli::complete::dynamic("fleet.complete", "agent"));
}

int run_launch(const LaunchCommand& o, Deps& d) {
    if (o.agent.empty()) throw Error(exit_launch_usage, "missing agent name; usage: mosaic fleet launch <agent>");
    Roster roster = load_roster(d.roster_path);
    LaunchEnv env{d.ctx.executable().string(), d.user_home, d.path_env, d.env("MOSAIC_AGENT_COMMAND")};
    env.mosaic_home = d.home.string();
    bool tmux = support::find_program("tmux", d.path_env).has_value();
    LaunchResult r = launch_agent(roster, o.agent, env, tmux, d.seams.runner);
    std::string socket = roster.socket_name ? "socket '" + *roster.socket_name + "'" : "the default socket";
    if (!r.created) {
        d.ctx.out("tmux session '" + r.plan.session + "' already exists on " + socket + "\n");
        return 0;
    }
    d.ctx.out("created tmux session '" + r.plan.session + "' on " + socket + "\n");
    start_sidecar(roster, o.agent, d);
    return 0;
}

void define_heartbeat(CLI::App& app, HeartbeatCommand& o) {
    cli::complete_with(app.add_option("agent", o.agent, "agent name"), cli::complete::dynamic("fleet.complete", "agent"))->required();
    app.add_option("--pid", o.pid, "the process to watch (the agent pane's pid)")
        ->required()
        ->check(cli::whole_number(1, 4194304));
}

int run_heartbeat_command(const HeartbeatCommand& o, Deps& d) {
    HeartbeatOptions options;
    options.agent = o.agent;
    options.pid = o.pid;
    options.interval = heartbeat_interval(d.env("MOSAIC_HEARTBEAT_INTERVAL"));
    options.file = heartbeat_path(d.run_dir(), o.agent);
    run_heartbeat(options, d.seams.clock, d.seams.sleeper, d.seams.inspector);
    return 0;
}

void define_yolo(CLI::App& app, YoloCommand& o) {
    cli::complete_with(app.add_option("runtime", o.runtime, "claude, codex, opencode or pi"), cli::complete::choice({"claude", "codex", "opencode", "pi"}))->required();
    app.add_option("--model", o.model, "model passed to the runtime's own model flag");
    app.add_option("args", o.args, "arguments after -- go to the runtime");
    app.add_flag("--no-contract", o.no_contract, "start the runtime without the Mosaic contract (compose-contract)");
}

int run_yolo_command(const YoloCommand& o, Deps& d) {
    // In an agent's pane (fleet launch sets MOSAIC_AGENT_NAME), the runtime gets the agent's
    // model access from its env file: tmux gives the pane the tmux server's environment, not
    // the unit's, and a token on the pane's command line would show in ps.
    std::map<std::string, std::string> env;
    if (auto name = d.env("MOSAIC_AGENT_NAME"); name && valid_agent_name(*name))
        env = model_env_of(support::EnvFile::load(agent_env_path(d.home, *name)));
    std::vector<std::string> args = o.args;
    if (!o.no_contract) {
        ContractDelivery contract = yolo_contract(o.runtime, d);
        args.insert(args.begin(), contract.args.begin(), contract.args.end());
        env.insert(contract.env.begin(), contract.env.end());
    }
    run_yolo(o.runtime, o.model.empty() ? std::nullopt : std::optional(o.model), args, d.path_env, d.seams.exec, env);
    return exit_failed;  // not reached: run_yolo execs or throws
}

}  // namespace mosaic::fleet
