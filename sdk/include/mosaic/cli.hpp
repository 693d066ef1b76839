// mosaic/cli.hpp - a plugin's command line, the house way.
//
// Every first-party plugin has one shape, and a third-party plugin may use it too:
//
//   - a table of subcommands per command, like git's commands[]: one row per subcommand with
//     its name, its one-line summary and its help text (data, shown by --help), and a
//     function; a row may also be a group with a table of its own (`config hooks ...`);
//   - one function per subcommand, `int run_x(const XOptions&, Deps&)`, and one function that
//     declares its options into the struct, `void define_x(CLI::App&, XOptions&)`;
//   - a Deps bundle (the plugin's Context and every effect: runner, clock, HTTP client, ...)
//     built by one factory on first use, so --help never needs it and tests can swap it;
//   - the same for services: a table of rows {name, summary, function(input, deps)}.
//
//     struct StatusOptions { bool json = false; };
//     void define_status(CLI::App& app, StatusOptions& o) { app.add_flag("--json", o.json, "print one JSON document"); }
//     int run_status(const StatusOptions& o, Deps& deps);
//
//     constexpr std::array gateway_commands{
//         cli::command<&define_status, &run_status>("status", "pid, port, url, health"),
//         cli::command<&run_start>("start", "start the gateway"),            // no options
//     };
//     class GatewayPlugin final : public mosaic::TablePlugin<GatewayPlugin, Deps> {
//         static constexpr std::array commands{cli::group<gateway_commands>("gateway", "...")};
//         static constexpr std::array services{cli::Service<Deps>{"gateway.status", "...", &serve_status}};
//         static std::unique_ptr<Deps> make_deps(const Context& ctx);
//     };
//
// A group answers `--help`, `help [<command>]` and nothing at all with its help (exit 0), and
// an unknown word with "unknown command 'x' for 'mosaic gateway'; did you mean 'y'?" (exit 2).
// A leaf's words are parsed by CLI11; --help prints the help and ends with exit 0; a parse
// error becomes mosaic::Error(exit_usage) in the house style, naming the problem and the
// subcommand's own --help (CLI11's 100-127 exit codes are never used).
//
// Completion. The same tables describe each command's tree (ABI 1.1 describe(), written
// into the manifest by mosaic-plugin-manifest; docs/plugin-manifest.md, "Command tree"):
// groups give their subcommands, and each leaf's CLI::App, built as for a run, gives its
// options and arguments. How a value completes is read from CLI11:
//
//   - a flag (add_flag) takes no value: kind none;
//   - cli::complete_with(option, how) says it outright, how being one of
//     cli::complete::text(), file(), directory(), choice({"local", "team"}) or
//     dynamic("fleet.complete", "agent"): ask the plugin's own service at TAB time
//     (input {"what", "prefix", "words"}, reply {"values": [...]}; list it in `services`);
//   - else the type name: FILE (also CLI::ExistingFile, ExistingPath) completes file names,
//     DIR (CLI::ExistingDirectory) directories, anything else is text (nothing offered).
//
//     cli::complete_with(app.add_option("--tier", o.tier, "local or team"),
//                        cli::complete::choice({"local", "team"}))->check(CLI::IsMember({"local", "team"}));
//
// complete_with only describes: it checks nothing (its validator accepts every value) and
// is invisible in --help.
#pragma once

#include <array>
#include <cctype>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>

#include <mosaic/error.hpp>
#include <mosaic/sdk.hpp>
#include <mosaic/support/text.hpp>

