// `mosaic agent roster|status`: the roster joined with what the fleet knows.
#include "commands.hpp"

#include "fleet_client.hpp"
#include "view.hpp"

namespace mosaic::agent {

namespace {

nlohmann::json view_of(Deps& d, const std::optional<std::string>& only) {
    FleetRoster roster = fleet_roster(d.ctx);
    if (only) roster.require(*only);
    return joined_view(roster, call_fleet(d.ctx, "fleet.ps"), only);
}

void warn_sources(const nlohmann::json& view, Deps& d) {
    if (view["systemd_error"].is_string())
        d.ctx.warn("cannot read unit states: " + view["systemd_error"].get<std::string>());
    if (view["tmux_error"].is_string()) d.ctx.warn("cannot read tmux: " + view["tmux_error"].get<std::string>());
}

}  // namespace

void define_roster(CLI::App& app, RosterCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

// The fleet's answer: the agent names are the roster's (docs/services.md, agent.complete).
nlohmann::json serve_complete(const nlohmann::json& in, Deps& d) {
    nlohmann::json ask{{"what", "agent"}, {"prefix", in.value("prefix", "")}};
    if (in.value("what", "") != "agent")
        throw Error(exit_usage, "service 'agent.complete' completes \"what\": \"agent\"");
    return call_fleet(d.ctx, "fleet.complete", ask);
}

int run_roster(const RosterCommand& o, Deps& d) {
    nlohmann::json view = view_of(d, std::nullopt);
    d.ctx.out(o.json ? view.dump(2) + "\n" : render_roster_table(view, d.ctx.color()));
    warn_sources(view, d);
    return 0;
}

void define_status(CLI::App& app, StatusCommand& o) {
    cli::complete_with(app.add_option("name", o.name, "only this agent"), cli::complete::dynamic("agent.complete", "agent"));
    app.add_flag("--json", o.json, "print one JSON document");
}

int run_status(const StatusCommand& o, Deps& d) {
    nlohmann::json view = view_of(d, o.name.empty() ? std::nullopt : std::optional(o.name));
    d.ctx.out(o.json ? view.dump(2) + "\n" : render_status_table(view, d.ctx.color()));
    warn_sources(view, d);
    return 0;
}

}  // namespace mosaic::agent
