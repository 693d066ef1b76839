// `mosaic wizard`: the command table (one row) and its wiring; the flow lives in wizard.cpp.
#include <mosaic/cli.hpp>

#include "section.hpp"
#include "wizard.hpp"

namespace mosaic::wizard {
namespace {

struct Deps {
    const Context& ctx;
};

struct WizardCommand {
    std::string section;
    bool yes = false;
};

void define_wizard(CLI::App& app, WizardCommand& o) {
    cli::complete_with(app.add_option("--section", o.section, "run only this section and apply what it covers"),
                       cli::complete::choice(section_ids()))
        ->check(CLI::IsMember(section_ids()));
    app.add_flag("-y,--yes", o.yes, "never prompt: take defaults and the environment");
}

int run_wizard_command(const WizardCommand& o, Deps& d) {
    WizardOptions options;
    options.yes = o.yes;
    if (!o.section.empty()) options.section = parse_section(o.section);
    return run_wizard(d.ctx, options);
}

}  // namespace

class WizardPlugin final : public TablePlugin<WizardPlugin, Deps> {
public:
    static constexpr PluginInfo info{"wizard", "0.1.0", "Mosaic", "first-run setup of this machine"};
    static constexpr std::array commands{cli::command<&define_wizard, &run_wizard_command>(
        "wizard", "set up this machine: provider, agent identity, hooks and the gateway",
        "Headless (--yes, MOSAIC_ASSUME_YES=1 or no terminal): defaults, then the environment\n"
        "(MOSAIC_AGENT_NAME, MOSAIC_AGENT_INTENT, MOSAIC_SKIP_CLAUDE_HOOKS=1, MOSAIC_ANTHROPIC_API_KEY,\n"
        "the gateway variables and MOSAIC_ADMIN_NAME/EMAIL/PASSWORD), then apply.",
        "wizard [--section quick-start|providers|identity|hooks|gateway] [-y]")};
    static constexpr std::array<cli::Service<Deps>, 0> services{};
    static std::unique_ptr<Deps> make_deps(const Context& ctx) { return std::unique_ptr<Deps>(new Deps{ctx}); }

    using TablePlugin::TablePlugin;
};

}  // namespace mosaic::wizard

MOSAIC_PLUGIN(mosaic::wizard::WizardPlugin)