namespace mosaic {

namespace cli {

// CLI11's message for `e` in the house style: lowercase, no final period, the subject quoted.
inline std::string describe(const CLI::ParseError& e) {
    std::string what = e.what();
    // By type, not by e.get_name(): CLI11 names some errors after the app that threw them.
    auto is = [&](auto* type) { return dynamic_cast<std::remove_pointer_t<decltype(type)> const*>(&e) != nullptr; };
    auto after_colon = [&](std::string s) {
        auto colon = s.find(": ");
        return colon == std::string::npos ? s : s.substr(colon + 2);
    };
    auto quoted_words = [](const std::string& words) {
        std::string out;
        std::size_t start = 0;
        while (start < words.size()) {
            auto end = words.find(' ', start);
            if (end == std::string::npos) end = words.size();
            if (end > start) out += (out.empty() ? "'" : " '") + support::escape_for_message(words.substr(start, end - start)) + "'";
            start = end + 1;
        }
        return out;
    };
    if (is(static_cast<CLI::ExtrasError*>(nullptr))) {
        std::string words = after_colon(what);
        bool several = words.find(' ') != std::string::npos;
        if (!several && !words.empty() && words[0] == '-') return "unknown option " + quoted_words(words);
        if (several) {  // CLI11 joins them last first (rjoin): put them back in the user's order
            std::string ordered;
            for (std::size_t end = words.size(), space; end > 0; end = space == std::string::npos ? 0 : space) {
                space = words.rfind(' ', end - 1);
                std::size_t begin = space == std::string::npos ? 0 : space + 1;
                ordered += (ordered.empty() ? "" : " ") + words.substr(begin, end - begin);
            }
            words = ordered;
        }
        return std::string(several ? "unexpected arguments " : "unexpected argument ") + quoted_words(words);
    }
    if (is(static_cast<CLI::RequiredError*>(nullptr))) {
        const std::string suffix = " is required";
        if (what.size() > suffix.size() && what.compare(what.size() - suffix.size(), suffix.size(), suffix) == 0) {
            std::string subject = what.substr(0, what.size() - suffix.size());
            return std::string(subject[0] == '-' ? "missing option '" : "missing argument '") + subject + "'";
        }
    }
    if (is(static_cast<CLI::ArgumentMismatch*>(nullptr))) {
        auto colon = what.find(':');
        if (colon != std::string::npos && what.find("required", colon) != std::string::npos)
            return "option '" + what.substr(0, colon) + "' needs a value";
    }
    if (is(static_cast<CLI::ConversionError*>(nullptr))) {
        // "Could not convert: --lines = abc"
        auto eq = what.find(" = ");
        if (what.rfind("Could not convert: ", 0) == 0 && eq != std::string::npos) {
            std::string name = what.substr(19, eq - 19);
            return "invalid value '" + support::escape_for_message(what.substr(eq + 3)) + "' for '" + name + "'";
        }
    }
    if (is(static_cast<CLI::ValidationError*>(nullptr))) {
        auto colon = what.find(": ");
        if (colon != std::string::npos) {
            std::string problem = what.substr(colon + 2);
            if (!problem.empty()) problem[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(problem[0])));
            return "invalid value for '" + what.substr(0, colon) + "': " + problem;
        }
    }
    if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
    while (!what.empty() && what.back() == '.') what.pop_back();
    return what;
}

// House labels for CLI11's help: lowercase headings, "-h, --help  show this help".
inline void house_style(CLI::App& app) {
    auto f = app.get_formatter();
    f->label("Usage", "usage");
    f->label("Positionals", "arguments");
    f->label("OPTIONS", "options");
    f->label("REQUIRED", "(required)");
    app.option_defaults()->group("options");
    app.set_help_flag("-h,--help", "show this help");
}

// A validator for a whole number in [min, max], with a message that says so plainly
// (CLI::Range would print the limits of a double).
inline CLI::Validator whole_number(long long min, long long max, const std::string& unit = "") {
    std::string range = std::to_string(min) + " to " + std::to_string(max) + (unit.empty() ? "" : " " + unit);
    return CLI::Validator(
        [min, max, range](std::string& value) -> std::string {
            std::size_t used = 0;
            long long v = 0;
            try {
                v = std::stoll(value, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != value.size() || v < min || v > max)
                return "must be a whole number from " + range + ", not '" + support::escape_for_message(value) + "'";
            return {};
        },
        "", "whole_number");
}

// How completion offers a value (see the top of this file).
struct Completion {
    const char* kind;  // none, text, file, directory, choice, dynamic
    std::vector<std::string> choices = {};
    std::string service = {}, what = {};
};
namespace complete {
inline Completion text() { return {"text"}; }
inline Completion file() { return {"file"}; }
inline Completion directory() { return {"directory"}; }
inline Completion choice(std::vector<std::string> values) { return {"choice", std::move(values)}; }
// `service` is one of the plugin's own services; `what` tells it what to complete.
inline Completion dynamic(std::string service, std::string what) { return {"dynamic", {}, std::move(service), std::move(what)}; }
}  // namespace complete

namespace detail {
inline constexpr std::string_view completion_tag = "mosaic-complete ";
}

// Marks how `option`'s value completes; returns `option`. A validator that accepts
// everything carries it (named "mosaic-complete {...}", with no description).
inline CLI::Option* complete_with(CLI::Option* option, const Completion& how) {
    nlohmann::json j{{"kind", how.kind}};
    if (!how.choices.empty()) j["choices"] = how.choices;
    if (!how.service.empty()) j["complete"] = how.service;
    if (!how.what.empty()) j["what"] = how.what;
    return option->check(CLI::Validator([](std::string&) { return std::string(); }, "",
                                        std::string(detail::completion_tag) + j.dump()));
}

}  // namespace cli

// Returns std::nullopt when parsing succeeded and the command should run; 0 when help was
// printed. Throws mosaic::Error(exit_usage) on bad input, pointing to the app's --help.
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
        throw Error(exit_usage, cli::describe(e) + "; run '" + app.get_name() + " --help'");
    }
    return std::nullopt;
}

