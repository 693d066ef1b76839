// mosaic/cli.hpp - parsing a plugin command's words with CLI11, the house way.
//
//     CLI::App app{"manage the fleet", "mosaic fleet"};
//     ... add options and subcommands ...
//     if (auto rc = mosaic::parse_cli(app, ctx(), args)) return *rc;   // help printed or usage error
//
// --help prints the app's help through the host and ends with exit 0; a parse error becomes
// mosaic::Error(exit_usage, ...) naming the problem and the help command (CLI11's own
// 100-127 exit codes are never used).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <mosaic/error.hpp>
#include <mosaic/sdk.hpp>

namespace mosaic {

// Returns std::nullopt when parsing succeeded and the command should run; 0 when help was
// printed. Throws mosaic::Error(exit_usage) on bad input.
inline std::optional<int> parse_cli(CLI::App& app, const Context& ctx, const std::vector<std::string>& args) {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 consumes from the back
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        ctx.out(app.help());
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        ctx.out(app.help("", CLI::AppFormatMode::All));
        return 0;
    } catch (const CLI::CallForVersion& e) {
        ctx.out(std::string(e.what()) + "\n");
        return 0;
    } catch (const CLI::ParseError& e) {
        throw Error(exit_usage, std::string(e.what()) + "; run '" + app.get_name() + " --help'");
    }
    return std::nullopt;
}

}  // namespace mosaic
