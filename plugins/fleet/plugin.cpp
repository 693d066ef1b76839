// The fleet plugin: `mosaic fleet ...`, `mosaic yolo ...` and the fleet.status service.
// This file only wires CLI11 to the domain files and formats their results.
#include <cstdio>

#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>

#include "control.hpp"
#include "detach.hpp"
#include "heartbeat.hpp"
#include "launch.hpp"
#include "membership.hpp"
#include "profiles.hpp"
#include "ps.hpp"
#include "readiness.hpp"
#include "restart.hpp"
#include "restart_lock.hpp"
#include "roster.hpp"
#include "status.hpp"
#include "systemctl.hpp"
#include "systemd_units.hpp"
#include "yolo.hpp"

namespace {

using namespace mosaic::fleet;
namespace fs = std::filesystem;

// Children are looked up on the PATH the host reports (ctx.env), which is the process's own
// PATH in production and the test's fake bin/ under FakeHost.
class HostPathRunner final : public mosaic::support::CommandRunner {
public:
    explicit HostPathRunner(std::string path) : path_(std::move(path)) {}
    mosaic::support::ProcessResult run(const mosaic::support::Command& command) override {
        mosaic::support::Command cmd = command;
        if (!cmd.env.count("PATH")) cmd.env["PATH"] = path_;
        return real_.run(cmd);
    }

private:
    std::string path_;
    mosaic::support::PosixSpawnRunner real_;
};

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

class FleetPlugin final : public mosaic::Plugin {
public:
    static constexpr mosaic::PluginInfo info{"fleet", "0.1.0", "Mosaic",
                                             "agent fleet: roster, systemd user units, tmux sessions, restarts"};
    static constexpr std::array commands{
        mosaic::CommandInfo{"fleet", "manage the agent fleet (tmux sessions under systemd user units)",
                            "fleet init|install-systemd|start|stop|status|ps|restart|launch|heartbeat|add|remove [args]"},
        mosaic::CommandInfo{"yolo", "run an agent runtime with its permission prompts off",
                            "yolo <runtime> [--model M] [-- ARGS...]"},
    };
    static constexpr std::array services{
        mosaic::ServiceInfo{"fleet.status", "the fleet status document (as 'mosaic fleet status --json')"}};

    using Plugin::Plugin;

    int run(const std::string& command, const std::vector<std::string>& args) override {
        if (command == "yolo") return run_yolo_command(args);
        return run_fleet(args);
    }

    nlohmann::json call(const std::string& service, const nlohmann::json& input) override {
        if (service != "fleet.status") return Plugin::call(service, input);
        HostPathRunner runner(path_env());
        return status_json(collect_status(load_roster(roster_path()), roster_path().string(), runner));
    }

private:
    fs::path roster_path() const { return ctx().home() / "fleet/roster.yaml"; }
    std::string user_home() const { return ctx().env("HOME").value_or("/"); }
    std::string path_env() const { return ctx().env("PATH").value_or("/usr/local/bin:/usr/bin:/bin"); }