namespace cli {

template <class Deps>
struct Command;

// One command line on its way down the tables: "mosaic config hooks" and the words after it.
template <class Deps>
class Call {
public:
    using DepsFactory = std::function<Deps&()>;

    Call(const Context& ctx, std::string path, std::vector<std::string> args, const Command<Deps>& row,
         DepsFactory deps)
        : ctx_(ctx), path_(std::move(path)), args_(std::move(args)), row_(row), deps_(std::move(deps)) {}

    const Context& ctx() const { return ctx_; }
    const std::string& path() const { return path_; }              // "mosaic config hooks"
    const std::vector<std::string>& args() const { return args_; }  // the words after it
    const Command<Deps>& row() const { return row_; }               // its row: summary, help
    Deps& deps() const { return deps_(); }                          // built on first use

    // The call of a row of this call's group, with the words after the row's name.
    Call below(const Command<Deps>& row, std::vector<std::string> args) const {
        return Call(ctx_, path_ + " " + row.name, std::move(args), row, deps_);
    }

private:
    const Context& ctx_;
    std::string path_;
    std::vector<std::string> args_;
    const Command<Deps>& row_;
    DepsFactory deps_;
};

// A row of a command table.
template <class Deps>
struct Command {
    using deps_type = Deps;
    const char* name;      // [a-z][a-z0-9-]*
    const char* summary;   // one line, lowercase, no final period: the group's help lists it
    int (*run)(const Call<Deps>&);
    const char* help = nullptr;   // more for --help (paragraphs, exit statuses, environment)
    const char* usage = nullptr;  // a plugin's top-level rows only: the descriptor's usage line
    // Adds what is below this row to `node` (its "commands", or its "options" and "args"):
    // the command tree. Set by command<>() and group<>(); no side effects, no Deps.
    void (*describe)(nlohmann::json& node) = nullptr;
};

// A row of a service table.
template <class Deps>
struct Service {
    const char* name;     // "<area>.<verb>"
    const char* summary;  // one line
    nlohmann::json (*serve)(const nlohmann::json& input, Deps& deps);
};

namespace detail {

template <class F>
struct RunTraits;
template <class O, class D>
struct RunTraits<int (*)(const O&, D&)> {
    using Options = O;
    using Deps = D;
};

template <class Deps>
std::string description(const Call<Deps>& call) {
    std::string text = call.row().summary;
    if (call.row().help) text += "\n\n" + std::string(call.row().help);
    return text;
}

template <auto Define, auto Run>
int leaf(const Call<typename RunTraits<decltype(Run)>::Deps>& call) {
    typename RunTraits<decltype(Run)>::Options options{};
    CLI::App app{description(call), call.path()};
    house_style(app);
    if constexpr (!std::is_same_v<decltype(Define), std::nullptr_t>) Define(app, options);
    if (auto rc = parse_cli(app, call.ctx(), call.args())) return *rc;
    return Run(options, call.deps());
}

// How `opt`'s value completes, as a tree's value object: {"kind", ...}.
inline nlohmann::json completion_of(CLI::Option& opt) {
    for (int i = 0;; ++i) {
        CLI::Validator* v = nullptr;
        try {
            v = opt.get_validator(i);
        } catch (const CLI::OptionNotFound&) {
            break;
        }
        const std::string& name = v->get_name();
        if (name.rfind(completion_tag, 0) == 0) return nlohmann::json::parse(name.substr(completion_tag.size()));
    }
    if (opt.get_items_expected_max() == 0) return {{"kind", "none"}};  // a flag: expected(0)
    std::string type = opt.get_type_name() + ":";
    for (std::size_t start = 0, colon; (colon = type.find(':', start)) != std::string::npos; start = colon + 1) {
        std::string part = type.substr(start, colon - start);
        if (part == "FILE" || part == "PATH") return {{"kind", "file"}};
        if (part == "DIR" || part == "DIRECTORY") return {{"kind", "directory"}};
    }
    return {{"kind", "text"}};
}

// The options and arguments of a leaf's app (its help flags left out: every command has them).
inline void describe_app(CLI::App& app, nlohmann::json& node) {
    nlohmann::json options = nlohmann::json::array(), args = nlohmann::json::array();
    for (CLI::Option* opt : app.get_options()) {
        if (opt == app.get_help_ptr() || opt == app.get_help_all_ptr() || opt->get_group().empty()) continue;
        nlohmann::json value = completion_of(*opt);
        if (!opt->get_snames().empty() || !opt->get_lnames().empty()) {
            nlohmann::json names = nlohmann::json::array();
            for (const auto& n : opt->get_snames()) names.push_back("-" + n);
            for (const auto& n : opt->get_lnames()) names.push_back("--" + n);
            nlohmann::json o{{"names", names}, {"summary", opt->get_description()}};
            o.update(value);
            options.push_back(std::move(o));
        } else if (opt->get_positional()) {
            nlohmann::json a{{"name", opt->get_name(true)}, {"summary", opt->get_description()}};
            a.update(value);
            if (a["kind"] == "none") a["kind"] = "text";
            if (opt->get_items_expected_max() > 1) a["many"] = true;
            args.push_back(std::move(a));
        }
    }
    if (!options.empty()) node["options"] = std::move(options);
    if (!args.empty()) node["args"] = std::move(args);
}

// A leaf's tree: its CLI::App built exactly as leaf() builds it, then read back.
template <auto Define, auto Run>
void describe_leaf(nlohmann::json& node) {
    typename RunTraits<decltype(Run)>::Options options{};
    CLI::App app{"", "describe"};
    house_style(app);
    if constexpr (!std::is_same_v<decltype(Define), std::nullptr_t>) Define(app, options);
    describe_app(app, node);
}

template <const auto& Table>
void describe_group(nlohmann::json& node) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& row : Table) {
        nlohmann::json child{{"name", row.name}, {"summary", row.summary}};
        if (row.describe) row.describe(child);
        list.push_back(std::move(child));
    }
    node["commands"] = std::move(list);
}

