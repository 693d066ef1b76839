// `mosaic fleet install-systemd|start|stop|status|restart`: the systemd user units.
#include "commands.hpp"

#include "custody.hpp"

#include <mosaic/support/file.hpp>
#include <mosaic/support/table.hpp>

#include "restart.hpp"
#include "restart_lock.hpp"
#include "roster.hpp"
#include "status.hpp"
#include "systemctl.hpp"
#include "systemd_units.hpp"

namespace mosaic::fleet {

namespace {

Tone state_tone(const UnitState& u) {
    if (u.active_state == "active") return Tone::ok;
    if (u.active_state == "failed") return Tone::bad;
    return u.active_state == "unknown" ? Tone::warn : Tone::plain;
}

std::string state_of(const UnitState& u) { return u.active_state + "/" + u.sub_state; }

std::string status_table(const Context& ctx, const FleetStatus& s) {
    std::vector<support::Row> rows{{"NAME", "RUNTIME", "CLASS", "STATE", "SESSION"}};
    for (const auto& a : s.agents)
        rows.push_back({a.agent.name, a.agent.runtime, a.agent.agent_class, {state_of(a.unit), state_tone(a.unit)},
                        {a.session ? "yes" : "no", a.session ? Tone::ok : Tone::plain}});
    return support::render_table(rows, ctx.color());
}

}  // namespace

int report_units(const Context& ctx, const std::string& verb, const FleetReport& r) {
    if (r.systemd_unreachable)
        throw Error(exit_failed, "cannot reach the user's systemd ('systemctl --user' says: " + *r.systemd_unreachable +
                                     "); " + user_systemd_hint());
    for (const auto& u : r.units) {
        if (u.ok) ctx.out(verb + " " + u.unit + "\n");
        else ctx.err("mosaic: " + u.unit + " " + ctx.paint("failed", Tone::bad, MOSAIC_STDERR) + ": " + u.message + "\n");
    }
    auto failed = r.failed_units();
    if (failed.empty()) return 0;
    std::string names;
    for (const auto& f : failed) names += (names.empty() ? "'" : ", '") + f + "'";
    throw Error(exit_failed, std::to_string(failed.size()) + " of " + std::to_string(r.units.size()) +
                                 " units failed: " + names);
}

void define_install_systemd(CLI::App& app, InstallSystemdCommand& o) {
    app.add_flag("--no-gateway", o.no_gateway,
                 "do not give the agents gateway tokens and the gateway's URLs, even with a gateway installed");
}

int run_install_systemd(const InstallSystemdCommand& o, Deps& d) {
    Roster roster = load_roster(d.roster_path);
    auto tmux = support::find_program("tmux", d.path_env);
    if (!tmux) d.ctx.warn("'tmux' is not on PATH; the units name /usr/bin/tmux");
    UnitContext uc{d.ctx.executable().string(), d.home.string(), tmux.value_or("/usr/bin/tmux"), d.path_env};
    ExtraAgentEnv model_env = o.no_gateway ? ExtraAgentEnv{} : gateway_model_env(d.ctx, d.home);
    auto result = install_systemd(roster, uc, user_unit_dir(d.env("XDG_CONFIG_HOME"), d.user_home), d.user_home, model_env);
    if (model_env) d.ctx.out("the agents' model calls go through the gateway, each with its own token\n");
    for (const auto& p : result.written) d.ctx.out("wrote " + p.string() + "\n");
    d.ctx.out("run 'systemctl --user daemon-reload' to load the units, then 'mosaic fleet start'\n");
    return 0;
}

int run_start(const cli::NoOptions&, Deps& d) {
    return report_units(d.ctx, "started", start_fleet(load_roster(d.roster_path), d.seams.runner));
}

int run_stop(const cli::NoOptions&, Deps& d) {
    return report_units(d.ctx, "stopped", stop_fleet(load_roster(d.roster_path), d.seams.runner));
}

void define_status(CLI::App& app, StatusCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

int run_status(const StatusCommand& o, Deps& d) {
    if (auto why = support::insecure_directory(d.roster_path.parent_path())) d.ctx.warn(*why);
    FleetStatus s =
        collect_status(load_roster(d.roster_path), d.roster_path.string(), d.seams.runner, restart_lock_path(d.ctx.home()));
    if (o.json) {
        d.ctx.out(status_json(s).dump(2) + "\n");
    } else {
        d.ctx.out("holder  " + s.holder.unit + "  " + d.ctx.paint(state_of(s.holder), state_tone(s.holder)) +
                  "  session '" + s.holder_session + "' " + (s.holder_session_alive ? "up" : "down") + "  socket " +
                  (s.socket_name ? "'" + *s.socket_name + "'" : std::string("(default)")) + "\n");
        d.ctx.out(status_table(d.ctx, s));
        if (s.restart) d.ctx.out(describe_restart(*s.restart) + "\n");
    }
    if (!s.systemd_error) return 0;
    if (user_systemd_unreachable(*s.systemd_error))
        throw Error(exit_failed, "cannot read the unit states: " + *s.systemd_error + "; " + user_systemd_hint());
    throw Error(exit_failed, "cannot read the unit states: " + *s.systemd_error);
}

void define_restart(CLI::App& app, RestartCommand& o) {
    cli::complete_with(app.add_option("agent", o.agent, "restart only this agent"), cli::complete::dynamic("fleet.complete", "agent"));
    app.add_option("--max-wait", o.max_wait_s, "seconds to wait for another restart before breaking its lock (default 60)")
        ->check(cli::whole_number(0, 86400, "seconds"));
}

int run_restart(const RestartCommand& o, Deps& d) {
    Roster roster = load_roster(d.roster_path);
    RestartOptions options;
    options.max_wait_s = o.max_wait_s;
    if (!o.agent.empty()) options.agent = o.agent;
    FleetDeps deps{d.seams.runner, d.seams.clock, d.seams.sleeper, d.seams.inspector};
    bool waiting = false;
    auto observer = [&](const LockEvent& e) {
        switch (e.kind) {
            case LockEvent::Kind::waiting:
                waiting = true;
                d.ctx.progress("waiting for the restart lock, " + e.detail);
                break;
            case LockEvent::Kind::acquired:
                if (waiting) d.ctx.progress("restart lock acquired", 100, true);
                break;
            default:
                d.ctx.warn("broke the restart lock: " + e.detail);
                break;
        }
    };
    return report_units(d.ctx, "restarted", restart_fleet(roster, options, restart_lock_path(d.home), deps, observer));
}

}  // namespace mosaic::fleet
