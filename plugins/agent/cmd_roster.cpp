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

int run_roster(const RosterCommand& o, Deps& d) {
    nlohmann::json view = view_of(d, std::nullopt);
    d.ctx.out(o.json ? view.dump(2) + "\n" : render_roster_table(view, d.ctx.color()));
    warn_sources(view, d);
    return 0;
}

void define_status(CLI::App& app, StatusCommand& o) {
    app.add_option("name", o.name, "only this agent");
    app.add_flag("--json", o.json, "print one JSON document");
}

int run_status(const StatusCommand& o, Deps& d) {
    nlohmann::json view = view_of(d, o.name.empty() ? std::nullopt : std::optional(o.name));
    d.ctx.out(o.json ? view.dump(2) + "\n" : render_status_table(view, d.ctx.color()));
    warn_sources(view, d);
    return 0;
}

}  // namespace mosaic::agent
