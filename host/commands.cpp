#include "commands.hpp"

#include <algorithm>
#include <array>

#include <mosaic/plugin_abi.h>

#include "app.hpp"
#include "catalogue.hpp"

namespace mosaic::host {

namespace {

constexpr std::array<BuiltinCommand, 4> builtins{{
    {"completion", "print a shell completion script (bash, zsh or fish)", run_completion},
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

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Levenshtein with adjacent transpositions (optimal string alignment), two rows + one.
    std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        prev2 = prev;
        prev = cur;
    }
    return prev[b.size()];
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    if (word.empty()) return std::nullopt;
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    const std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, word.size() / 3 + 1));
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        bool prefix = word.size() >= 2 && c.rfind(word, 0) == 0;
        if (d > limit && !prefix) continue;
        if (prefix) d = std::min(d, limit);
        if (!best || d < best_distance || (d == best_distance && c < *best)) best = c, best_distance = d;
    }
    return best;
}

int dispatch(Session& session, const std::vector<std::string>& args) {
    const std::string& name = args.at(0);
    if (const BuiltinCommand* b = find_builtin(name)) return b->run(session, args);

    const Discovery& d = session.discovery();
    if (const PluginEntry* p = d.for_command(name)) {
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
