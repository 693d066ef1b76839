// `mosaic fleet profile list|show` and `mosaic fleet provision`: the built-in team profiles
// (team_profiles.hpp) and the roster one provisions.
#include "commands.hpp"

#include <fmt/format.h>

#include <mosaic/support/table.hpp>

#include "team_profiles.hpp"

namespace mosaic::fleet {

namespace {

std::string count_cell(const TeamProfile& p, const Seat& s, bool full) {
    if (!full && !in_floor(p, s)) return "-";
    return std::to_string(full ? s.count : s.floor_count);
}

std::string seat_table(const Context& ctx, const TeamProfile& p) {
    std::vector<support::Row> rows{{"SEAT", "CLASS", "RUNTIME", "MODEL", "FLOOR", "FULL", "DUTY"}};
    for (const auto& [seat, depth] : seat_tree(p))
        rows.push_back({std::string(2 * depth, ' ') + seat->id, seat->seat_class, seat->runtime,
                        seat->model_hint.value_or("-"), count_cell(p, *seat, false), count_cell(p, *seat, true),
                        seat->duty});
    return support::render_table(rows, ctx.color());
}

}  // namespace

void define_profile_list(CLI::App& app, ProfileListCommand& o) {
    app.add_flag("--json", o.json, "print a JSON array of the profiles (as 'profile show --json' prints each)");
}

int run_profile_list(const ProfileListCommand& o, Deps& d) {
    validate_profiles(team_profiles());
    if (o.json) {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& p : team_profiles()) all.push_back(profile_json(p));
        d.ctx.out(all.dump(2) + "\n");
        return 0;
    }
    std::vector<support::Row> rows{{"ID", "TITLE", "LEAD", "FLOOR", "FULL"}};
    for (const auto& p : team_profiles())
        rows.push_back({p.id, p.title, p.lead, std::to_string(team_size(p, false)), std::to_string(team_size(p, true))});
    d.ctx.out(support::render_table(rows, d.ctx.color()));
    return 0;
}

void define_profile_show(CLI::App& app, ProfileShowCommand& o) {
    app.add_option("id", o.id, "the profile's id (see 'mosaic fleet profile list')")->required();
    app.add_flag("--json", o.json, "print the profile as one JSON document");
}

int run_profile_show(const ProfileShowCommand& o, Deps& d) {
    const TeamProfile& p = find_team_profile(o.id);
    if (o.json) {
        d.ctx.out(profile_json(p).dump(2) + "\n");
        return 0;
    }
    d.ctx.out(p.id + ": " + p.title + "\n" + p.description + "\n\n");
    d.ctx.out("lead:  " + p.lead + "\n");
    d.ctx.out("floor: " + fmt::format("{}", fmt::join(p.floor, ", ")) + " (" + std::to_string(team_size(p, false)) +
              " agents; the full team has " + std::to_string(team_size(p, true)) + ")\n\n");
    d.ctx.out(seat_table(d.ctx, p));
    return 0;
}

void define_provision(CLI::App& app, ProvisionCommand& o) {
    app.add_option("--profile", o.profile, "the team profile (see 'mosaic fleet profile list')")->required();
    app.add_flag("--full", o.full, "every seat at its full count, not only the floor");
    auto* write = app.add_flag("--write", o.write, "write <home>/fleet/roster.yaml instead of printing");
    app.add_flag("--force", o.force,
                 "with --write: replace an existing roster (the old one is kept as roster.yaml.mosaic-bak-<stamp>)")
        ->needs(write);
}

int run_provision(const ProvisionCommand& o, Deps& d) {
    const TeamProfile& p = find_team_profile(o.profile);
    std::string text = provision_text(p, o.full);
    auto topology = topology_lines(p, o.full);
    if (!o.write) {  // the roster, then the topology as comments: the whole output is a roster
        d.ctx.out(text + "\n");
        for (const auto& line : topology) d.ctx.out("# " + line + "\n");
        d.ctx.out("# nothing written; add --write to write " + d.roster_path.string() + "\n");
        return 0;
    }
    report_roster_written(d.ctx, d.roster_path, write_roster(d.roster_path, text, o.force),
                          "profile '" + p.id + "', " + (o.full ? "full team" : "floor"));
    for (const auto& line : topology) d.ctx.out(line + "\n");
    return 0;
}

}  // namespace mosaic::fleet