    int run_fleet(const std::vector<std::string>& args) {
        CLI::App app{"Manage the agent fleet: each agent is a runtime TUI in its own tmux session, kept alive by\n"
                     "systemd user units (mosaic-tmux-holder.service and mosaic-agent@<name>.service).\n"
                     "The roster is <home>/fleet/roster.yaml.",
                     "mosaic fleet"};
        app.require_subcommand(1);
        app.footer(
            "\nExit status: 0 ok; 1 a unit or tmux failed (the other units still ran); 2 bad input or an\n"
            "invalid roster (key and line named); 3 no roster yet, or 'init --write' found one and no\n"
            "--force. 'launch' exits 64 without a known agent name and 69 without tmux, for its\n"
            "systemd unit. 'ps' exits 0 even when systemd or tmux cannot be read: their columns show\n"
            "'-' and a warning names the failure.\n"
            "'restart' holds <home>/fleet/run/restart.lock while it runs (overlapping restarts wait,\n"
            "--max-wait, then break it with a warning; a dead owner's lock is broken at once); the\n"
            "permanent restart.lock.mutex beside it serialises lock takeovers. start/stop/status/ps\n"
            "take no lock. 'add' and 'remove' rewrite roster.yaml through yaml-cpp, which does not\n"
            "keep comments: the comments of the file are lost.\n"
            "Heartbeats: 'launch' starts 'fleet heartbeat <agent> --pid <pane pid>' detached (its errors\n"
            "go to <run dir>/<agent>.heartbeat.log); it writes <run dir>/<agent>.hb as\n"
            "{\"ts\": <unix s>, \"pid\": P, \"status\": \"alive\"|\"exited\"} every interval and ends when\n"
            "the pane's process does. 'ps' reads the beats: healthy within 3 intervals; readiness\n"
            "working, idle (no pane output for the idle threshold), stuck (for the stuck threshold),\n"
            "stale (beat stopped, session still there), dead (process or session gone), unknown.\n"
            "Environment: MOSAIC_HEARTBEAT_INTERVAL (seconds, default 15), MOSAIC_HEARTBEAT_RUN_DIR\n"
            "(absolute; default <home>/fleet/run; read alike by the sidecar and 'ps'),\n"
            "MOSAIC_FLEET_IDLE_AFTER (default 300), MOSAIC_FLEET_STUCK_AFTER (default 900),\n"
            "MOSAIC_AGENT_COMMAND (shell text a launched pane runs instead of 'mosaic yolo <runtime>').");

        auto* init = app.add_subcommand("init", "print a starter roster, or write it with --write");
        InitOptions init_options;
        init->add_option("--profile", init_options.profile,
                         "minimal (one claude agent) or software-delivery (planner, two coders, a reviewer); "
                         "default minimal");
        init->add_flag("--write", init_options.write, "write <home>/fleet/roster.yaml instead of printing");
        init->add_flag("--force", init_options.force,
                       "with --write: replace an existing roster (the old one is kept as roster.yaml.mosaic-bak-<stamp>)");

        auto* install = app.add_subcommand("install-systemd", "write the systemd user units and per-agent env files");
        auto* start = app.add_subcommand("start", "start the holder, then every agent");
        auto* stop = app.add_subcommand("stop", "stop every agent, then the holder");

        auto* status = app.add_subcommand("status", "unit state and tmux session of the holder and every agent");
        bool json = false;
        status->add_flag("--json", json, "print one JSON document");

        auto* ps = app.add_subcommand(
            "ps", "one row per agent (then unmanaged sessions): unit, pane, heartbeat age and readiness, flags");
        bool ps_json_flag = false;
        ps->add_flag("--json", ps_json_flag, "print one JSON document");
        ps->footer("\nColumns: NAME RUNTIME CLASS UNIT(active/sub, enabled) PANE(pid, command, dead)\n"
                   "HB(age, readiness) FLAGS. Flags: DRIFT (the pane runs something other than the roster\n"
                   "runtime; node counts as claude/codex/opencode/pi, bun as opencode), BOOT-ENABLE (unit\n"
                   "active but not enabled), UNMANAGED (a session on the fleet socket that is not in the\n"
                   "roster), IDLE (no pane output for MOSAIC_FLEET_IDLE_AFTER s, default 300), STUCK (for\n"
                   "MOSAIC_FLEET_STUCK_AFTER s, default 900). Without pane information a healthy beat reads\n"
                   "as working.");

        auto* restart = app.add_subcommand(
            "restart", "restart the holder and every agent, or one agent; overlapping restarts queue on a lock");
        RestartOptions restart_options;
        std::string restart_agent;
        restart->add_option("agent", restart_agent, "restart only this agent");
        restart->add_option("--max-wait", restart_options.max_wait_s,
                            "seconds to wait for another restart before breaking its lock (default 60)")
            ->check(CLI::NonNegativeNumber);

        auto* launch = app.add_subcommand("launch", "create the agent's tmux session (what its unit runs)");
        std::string launch_agent_name;
        launch->add_option("agent", launch_agent_name, "agent name");

        auto* heartbeat = app.add_subcommand(
            "heartbeat", "write <run dir>/<agent>.hb every interval while process --pid lives (launch starts it)");
        std::string heartbeat_agent;
        long heartbeat_pid = 0;
        heartbeat->add_option("agent", heartbeat_agent, "agent name")->required();
        heartbeat->add_option("--pid", heartbeat_pid, "the process to watch (the agent pane's pid)")
            ->required()
            ->check(CLI::PositiveNumber);

        auto* add = app.add_subcommand(
            "add", "add an agent to the roster, write its env file and start it (roster comments are not kept)");
        AddOptions add_options;
        std::string add_model, add_workdir;
        add->add_option("name", add_options.agent.name, "agent name")->required();
        add->add_option("--runtime", add_options.agent.runtime,
                        "claude, codex, opencode, pi, or a runtime the roster declares under 'runtimes'")
            ->required();
        add->add_option("--class", add_options.agent.agent_class, "agent class (default worker)");
        add->add_option("--model", add_model, "model hint passed to the runtime");
        add->add_option("--working-dir", add_workdir, "working directory of the agent's session");
        bool no_start = false;
        add->add_flag("--no-start", no_start, "do not start the agent's unit");

        auto* remove = app.add_subcommand(
            "remove", "stop an agent and remove it from the roster (roster comments are not kept)");
        std::string remove_name;
        bool no_stop = false;
        remove->add_option("name", remove_name, "agent name")->required();
        remove->add_flag("--no-stop", no_stop, "do not stop the agent's unit");

        if (auto rc = mosaic::parse_cli(app, ctx(), args)) return *rc;

        HostPathRunner runner(path_env());
        if (init->parsed()) return cmd_init(init_options);
        if (install->parsed()) return cmd_install();
        if (start->parsed()) return report("started", start_fleet(load_roster(roster_path()), runner));
        if (stop->parsed()) return report("stopped", stop_fleet(load_roster(roster_path()), runner));
        if (status->parsed()) return cmd_status(json, runner);
        if (ps->parsed()) return cmd_ps(ps_json_flag, runner);
        if (heartbeat->parsed()) return cmd_heartbeat(heartbeat_agent, heartbeat_pid);
        if (restart->parsed()) {
            if (!restart_agent.empty()) restart_options.agent = restart_agent;
            return cmd_restart(restart_options, runner);
        }
        if (launch->parsed()) return cmd_launch(launch_agent_name, runner);
        if (add->parsed()) {
            if (!add_model.empty()) add_options.agent.model_hint = add_model;
            if (!add_workdir.empty()) add_options.agent.working_directory = add_workdir;
            add_options.start = !no_start;
            FleetReport r = add_agent(add_options, membership_paths(), runner);
            ctx().out("added '" + add_options.agent.name + "' to " + roster_path().string() + "\n");
            return report("started", r);
        }
        if (remove->parsed()) {
            FleetReport r = remove_agent(remove_name, !no_stop, membership_paths(), runner);
            int rc = report("stopped", r);
            if (rc == 0) ctx().out("removed '" + remove_name + "' from " + roster_path().string() + "\n");
            return rc;
        }
        return mosaic::exit_usage;
    }

