// `mosaic agent tail|watch|reset`: reading, watching and resetting an agent's pane.
#include "commands.hpp"

#include <unistd.h>

#include "delivery.hpp"
#include "fleet_client.hpp"

namespace mosaic::agent {

void define_tail(CLI::App& app, TailCommand& o) {
    cli::complete_with(app.add_option("name", o.name, "the agent"), cli::complete::dynamic("agent.complete", "agent"))->required();
    app.add_option("-n,--lines", o.lines, "how many lines (default 50)")->check(cli::whole_number(1, 100000, "lines"));
}

int run_tail(const TailCommand& o, Deps& d) {
    FleetRoster roster = fleet_roster(d.ctx);
    PaneAddress pane = address_of(roster, roster.require(o.name));
    require_session(pane, d);
    std::string text = tail_lines(capture_pane(pane, d, o.lines), o.lines);
    if (text.empty()) {
        d.ctx.err("mosaic: the pane of '" + pane.agent + "' shows nothing: a full-screen TUI that draws only on "
                  "tmux's alternate screen, or a runtime that has printed nothing yet; run 'mosaic agent watch " +
                  pane.agent + "' to see it live\n");
        return 0;
    }
    d.ctx.out(text);
    return 0;
}

void define_watch(CLI::App& app, WatchCommand& o) { cli::complete_with(app.add_option("name", o.name, "the agent"), cli::complete::dynamic("agent.complete", "agent"))->required(); }

int run_watch(const WatchCommand& o, Deps& d) {
    FleetRoster roster = fleet_roster(d.ctx);
    PaneAddress pane = address_of(roster, roster.require(o.name));
    require_session(pane, d);
    const std::string viewer = viewer_session(pane.session, static_cast<long>(::getpid()));
    run_tmux(viewer_create_argv(pane.socket, pane.session, viewer), "create a viewer of agent '" + pane.agent + "'", d);
    d.ctx.err("watching '" + pane.agent + "' read-only in tmux session '" + viewer + "'; detach (C-b d) to leave\n");
    int rc = 0;
    try {
        rc = d.seams.terminal.run_attached(d.command(viewer_attach_argv(pane.socket, viewer)));
    } catch (...) {
        d.seams.runner.run(d.command(viewer_kill_argv(pane.socket, viewer)));
        throw;
    }
    d.seams.runner.run(d.command(viewer_kill_argv(pane.socket, viewer)));  // gone already unless attach failed
    if (rc != 0)
        throw Error(exit_failed, "tmux could not attach to the viewer of '" + pane.agent + "' (exit status " +
                                     std::to_string(rc) + "); 'agent watch' needs a terminal");
    return 0;
}

void define_reset(CLI::App& app, ResetCommand& o) {
    cli::complete_with(app.add_option("name", o.name, "the agent"), cli::complete::dynamic("agent.complete", "agent"))->required();
    app.add_flag("--new", o.restart, "restart the agent's unit (a new session) even when its runtime has a reset command");
}

int run_reset(const ResetCommand& o, Deps& d) {
    FleetRoster roster = fleet_roster(d.ctx);
    const AgentInfo& agent = roster.require(o.name);
    if (agent.reset_command && !o.restart) {
        PaneAddress pane = address_of(roster, agent);
        require_session(pane, d);
        type_into_pane(pane, *agent.reset_command, d);
        d.ctx.out("sent '" + *agent.reset_command + "' (runtimes." + agent.runtime + ".reset_command) to '" + agent.name +
                  "'\n");
        return 0;
    }
    call_fleet(d.ctx, "fleet.restart", {{"agent", agent.name}});
    d.ctx.out("restarted " + agent.unit + " (a new session for '" + agent.name + "')\n");
    return 0;
}

}  // namespace mosaic::agent
