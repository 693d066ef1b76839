#include "options.hpp"

namespace mosaic::host {

namespace {

enum class Match { no, taken, error };

// Reads the global option at args[i] into `o` (advancing `i` past a separate value).
// `anywhere`: after the command word, where only the options that every command shares are
// taken and everything else is the command's.
Match take_option(const std::vector<std::string>& args, std::size_t& i, bool anywhere, ParseResult& r) {
    GlobalOptions& o = r.options;
    const std::string& a = args[i];
    std::string name = a;
    std::optional<std::string> inline_value;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq);
        inline_value = a.substr(eq + 1);
    }
    auto flag = [&](bool& target) {
        if (inline_value) r.error = "option '" + name + "' takes no value";
        target = true;
        return r.error.empty() ? Match::taken : Match::error;
    };
    if (name == "--mosaic-home" || name == "--plugin-dir") {
        std::optional<std::string> v = inline_value;
        if (!v && i + 1 < args.size()) v = args[++i];
        if (!v || v->empty()) {
            r.error = "option '" + name + "' needs a directory";
            return Match::error;
        }
        if (name == "--mosaic-home") o.mosaic_home = *v;
        else o.plugin_dirs.push_back(*v);
        return Match::taken;
    }
    if (name == "-y" || name == "--yes") return flag(o.yes);
    if (name == "--no-color") return flag(o.no_color);
    if (anywhere) return Match::no;  // the command's own option (its --help, --version, ...)
    if (name == "-h" || name == "--help") return flag(o.help);
    if (name == "--version") return flag(o.version);
    r.error = "unknown option '" + escape_for_message(name) + "'; run 'mosaic --help'";
    return Match::error;
}

}  // namespace

ParseResult parse_global_options(const std::vector<std::string>& args) {
    ParseResult r;
    GlobalOptions& o = r.options;
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            o.command_args.assign(args.begin() + static_cast<long>(i) + 1, args.end());
            return r;
        }
        if (a.empty() || a[0] != '-' || a == "-") break;
        if (take_option(args, i, false, r) == Match::error) return r;
    }
    // After the command word: the shared options are still the host's (as in `mosaic fleet
    // --mosaic-home X status`), up to a "--", which is left for the command.
    bool options_end = false;
    for (; i < args.size(); ++i) {
        if (args[i] == "--") options_end = true;
        if (!options_end && args[i].size() > 1 && args[i][0] == '-') {
            Match m = take_option(args, i, true, r);
            if (m == Match::error) return r;
            if (m == Match::taken) continue;
        }
        o.command_args.push_back(args[i]);
    }
    return r;
}

}  // namespace mosaic::host