    MembershipPaths membership_paths() const { return {roster_path(), ctx().home(), user_home()}; }

    // One line per unit; failures on stderr; exit 1 naming the failed units.
    int report(const std::string& verb, const FleetReport& r) {
        for (const auto& u : r.units) {
            if (u.ok) ctx().out(verb + " " + u.unit + "\n");
            else ctx().err("mosaic: " + u.unit + " failed: " + u.message + "\n");
        }
        auto failed = r.failed_units();
        if (failed.empty()) return 0;
        std::string names;
        for (const auto& f : failed) names += (names.empty() ? "'" : ", '") + f + "'";
        throw mosaic::Error(mosaic::exit_failed, std::to_string(failed.size()) + " of " + std::to_string(r.units.size()) +
                                                     " units failed: " + names);
    }

    int cmd_install() {
        Roster roster = load_roster(roster_path());
        auto tmux = mosaic::support::find_program("tmux", path_env());
        if (!tmux) ctx().warn("'tmux' is not on PATH; the units name /usr/bin/tmux");
        UnitContext uc{ctx().executable().string(), ctx().home().string(), tmux.value_or("/usr/bin/tmux"), path_env()};
        fs::path unit_dir = user_unit_dir(ctx().env("XDG_CONFIG_HOME"), user_home());
        auto result = install_systemd(roster, uc, unit_dir, user_home());
        for (const auto& p : result.written) ctx().out("wrote " + p.string() + "\n");
        ctx().out("run 'systemctl --user daemon-reload' to load the units, then 'mosaic fleet start'\n");
        return 0;
    }

