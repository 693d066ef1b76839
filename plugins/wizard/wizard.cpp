#include "wizard.hpp"

#include "answers.hpp"
#include "apply.hpp"
#include "existing.hpp"
#include "sections.hpp"
#include "settings.hpp"
#include "summary.hpp"

namespace mosaic::wizard {

namespace {

// The menu; returns the stages to apply. Quick Start applies everything at once.
std::set<Stage> run_menu(const Context& ctx, Answers& a, const Existing& ex) {
    std::set<Section> done = ex.sections_done;
    const auto& sections = all_sections();
    while (true) {
        std::vector<std::string> options;
        std::size_t first_open = sections.size();
        for (std::size_t i = 0; i < sections.size(); ++i) {
            bool is_done = done.count(sections[i]) > 0;
            options.push_back(section_title(sections[i]) + (is_done ? " [done]" : ""));
            if (!is_done && first_open == sections.size()) first_open = i;
        }
        options.push_back("Finish & Apply");
        ctx.out("\n");
        std::size_t chosen = ctx.select("What would you like to set up?", options, first_open, "--section");
        if (chosen == sections.size()) return all_stages();
        Section s = sections[chosen];
        if (done.count(s) && !ctx.confirm("'" + section_title(s) + "' is already done; run it again?", false, "--section"))
            continue;
        run_section(ctx, s, a, ex);
        if (s == Section::quick_start) return all_stages();
        done.insert(s);
    }
}

void save_progress(Settings& settings, const Existing& ex, const ApplyReport& report, const Answers& a) {
    std::set<Section> done = ex.sections_done;
    for (Section s : sections_done_by(report.completed)) done.insert(s);
    nlohmann::json ids = nlohmann::json::array();
    for (Section s : all_sections())
        if (done.count(s)) ids.push_back(section_id(s));
    nlohmann::json values = {{"wizard.sections_done", ids}};
    if (report.hooks_ran) values["wizard.hooks"] = a.hooks;
    settings.set(values);
}

}  // namespace

int run_wizard(const Context& ctx, const WizardOptions& opts) {
    bool interactive = ctx.interactive() && !opts.yes;
    Existing ex = detect_existing(ctx);
    Answers a = initial_answers(ex, [&](const std::string& name) { return ctx.env(name); });
    std::set<Stage> stages = opts.section ? stages_for(*opts.section) : all_stages();

    if (interactive) {
        ctx.out("Welcome to Mosaic. This wizard sets up this machine: your model provider, the agent's\n"
                "identity, Claude Code hooks and the gateway with its admin account.\n\n");
        ctx.out(render_detection(ex));
        if (opts.section) run_section(ctx, *opts.section, a, ex);
        else stages = run_menu(ctx, a, ex);
        ctx.out("\n");
    } else {
        require_headless_values(a, ex, stages);
    }

    Settings settings = open_settings(ctx, ex);
    ApplyReport report = apply(ctx, settings, a, ex, {.stages = stages, .interactive = interactive});
    save_progress(settings, ex, report, a);

    ctx.out(token_banner(report));
    ctx.out("\n" + closing_line(report, stages));
    ctx.out(render_summary(a, ex, report, stages, ctx.home(), settings.location()));
    return 0;
}

}  // namespace mosaic::wizard
