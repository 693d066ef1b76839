// config-hooks: `mosaic config ...` and `mosaic config hooks ...`, and the services config.*,
// hooks.* and config-hooks.doctor. The command and service tables; each row's function is in
// cmd_config.cpp, cmd_hooks.cpp or services.cpp.
#include "commands.hpp"

namespace mosaic::config_hooks {
namespace {

constexpr std::array hooks_commands{
    cli::command<&define_list, &run_list>("list", "list hooks: EVENT ID MATCHER COMMAND STATUS"),
    cli::command<&define_toggle, &run_disable>("disable", "disable every hook of an event, or one hook by id"),
    cli::command<&define_toggle, &run_enable>("enable", "enable again what disable disabled"),
    cli::command<&define_install, &run_install>(
        "install", "write Mosaic's hook scripts to <home>/hooks/, hooks-config.json and settings.json"),
    cli::command<&run_uninstall>("uninstall", "remove only what install wrote"),
};

constexpr std::array config_commands{
    cli::command<&define_show, &run_show>("show", "print the effective configuration (secrets redacted)"),
    cli::command<&define_get, &run_get>("get", "print the value of a dotted key, e.g. agent.name (exit 3 if unset)"),
    cli::command<&define_set, &run_set>(
        "set", "set a dotted key; true/false, numbers and JSON are typed, anything else is a string"),
    cli::command<&run_path>("path", "print the path of mosaic.config.json"),
    cli::group<hooks_commands>(
        "hooks", "manage Mosaic's Claude Code hooks ($CLAUDE_HOME/hooks-config.json)",
        "Claude Code runs the enabled hooks from $CLAUDE_HOME/settings.json, where Mosaic mirrors them.\n"
        "disable and enable take an event (PreToolUse, PostToolUse, ...) or a hook id; both are\n"
        "idempotent and lossless."),
};

}  // namespace

class ConfigHooksPlugin final : public TablePlugin<ConfigHooksPlugin, Deps> {
public:
    static constexpr PluginInfo info{"config-hooks", "0.1.0", "Mosaic", "Mosaic configuration and Claude Code hooks"};
    static constexpr std::array commands{cli::group<config_commands>(
        "config", "show and change Mosaic's configuration and its Claude Code hooks",
        "The configuration is <home>/mosaic.config.json; secrets print as *** unless --show-secrets.",
        "config show|get|set|path|hooks ...")};
    static constexpr std::array services{
        cli::Service<Deps>{"config.get", "read a dotted key of mosaic.config.json", &serve_config_get},
        cli::Service<Deps>{"config.set", "write dotted keys of mosaic.config.json", &serve_config_set},
        cli::Service<Deps>{"hooks.install", "install Mosaic's Claude Code hooks", &serve_hooks_install},
        cli::Service<Deps>{"hooks.uninstall", "remove what hooks.install wrote", &serve_hooks_uninstall},
        cli::Service<Deps>{"hooks.preview", "describe the hooks hooks.install would write", &serve_hooks_preview},
        cli::Service<Deps>{"config-hooks.doctor", "check the configuration, the hooks and settings.json",
                           &serve_doctor},
    };
    static std::unique_ptr<Deps> make_deps(const Context& ctx) { return config_hooks::make_deps(ctx); }

    using TablePlugin::TablePlugin;
};

}  // namespace mosaic::config_hooks

MOSAIC_PLUGIN(mosaic::config_hooks::ConfigHooksPlugin)
