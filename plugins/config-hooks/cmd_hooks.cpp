// `mosaic config hooks list|disable|enable|install|uninstall`.
#include "commands.hpp"

#include <mosaic/support/table.hpp>

#include "hook_catalogue.hpp"

namespace mosaic::config_hooks {

namespace {

std::string hooks_table(const Context& ctx, const std::vector<HookRow>& rows) {
    std::vector<support::Row> cells{{"EVENT", "ID", "MATCHER", "COMMAND", "STATUS"}};
    for (const auto& r : rows)
        cells.push_back({r.event, r.id.empty() ? "-" : r.id, r.matcher.empty() ? "*" : r.matcher,
                         r.command.empty() ? "-" : r.command,
                         {r.enabled ? "enabled" : "disabled", r.enabled ? Tone::ok : Tone::warn}});
    return support::render_table(cells, ctx.color());
}

std::string joined_ids() {
    std::string s;
    for (const auto& id : mosaic_hook_ids()) s += (s.empty() ? "" : ", ") + id;
    return s;
}

int toggle(const ToggleCommand& o, Deps& d, bool on) {
    ToggleResult r = set_hooks_enabled(d.hooks, o.target, on);
    std::string state = on ? "enabled" : "disabled";
    d.ctx.out(r.changed ? state + " " + r.subject + " (" + std::to_string(r.groups) +
                              (r.groups == 1 ? " group)\n" : " groups)\n")
                        : r.subject + " is already " + state + "\n");
    return 0;
}

}  // namespace

void define_list(CLI::App& app, ListCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

int run_list(const ListCommand& o, Deps& d) {
    HookListing listing = read_hooks(d.hooks);
    if (o.json) {
        ojson rows = ojson::array();
        for (const auto& r : listing.rows)
            rows.push_back({{"event", r.event},
                            {"id", r.id.empty() ? ojson() : ojson(r.id)},
                            {"matcher", r.matcher.empty() ? ojson() : ojson(r.matcher)},
                            {"command", r.command},
                            {"status", r.enabled ? "enabled" : "disabled"}});
        d.ctx.out(ojson{{"file", d.hooks.config().string()}, {"exists", listing.exists}, {"hooks", rows}}.dump(2) + "\n");
    } else if (!listing.exists) {
        d.ctx.out("no hooks configured (" + d.hooks.config().string() +
                  " does not exist); run 'mosaic config hooks install'\n");
    } else {
        d.ctx.out(hooks_table(d.ctx, listing.rows));
    }
    return 0;
}

void define_toggle(CLI::App& app, ToggleCommand& o) { app.add_option("target", o.target, "EVENT or ID")->required(); }
int run_disable(const ToggleCommand& o, Deps& d) { return toggle(o, d, false); }
int run_enable(const ToggleCommand& o, Deps& d) { return toggle(o, d, true); }

void define_install(CLI::App& app, InstallCommand& o) {
    app.add_flag("--force", o.force, "back up and replace a hooks-config.json Mosaic did not write");
}

int run_install(const InstallCommand& o, Deps& d) {
    InstallResult r = install_hooks(d.hooks, o.force);
    if (r.backup) d.ctx.out("backed up the previous hooks-config.json to '" + r.backup->string() + "'\n");
    d.ctx.out(r.changed ? "installed Mosaic's hooks (" + joined_ids() + ") into '" + hooks_dir(d.hooks.home).string() + "'\n"
                        : "Mosaic's hooks are already installed\n");
    return 0;
}

int run_uninstall(const cli::NoOptions&, Deps& d) {
    d.ctx.out(uninstall_hooks(d.hooks) ? "removed Mosaic's hooks\n" : "Mosaic's hooks are not installed\n");
    return 0;
}

}  // namespace mosaic::config_hooks
