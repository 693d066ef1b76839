// options.hpp - the host's global options (everything before the command word) and the
// UTF-8 check every argument goes through before it may cross the plugin ABI.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mosaic/support/text.hpp>

namespace mosaic::host {

struct GlobalOptions {
    std::optional<std::string> mosaic_home;  // --mosaic-home DIR
    std::vector<std::string> plugin_dirs;    // --plugin-dir DIR, in the order given
    bool yes = false;                        // -y / --yes
    bool no_color = false;                   // --no-color
    bool help = false;                       // -h / --help
    bool version = false;                    // --version
    // The command word and everything after it, untouched (args[0] is the command).
    std::vector<std::string> command_args;
};

struct ParseResult {
    GlobalOptions options;
    std::string error;  // non-empty: a usage error (exit 2), in the house message style
};

// Parses argv[1..]. Before the command word every global option is recognised; after it,
// --mosaic-home, --plugin-dir, -y/--yes and --no-color still are (they mean the same to every
// command), while -h/--help, --version and everything else belong to the command. "--" ends
// option processing (before the command word it is dropped, after it it is passed on).
// Accepts "--opt VALUE" and "--opt=VALUE".
ParseResult parse_global_options(const std::vector<std::string>& args);

using support::escape_for_message;  // sdk: mosaic/support/text.hpp
using support::is_valid_utf8;

}  // namespace mosaic::host