template <class Deps, std::size_t N>
std::string group_help(const std::array<Command<Deps>, N>& table, const Call<Deps>& call) {
    std::size_t width = 0;
    for (const auto& row : table) width = std::max(width, std::string_view(row.name).size());
    std::string out = "usage: " + call.path() + " <command> [options]\n\n" + description(call) + "\n\ncommands:\n";
    for (const auto& row : table)
        out += "  " + std::string(row.name) + std::string(width - std::string_view(row.name).size() + 2, ' ') +
               row.summary + "\n";
    out += "\nrun '" + call.path() + " <command> --help' for the options of a command.\n";
    return out;
}

}  // namespace detail

// Runs the row of `table` that the first word of `call` names.
template <class Deps, std::size_t N>
int dispatch(const std::array<Command<Deps>, N>& table, const Call<Deps>& call) {
    const auto& args = call.args();
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || (args[0] == "help" && args.size() == 1)) {
        call.ctx().out(detail::group_help(table, call));
        return 0;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    std::string word = args[0];
    if (word == "help") {  // `help <command>`: that command's own help
        word = args[1];
        rest = {"--help"};
    }
    for (const auto& row : table)
        if (word == row.name) return row.run(call.below(row, std::move(rest)));
    std::string quoted = "'" + support::escape_for_message(word) + "'";
    if (!word.empty() && word[0] == '-')
        throw Error(exit_usage, "unknown option " + quoted + " for '" + call.path() + "'; options go after the command: run '" +
                                    call.path() + " --help'");
    std::vector<std::string> names;
    for (const auto& row : table) names.emplace_back(row.name);
    std::string message = "unknown command " + quoted + " for '" + call.path() + "'";
    if (auto guess = support::closest_match(word, names)) message += "; did you mean '" + *guess + "'?";
    else message += "; run '" + call.path() + " --help' for its commands";
    throw Error(exit_usage, message);
}

// A leaf row: `Define` declares the options into an `Options` struct, `Run(options, deps)`
// runs it. Signatures: void Define(CLI::App&, Options&); int Run(const Options&, Deps&).
template <auto Define, auto Run>
constexpr auto command(const char* name, const char* summary, const char* help = nullptr, const char* usage = nullptr) {
    using Deps = typename detail::RunTraits<decltype(Run)>::Deps;
    return Command<Deps>{name, summary, &detail::leaf<Define, Run>, help, usage, &detail::describe_leaf<Define, Run>};
}
// A leaf row without options (Run still takes its Options struct, usually cli::NoOptions).
template <auto Run>
constexpr auto command(const char* name, const char* summary, const char* help = nullptr, const char* usage = nullptr) {
    using Deps = typename detail::RunTraits<decltype(Run)>::Deps;
    return Command<Deps>{name, summary, &detail::leaf<nullptr, Run>, help, usage, &detail::describe_leaf<nullptr, Run>};
}
struct NoOptions {};

