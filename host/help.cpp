// The `help` and `version` built-ins. Help is built from manifests only: no library is
// opened to list commands.
#include <algorithm>
#include <cstring>
#include <string_view>

#include <mosaic/plugin_abi.h>

#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace {

#define MOSAIC_STR2(x) #x
#define MOSAIC_STR(x) MOSAIC_STR2(x)

const char* const usage_text =
    "usage: mosaic [--mosaic-home DIR] [--plugin-dir DIR]... [-y|--yes] [--no-color] <command> [args]\n"
    "       mosaic --help | --version\n"
    "\n"
    "global options (the first four also after the command word, up to a '--'):\n"
    "  --mosaic-home DIR  mosaic home (default: $MOSAIC_HOME, else ~/.config/mosaic)\n"
    "  --plugin-dir DIR   look for plugins in DIR first (repeatable)\n"
    "  -y, --yes          never prompt: assume yes (same as MOSAIC_ASSUME_YES=1)\n"
    "  --no-color         no colour (also with NO_COLOR or TERM=dumb, or when not a terminal)\n"
    "  -h, --help         show this help\n"
    "  --version          show the version\n";

const char* const footer_text =
    "\n"
    "run 'mosaic <command> --help' (or 'mosaic help <command>') for a command's own help.\n"
    "exit status: 0 success, 1 failed, 2 usage or invalid input, 3 refused (state, plugin\n"
    "not installed or not usable), 130 interrupted; 'gateway status': 0 running, 3 not\n"
    "running, 4 not installed.\n";

void print(const std::string& s) { output::out(s); }

}  // namespace

std::string version_line() {
    return "mosaic " MOSAIC_VERSION " (plugin ABI " MOSAIC_STR(MOSAIC_ABI_MAJOR) "." MOSAIC_STR(MOSAIC_ABI_MINOR) ")";
}

std::string help_text(const Discovery& d) {
    // Views into the built-in table and the manifests; one output string, reserved once.
    // Both lists are sorted already (the built-in table by a test, d.commands as a map): merge.
    using Row = std::pair<std::string_view, std::string_view>;
    std::vector<Row> builtins, plugins;
    builtins.reserve(builtin_commands().size());
    plugins.reserve(d.commands.size());
    for (const auto& b : builtin_commands()) builtins.emplace_back(b.name, b.summary);
    for (const auto& [name, index] : d.commands) {
        const auto& cmds = d.plugins[index].manifest->commands;
        auto it = std::find_if(cmds.begin(), cmds.end(), [&, n = name](const auto& c) { return c.name == n; });
        plugins.emplace_back(name, it->summary);
    }
    std::vector<Row> rows(builtins.size() + plugins.size());
    std::merge(builtins.begin(), builtins.end(), plugins.begin(), plugins.end(), rows.begin());
    std::size_t width = 0, size = 0;
    for (const auto& r : rows) {
        width = std::max(width, r.first.size());
        size += r.second.size();
    }

    std::string out;
    out.reserve(std::strlen(usage_text) + std::strlen(footer_text) + 128 + size + rows.size() * (width + 5));
    out += usage_text;
    out += "\ncommands:\n";
    for (const auto& [name, summary] : rows) {
        out += "  ";
        out += name;
        out.append(width - name.size() + 2, ' ');
        out += summary;
        out += '\n';
    }
    out += footer_text;
    if (std::size_t n = d.unusable_count())
        out += "\n" + std::to_string(n) + (n == 1 ? " plugin" : " plugins") +
               " could not be used; run 'mosaic plugins list'\n";
    return out;
}

int run_help(Session& session, const std::vector<std::string>& args) {
    if (args.size() > 2) {
        Session::error("'help' takes at most one command name");
        return MOSAIC_EXIT_USAGE;
    }
    if (args.size() == 2 && args[1] != "--help" && args[1] != "-h") {
        // A command's own help: built-ins answer `--help` themselves, plugins do the same.
        return dispatch(session, {args[1], "--help"});
    }
    print(help_text(session.discovery()));
    return 0;
}

int run_version(Session&, const std::vector<std::string>& args) {
    if (args.size() > 1 && args[1] != "--help" && args[1] != "-h") {
        Session::error("'version' takes no arguments");
        return MOSAIC_EXIT_USAGE;
    }
    if (args.size() > 1) {
        print("usage: mosaic version\n\nprints the version of mosaic and of the plugin ABI it supports.\n");
        return 0;
    }
    print(version_line() + "\n");
    return 0;
}

}  // namespace mosaic::host
