#include "commands.hpp"

#include <algorithm>
#include <array>

#include <mosaic/plugin_abi.h>

#include "app.hpp"
#include "catalogue.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace {

constexpr std::array<BuiltinCommand, 5> builtins{{
    {"completion", "print a shell completion script (bash, zsh or fish)", run_completion},
    {"doctor", "check every installed plugin's health and say what to fix", run_doctor},
    {"help", "show this help, or a command's own help", run_help},
    {"plugins", "list installed plugins and whether they can be used", run_plugins},
    {"version", "show the version of mosaic and of its plugin ABI", run_version},
}};

}  // namespace

std::span<const BuiltinCommand> builtin_commands() { return builtins; }

const BuiltinCommand* find_builtin(std::string_view name) {
    auto it = std::lower_bound(builtins.begin(), builtins.end(), name,
                               [](const BuiltinCommand& c, std::string_view n) { return c.name < n; });
    return it != builtins.end() && it->name == name ? &*it : nullptr;
}

std::vector<std::string> builtin_names() {
    std::vector<std::string> out;
    for (const auto& c : builtins) out.emplace_back(c.name);
    return out;
}

namespace {
// A command that another plugin also declares: say which one runs and which is left out, so
// a plugin found earlier never takes a command over in silence.
void warn_about_collisions(const Discovery& d, const PluginEntry& used, const std::string& name) {
    for (const auto& p : d.plugins) {
        if (p.status != PluginStatus::command_collision) continue;
        for (const auto& c : p.manifest->commands)
            if (c.name == name)
                output::warning("command '" + name + "' is also declared by plugin '" + p.name + "' (" +
                                p.manifest_path + "), which is not used; '" + used.name + "' (" +
                                used.manifest_path + ") runs it. See 'mosaic plugins list'");
    }
}
}  // namespace

int dispatch(Session& session, const std::vector<std::string>& args) {
    const std::string& name = args.at(0);
    if (const BuiltinCommand* b = find_builtin(name)) return b->run(session, args);

    const Discovery& d = session.discovery();
    if (const PluginEntry* p = d.for_command(name)) {
        warn_about_collisions(d, *p, name);
        std::string error;
        int rc = session.runtime().run_command(*p, args, error);
        session.runtime().shutdown_all();
        if (rc != 0 && !error.empty()) Session::error(error);
        return rc;
    }

    // Installed but not usable: say which plugin and why, rather than "unknown".
    for (const auto& p : d.plugins) {
        if (!p.manifest || p.status == PluginStatus::shadowed) continue;
        for (const auto& c : p.manifest->commands) {
            if (c.name != name) continue;
            Session::error("the '" + name + "' command is provided by plugin '" + p.name + "', which " +
                           (p.status == PluginStatus::disabled ? "is disabled by MOSAIC_PLUGINS_DISABLE"
                                                               : "cannot be used (" + std::string(status_text(p.status)) +
                                                                     ": " + p.detail + "); run 'mosaic plugins list'"));
            return MOSAIC_EXIT_REFUSED;
        }
    }
    if (const CatalogueEntry* c = catalogue_entry_for_command(name)) {
        Session::error(not_installed_message(*c, "command", name));
        return MOSAIC_EXIT_REFUSED;
    }
    std::string message = "unknown command '" + escape_for_message(name) + "'";
    if (auto guess = closest_match(name, session.command_names()))
        message += "; did you mean '" + *guess + "'?";
    else
        message += "; run 'mosaic --help' for the list of commands";
    Session::error(message);
    return MOSAIC_EXIT_USAGE;
}

}  // namespace mosaic::host