// A group row: its words are dispatched to `Table`, an array of rows with static storage.
template <const auto& Table>
int run_group(const Call<typename std::remove_cvref_t<decltype(Table)>::value_type::deps_type>& call) {
    return dispatch(Table, call);
}
template <const auto& Table>
constexpr auto group(const char* name, const char* summary, const char* help = nullptr, const char* usage = nullptr) {
    using Deps = typename std::remove_cvref_t<decltype(Table)>::value_type::deps_type;
    return Command<Deps>{name, summary, &run_group<Table>, help, usage, &detail::describe_group<Table>};
}

// Runs the top-level command `name` (a row of a plugin's `commands`).
template <class Deps, std::size_t N>
int run_command(const std::array<Command<Deps>, N>& commands, const Context& ctx, const std::string& name,
                const std::vector<std::string>& args, typename Call<Deps>::DepsFactory deps) {
    for (const auto& row : commands)
        if (name == row.name) return row.run(Call<Deps>(ctx, "mosaic " + name, args, row, std::move(deps)));
    throw Error(exit_usage, "unknown command '" + support::escape_for_message(name) + "'");
}

// Serves `name` from a plugin's `services`; input must be a JSON object.
template <class Deps, std::size_t N>
nlohmann::json serve(const std::array<Service<Deps>, N>& services, const std::string& name,
                     const nlohmann::json& input, const typename Call<Deps>::DepsFactory& deps) {
    for (const auto& row : services) {
        if (name != row.name) continue;
        if (!input.is_object()) throw Error(exit_usage, "service '" + name + "' expects a JSON object");
        return row.serve(input, deps());
    }
    throw Error(exit_refused, "service '" + name + "' is not implemented");
}

}  // namespace cli

// The test seam of a plugin's one Deps factory: while a UseSeams<S> lives, installed()
// holds its `S` (the plugin's bundle of effects: runner, clock, HTTP client, ...), and the
// factory hands those out instead of the real ones. FakeHost tests use it to record what a
// command ran instead of putting scripts on a fake PATH. One slot per S, per plugin.
template <class S>
class UseSeams {
public:
    explicit UseSeams(S seams) { slot().emplace(seams); }
    ~UseSeams() { slot().reset(); }
    UseSeams(const UseSeams&) = delete;
    UseSeams& operator=(const UseSeams&) = delete;
    static const std::optional<S>& installed() { return slot(); }

private:
    static std::optional<S>& slot() {
        static std::optional<S> seams;
        return seams;
    }
};

// The base of a plugin in the shape above: `Self` declares `info`, `commands` (rows of
// cli::Command<Deps>), `services` (rows of cli::Service<Deps>) and
// `static std::unique_ptr<Deps> make_deps(const Context&)`, the one factory of its Deps. Each
// command or service call gets Deps of its own, built when it first needs them, so nothing
// (an environment value, a connection) outlives the call that made it.
template <class Self, class Deps>
class TablePlugin : public Plugin {
public:
    using Plugin::Plugin;

    int run(const std::string& command, const std::vector<std::string>& args) override {
        std::unique_ptr<Deps> deps;
        return cli::run_command(Self::commands, ctx(), command, args, factory(deps));
    }

    nlohmann::json call(const std::string& service, const nlohmann::json& input) override {
        std::unique_ptr<Deps> deps;
        return cli::serve(Self::services, service, input, factory(deps));
    }

    // ABI 1.1 describe() (the descriptor's slot, mosaic/sdk.hpp): the tree of top-level
    // command `command` from the tables, as one JSON document. Needs no instance and no init;
    // builds no Deps; 2 for a command it does not have, 1 when the tree cannot be written.
    static int32_t describe_command(const char* command, mosaic_sink_fn sink, void* sink_ctx) noexcept {
        try {
            if (command == nullptr || sink == nullptr) return exit_usage;
            for (const auto& row : Self::commands) {
                if (std::string_view(command) != row.name || row.describe == nullptr) continue;
                nlohmann::json tree = nlohmann::json::object();
                row.describe(tree);
                std::string text = tree.dump();
                sink(sink_ctx, text.data(), text.size());
                return 0;
            }
            return exit_usage;
        } catch (...) {
            return exit_failed;
        }
    }

private:
    std::function<Deps&()> factory(std::unique_ptr<Deps>& slot) {
        return [this, &slot]() -> Deps& {
            if (!slot) slot = Self::make_deps(ctx());
            return *slot;
        };
    }
};

}  // namespace mosaic