    int cmd_status(bool json, mosaic::support::CommandRunner& runner) {
        FleetStatus s = collect_status(load_roster(roster_path()), roster_path().string(), runner);
        if (json) {
            ctx().out(status_json(s).dump(2) + "\n");
        } else {
            auto state = [](const UnitState& u) { return u.active_state + "/" + u.sub_state; };
            ctx().out("holder  " + s.holder.unit + "  " + state(s.holder) + "  session '" + s.holder_session + "' " +
                      (s.holder_session_alive ? "up" : "down") + "  socket " +
                      (s.socket_name ? "'" + *s.socket_name + "'" : std::string("(default)")) + "\n");
            std::size_t w = 5;
            for (const auto& a : s.agents) w = std::max(w, a.agent.name.size() + 2);
            ctx().out(pad("NAME", w) + pad("RUNTIME", 10) + pad("CLASS", 14) + pad("STATE", 20) + "SESSION\n");
            for (const auto& a : s.agents)
                ctx().out(pad(a.agent.name, w) + pad(a.agent.runtime, 10) + pad(a.agent.agent_class, 14) +
                          pad(state(a.unit), 20) + (a.session ? "yes" : "no") + "\n");
        }
        if (s.systemd_error) {
            ctx().warn("cannot read unit states: " + *s.systemd_error);
            return mosaic::exit_failed;
        }
        return 0;
    }

    int cmd_init(const InitOptions& options) {
        InitResult r = init_roster(options, roster_path());
        if (!r.written) {
            ctx().out(r.text);
            return 0;
        }
        if (r.backup) ctx().out("kept the previous roster as " + r.backup->string() + "\n");
        ctx().out("wrote " + roster_path().string() + " (profile '" + options.profile +
                  "'); next: 'mosaic fleet install-systemd'\n");
        return 0;
    }

    fs::path run_dir() const { return heartbeat_run_dir(ctx().home(), ctx().env("MOSAIC_HEARTBEAT_RUN_DIR")); }

    int cmd_ps(bool json, mosaic::support::CommandRunner& runner) {
        Roster roster = load_roster(roster_path());
        PsSettings settings{run_dir(), readiness_thresholds(ctx().env("MOSAIC_FLEET_IDLE_AFTER"),
                                                            ctx().env("MOSAIC_FLEET_STUCK_AFTER"),
                                                            ctx().env("MOSAIC_HEARTBEAT_INTERVAL"))};
        mosaic::support::SystemClock clock;
        SystemProcessInspector inspector;
        PsDeps deps{runner, clock, inspector};
        PsReport report = collect_ps(roster, roster_path().string(), settings, deps);
        ctx().out(json ? ps_json(report).dump(2) + "\n" : render_ps_table(report));
        if (report.systemd_error) ctx().warn("cannot read unit states: " + *report.systemd_error);
        if (report.tmux_error) ctx().warn("cannot read tmux: " + *report.tmux_error);
        for (const auto& w : report.warnings) ctx().warn(w);
        return 0;
    }

    int cmd_heartbeat(const std::string& agent, long pid) {
        HeartbeatOptions options;
        options.agent = agent;
        options.pid = pid;
        options.interval = heartbeat_interval(ctx().env("MOSAIC_HEARTBEAT_INTERVAL"));
        options.file = heartbeat_path(run_dir(), agent);
        mosaic::support::SystemClock clock;
        mosaic::support::RealSleeper sleeper;
        SystemProcessInspector inspector;
        run_heartbeat(options, clock, sleeper, inspector);
        return 0;
    }

