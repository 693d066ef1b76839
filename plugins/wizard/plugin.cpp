// `mosaic wizard`: CLI wiring only; the flow lives in wizard.cpp.
#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>

#include "section.hpp"
#include "wizard.hpp"

class WizardPlugin final : public mosaic::Plugin {
public:
    static constexpr mosaic::PluginInfo info{"wizard", "0.1.0", "Mosaic", "first-run setup of this machine"};
    static constexpr std::array commands{mosaic::CommandInfo{
        "wizard", "set up this machine: provider, agent identity, hooks and the gateway",
        "wizard [--section quick-start|providers|identity|hooks|gateway] [-y]"}};

    using Plugin::Plugin;

    int run(const std::string& /*command*/, const std::vector<std::string>& args) override {
        CLI::App app{"Set up this machine: provider key, agent identity, Claude Code hooks, gateway and its admin.\n"
                     "Headless (--yes, MOSAIC_ASSUME_YES=1 or no terminal): defaults, then the environment\n"
                     "(MOSAIC_AGENT_NAME, MOSAIC_AGENT_INTENT, MOSAIC_SKIP_CLAUDE_HOOKS=1, MOSAIC_ANTHROPIC_API_KEY,\n"
                     "the gateway variables and MOSAIC_ADMIN_NAME/EMAIL/PASSWORD), then apply.",
                     "mosaic wizard"};
        std::string section;
        mosaic::wizard::WizardOptions opts;
        app.add_option("--section", section, "run only this section and apply what it covers")
            ->check(CLI::IsMember(mosaic::wizard::section_ids()));
        app.add_flag("-y,--yes", opts.yes, "never prompt: take defaults and the environment");
        if (auto rc = mosaic::parse_cli(app, ctx(), args)) return *rc;
        if (!section.empty()) opts.section = mosaic::wizard::parse_section(section);
        return mosaic::wizard::run_wizard(ctx(), opts);
    }
};

MOSAIC_PLUGIN(WizardPlugin)
