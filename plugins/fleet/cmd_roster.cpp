// `mosaic fleet init|add|remove`: the roster.
#include "commands.hpp"

#include "custody.hpp"

namespace mosaic::fleet {

void define_init(CLI::App& app, InitOptions& o) {
    app.add_option("--profile", o.profile,
                   "minimal (one claude agent) or software-delivery (planner, two coders, a reviewer); default "
                   "minimal. 'mosaic fleet provision' writes the team profiles of 'mosaic fleet profile list'");
    app.add_flag("--write", o.write, "write <home>/fleet/roster.yaml instead of printing");
    app.add_flag("--force", o.force,
                 "with --write: replace an existing roster (the old one is kept as roster.yaml.mosaic-bak-<stamp>)");
}

void report_roster_written(const Context& ctx, const std::filesystem::path& roster, const WriteResult& written,
                           const std::string& what) {
    if (written.backup) ctx.out("kept the previous roster as " + written.backup->string() + "\n");
    ctx.out("wrote " + roster.string() + " (" + what + "); next: 'mosaic fleet install-systemd'\n");
}

int run_init(const InitOptions& o, Deps& d) {
    InitResult r = init_roster(o, d.roster_path);
    if (!r.written) {
        d.ctx.out(r.text);
        return 0;
    }
    report_roster_written(d.ctx, d.roster_path, {r.backup}, "profile '" + o.profile + "'");
    return 0;
}

void define_add(CLI::App& app, AddCommand& o) {
    app.add_option("name", o.agent.name, "agent name")->required();
    app.add_option("--runtime", o.agent.runtime, "claude, codex, opencode, pi, or a runtime the roster declares under 'runtimes'")
        ->required();
    app.add_option("--class", o.agent.agent_class, "agent class (default worker)");
    app.add_option("--model", o.model, "model hint passed to the runtime");
    cli::complete_with(app.add_option("--working-dir", o.working_dir, "working directory of the agent's session"),
                       cli::complete::directory());
    cli::complete_with(app.add_option("--reports-to", o.reports_to, "the agent of the roster this one reports to"),
                       cli::complete::dynamic("fleet.complete", "agent"));
    app.add_flag("--no-start", o.no_start, "do not start the agent's unit");
    app.add_flag("--no-gateway", o.no_gateway,
                 "do not give the agent a gateway token and the gateway's URLs, even with a gateway installed");
}

int run_add(const AddCommand& o, Deps& d) {
    AddOptions add{o.agent, !o.no_start, o.no_gateway ? ExtraAgentEnv{} : gateway_model_env(d.ctx, d.home)};
    if (!o.model.empty()) add.agent.model_hint = o.model;
    if (!o.working_dir.empty()) add.agent.working_directory = o.working_dir;
    if (!o.reports_to.empty()) add.agent.reports_to = o.reports_to;
    FleetReport r = add_agent(add, d.membership(), d.seams.runner);
    d.ctx.out("added '" + add.agent.name + "' to " + d.roster_path.string() + "\n");
    return report_units(d.ctx, "started", r);
}

void define_remove(CLI::App& app, RemoveCommand& o) {
    cli::complete_with(app.add_option("name", o.name, "agent name"), cli::complete::dynamic("fleet.complete", "agent"))->required();
    app.add_flag("--no-stop", o.no_stop, "do not stop the agent's unit");
    app.add_flag("--no-gateway", o.no_gateway, "keep the agent's gateway tokens active");
}

int run_remove(const RemoveCommand& o, Deps& d) {
    FleetReport r = remove_agent(o.name, !o.no_stop, d.membership(), d.seams.runner);
    int rc = report_units(d.ctx, "stopped", r);
    if (rc != 0) return rc;
    d.ctx.out("removed '" + o.name + "' from " + d.roster_path.string() + "\n");
    if (o.no_gateway) return 0;
    if (auto n = revoke_gateway_tokens(d.ctx, o.name))
        d.ctx.out("revoked " + std::to_string(*n) + " gateway token" + (*n == 1 ? "" : "s") + " of '" + o.name + "'\n");
    return 0;
}

}  // namespace mosaic::fleet
