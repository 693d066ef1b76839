// The `plugins` built-in: what was found, where, and whether it can be used. Manifests
// only: no library is opened, so a plugin that crashes on load cannot break this.

#include <nlohmann/json.hpp>

#include <mosaic/plugin_abi.h>
#include <mosaic/support/table.hpp>

#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace {

const char* const plugins_help =
    "usage: mosaic plugins [list] [--json] [--strict]\n"
    "       mosaic plugins verify [NAME...] [--json]  load each plugin and check it (see its --help)\n"
    "       mosaic plugins new NAME [DIR]             write a new plugin project (see its --help)\n"
    "\n"
    "Lists every plugin manifest found on the search path, in search order, with the\n"
    "columns NAME VERSION ABI STATUS PATH (PATH is the manifest). STATUS is one of:\n"
    "  ok                 usable\n"
    "  incompatible ABI   built for another plugin ABI (same major and a minor no newer\n"
    "                     than this mosaic's are required)\n"
    "  shadowed           a plugin of the same name was found earlier on the search path\n"
    "  missing library    the manifest names a library that does not exist\n"
    "  invalid manifest   the manifest cannot be read or is malformed\n"
    "  disabled           named in MOSAIC_PLUGINS_DISABLE\n"
    "  command collision  one of its commands is a built-in or belongs to an earlier plugin;\n"
    "                     the plugin is then not used at all\n"
    "and, below the table, the reason for each plugin that is not ok. Only manifests are\n"
    "read: a library is opened when one of its commands or services is used, so a plugin\n"
    "listed as ok can still fail to load.\n"
    "\n"
    "Search order: --plugin-dir DIR..., MOSAIC_PLUGIN_PATH, ${XDG_DATA_HOME:-~/.local/share}/\n"
    "mosaic/plugins, then the system directory (MOSAIC_PLUGIN_SYSTEM_PATH replaces it).\n"
    "MOSAIC_DEBUG_PLUGINS=1 explains every decision on stderr.\n"
    "\n"
    "options:\n"
    "  --json     print one JSON document: {\"plugins\": [...], \"search_path\": [...]}\n"
    "  --strict   exit 1 when any plugin is neither ok nor disabled (shadowed counts)\n";

Tone status_tone(PluginStatus s) {
    if (s == PluginStatus::ok) return Tone::ok;
    return s == PluginStatus::shadowed || s == PluginStatus::disabled ? Tone::warn : Tone::bad;
}

std::string text_table(const Discovery& d) {
    std::vector<support::Row> rows{{"NAME", "VERSION", "ABI", "STATUS", "PATH"}};
    for (const auto& p : d.plugins)
        rows.push_back({p.name, p.manifest ? p.manifest->version : "-", p.abi_text(),
                        {status_text(p.status), status_tone(p.status)}, p.manifest_path});
    std::string out = support::render_table(rows, output::color(MOSAIC_STDOUT));
    std::string reasons;
    for (const auto& p : d.plugins)
        if (p.status != PluginStatus::ok && !p.detail.empty())
            reasons += "  " + p.name + ": " + status_text(p.status) + ": " + p.detail + "\n";
    if (!reasons.empty()) out += "\nnot used:\n" + reasons;
    return out;
}

std::string json_document(const Discovery& d) {
    nlohmann::json plugins = nlohmann::json::array();
    for (const auto& p : d.plugins) {
        nlohmann::json j{{"name", p.name},
                         {"version", p.manifest ? nlohmann::json(p.manifest->version) : nlohmann::json()},
                         {"abi", p.manifest ? nlohmann::json(p.abi_text()) : nlohmann::json()},
                         {"status", status_text(p.status)},
                         {"detail", p.detail},
                         {"path", p.manifest_path},
                         {"library", p.library_path.empty() ? nlohmann::json() : nlohmann::json(p.library_path)}};
        nlohmann::json commands = nlohmann::json::array(), services = nlohmann::json::array();
        if (p.manifest) {
            for (const auto& c : p.manifest->commands) commands.push_back(c.name);
            for (const auto& s : p.manifest->services) services.push_back(s.name);
        }
        j["commands"] = commands;
        j["services"] = services;
        plugins.push_back(j);
    }
    nlohmann::json dirs = nlohmann::json::array();
    for (const auto& s : d.dirs) dirs.push_back({{"path", s.path.string()}, {"origin", s.origin}});
    // Invalid UTF-8 in a detail must not make dump() throw.
    return nlohmann::json{{"plugins", plugins}, {"search_path", dirs}}.dump(2, ' ', false,
                                                                             nlohmann::json::error_handler_t::replace) +
           "\n";
}

}  // namespace

int run_plugins(Session& session, const std::vector<std::string>& args) {
    if (args.size() > 1 && args[1] == "new") return run_plugins_new(session, args);
    if (args.size() > 1 && args[1] == "verify") return run_plugins_verify(session, args);
    bool json = false, strict = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "list" && i == 1) continue;
        if (a == "--json") json = true;
        else if (a == "--strict") strict = true;
        else if (a == "-h" || a == "--help") return output::out(plugins_help), 0;
        else {
            Session::error("unknown argument '" + escape_for_message(a) + "' for 'plugins'; run 'mosaic plugins --help'");
            return MOSAIC_EXIT_USAGE;
        }
    }
    const Discovery& d = session.discovery();
    std::string out = json ? json_document(d) : text_table(d);
    output::out(out);
    if (strict) {
        for (const auto& p : d.plugins)
            if (p.status != PluginStatus::ok && p.status != PluginStatus::disabled) return MOSAIC_EXIT_FAILED;
    }
    return 0;
}

}  // namespace mosaic::host
