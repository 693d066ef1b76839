#include "options.hpp"

namespace mosaic::host {

ParseResult parse_global_options(const std::vector<std::string>& args) {
    ParseResult r;
    GlobalOptions& o = r.options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            o.command_args.assign(args.begin() + static_cast<long>(i) + 1, args.end());
            return r;
        }
        if (a.empty() || a[0] != '-' || a == "-") {
            o.command_args.assign(args.begin() + static_cast<long>(i), args.end());
            return r;
        }
        std::string name = a;
        std::optional<std::string> inline_value;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = a.substr(0, eq);
            inline_value = a.substr(eq + 1);
        }
        auto value = [&]() -> std::optional<std::string> {
            if (inline_value) return inline_value;
            if (i + 1 < args.size()) return args[++i];
            return std::nullopt;
        };
        auto flag = [&](bool& target) {
            if (inline_value) r.error = "option '" + name + "' takes no value";
            target = true;
        };
        if (name == "--mosaic-home" || name == "--plugin-dir") {
            auto v = value();
            if (!v || v->empty()) {
                r.error = "option '" + name + "' needs a directory";
            } else if (name == "--mosaic-home") {
                o.mosaic_home = *v;
            } else {
                o.plugin_dirs.push_back(*v);
            }
        } else if (name == "-y" || name == "--yes") {
            flag(o.yes);
        } else if (name == "--no-color") {
            flag(o.no_color);
        } else if (name == "-h" || name == "--help") {
            flag(o.help);
        } else if (name == "--version") {
            flag(o.version);
        } else {
            r.error = "unknown option '" + escape_for_message(name) + "'; run 'mosaic --help'";
        }
        if (!r.error.empty()) return r;
    }
    return r;
}

}  // namespace mosaic::host