    // Never fails the launch: a sidecar that cannot start is a warning.
    void start_sidecar(const Roster& roster, const std::string& agent, mosaic::support::CommandRunner& runner) {
        try {
            heartbeat_interval(ctx().env("MOSAIC_HEARTBEAT_INTERVAL"));  // a bad value warns here, not in the dark
            SidecarEnv env{ctx().executable().string(), ctx().home().string(), run_dir(), {}};
            env.env["PATH"] = path_env();
            env.env["HOME"] = user_home();
            env.env["MOSAIC_HEARTBEAT_RUN_DIR"] = env.run_dir.string();
            if (auto interval = ctx().env("MOSAIC_HEARTBEAT_INTERVAL")) env.env["MOSAIC_HEARTBEAT_INTERVAL"] = *interval;
            PosixDetachedSpawner spawner;
            SidecarStart s = start_heartbeat(roster, agent, env, runner, spawner);
            ctx().out("started the heartbeat of '" + agent + "' (pid " + std::to_string(s.sidecar_pid) +
                      ", watching pane pid " + std::to_string(s.pane_pid) + ")\n");
        } catch (const std::exception& e) {
            ctx().warn("cannot start the heartbeat of '" + agent + "': " + e.what() +
                       "; the agent runs, 'mosaic fleet ps' shows no beat for it");
        }
    }

    int cmd_restart(const RestartOptions& options, mosaic::support::CommandRunner& runner) {
        Roster roster = load_roster(roster_path());
        mosaic::support::SystemClock clock;
        mosaic::support::RealSleeper sleeper;
        SystemProcessInspector inspector;
        FleetDeps deps{runner, clock, sleeper, inspector};
        bool waiting = false;
        auto observer = [&](const LockEvent& e) {
            switch (e.kind) {
                case LockEvent::Kind::waiting:
                    waiting = true;
                    ctx().progress("waiting for the restart lock, " + e.detail);
                    break;
                case LockEvent::Kind::acquired:
                    if (waiting) ctx().progress("restart lock acquired", 100, true);
                    break;
                default:
                    ctx().warn("broke the restart lock: " + e.detail);
                    break;
            }
        };
        return report("restarted", restart_fleet(roster, options, restart_lock_path(ctx().home()), deps, observer));
    }

    int cmd_launch(const std::string& name, mosaic::support::CommandRunner& runner) {
        if (name.empty()) throw mosaic::Error(exit_launch_usage, "missing agent name; usage: mosaic fleet launch <agent>");
        Roster roster = load_roster(roster_path());
        LaunchEnv env{ctx().executable().string(), user_home(), path_env(), ctx().env("MOSAIC_AGENT_COMMAND")};
        bool tmux = mosaic::support::find_program("tmux", path_env()).has_value();
        LaunchResult r = launch_agent(roster, name, env, tmux, runner);
        std::string socket = roster.socket_name ? "socket '" + *roster.socket_name + "'" : "the default socket";
        if (r.created) {
            ctx().out("created tmux session '" + r.plan.session + "' on " + socket + "\n");
            start_sidecar(roster, name, runner);
        } else {
            ctx().out("tmux session '" + r.plan.session + "' already exists on " + socket + "\n");
        }
        return 0;
    }

    int run_yolo_command(const std::vector<std::string>& args) {
        CLI::App app{"Run an agent runtime with its permission prompts off (replaces this process).\n"
                     "claude: --dangerously-skip-permissions; codex: --dangerously-bypass-approvals-and-sandbox;\n"
                     "opencode and pi run as they are. Exit 2 for an unknown runtime, 69 when it is not on PATH.",
                     "mosaic yolo"};
        std::string runtime, model;
        std::vector<std::string> extra;
        app.add_option("runtime", runtime, "claude, codex, opencode or pi")->required();
        app.add_option("--model", model, "model passed to the runtime's own model flag");
        app.add_option("args", extra, "arguments after -- go to the runtime");
        if (auto rc = mosaic::parse_cli(app, ctx(), args)) return *rc;
        PosixExec exec;
        run_yolo(runtime, model.empty() ? std::nullopt : std::optional(model), extra, path_env(), exec);
        return mosaic::exit_failed;  // not reached: run_yolo execs or throws
    }
};

}  // namespace

MOSAIC_PLUGIN(FleetPlugin)
