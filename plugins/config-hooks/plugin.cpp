// config-hooks: `mosaic config ...` and `mosaic config hooks ...` wired with CLI11, and the
// services config.get, config.set, hooks.install, hooks.uninstall, hooks.preview. Thin: every
// decision lives in the domain files; this file parses words and formats output.
#include <algorithm>

#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>

#include "config_show.hpp"
#include "hook_catalogue.hpp"
#include "hooks_store.hpp"
#include "mosaic_config.hpp"

namespace mosaic::config_hooks {
namespace {

nlohmann::json plain(const ojson& value) { return nlohmann::json::parse(value.dump()); }
ojson ordered(const nlohmann::json& value) { return ojson::parse(value.dump()); }

std::string show_value(const ojson& value) {
    if (value.is_string()) return value.get<std::string>();
    return value.is_object() ? value.dump(2) : value.dump();
}

std::string hooks_table(const std::vector<HookRow>& rows) {
    std::vector<std::array<std::string, 5>> cells{{"EVENT", "ID", "MATCHER", "COMMAND", "STATUS"}};
    for (const auto& r : rows)
        cells.push_back({r.event, r.id.empty() ? "-" : r.id, r.matcher.empty() ? "*" : r.matcher,
                         r.command.empty() ? "-" : r.command, r.enabled ? "enabled" : "disabled"});
    std::array<std::size_t, 5> width{};
    for (const auto& row : cells)
        for (std::size_t i = 0; i < 5; ++i) width[i] = std::max(width[i], row[i].size());
    std::string out;
    for (const auto& row : cells) {
        std::string line;
        for (std::size_t i = 0; i < 5; ++i) line += i + 1 < 5 ? row[i] + std::string(width[i] - row[i].size() + 2, ' ') : row[i];
        out += line + "\n";
    }
    return out;
}

}  // namespace

class ConfigHooksPlugin final : public Plugin {
public:
    static constexpr PluginInfo info{"config-hooks", "0.1.0", "Mosaic",
                                     "Mosaic configuration and Claude Code hooks"};
    static constexpr std::array commands{
        CommandInfo{"config", "show and change Mosaic's configuration and its Claude Code hooks",
                    "config show|get|set|path|hooks ..."}};
    static constexpr std::array services{
        ServiceInfo{"config.get", "read a dotted key of mosaic.config.json"},
        ServiceInfo{"config.set", "write dotted keys of mosaic.config.json"},
        ServiceInfo{"hooks.install", "install Mosaic's Claude Code hooks"},
        ServiceInfo{"hooks.uninstall", "remove what hooks.install wrote"},
        ServiceInfo{"hooks.preview", "describe the hooks hooks.install would write"},
    };

    using Plugin::Plugin;

    int run(const std::string& /*command*/, const std::vector<std::string>& args) override {
        CLI::App app{"Show and change Mosaic's configuration (<home>/mosaic.config.json) and its Claude Code hooks",
                     "mosaic config"};
        app.require_subcommand(1);

        bool json = false, show_secrets = false;
        auto* show = app.add_subcommand("show", "print the effective configuration (secrets redacted)");
        show->add_flag("--json", json, "print one JSON document");
        show->add_flag("--show-secrets", show_secrets, "print secrets instead of ***");

        std::string key, value;
        auto* get = app.add_subcommand("get", "print the value of a dotted key, e.g. agent.name (exit 3 if unset)");
        get->add_option("key", key, "dotted key")->required();

        bool as_string = false;
        auto* set = app.add_subcommand(
            "set", "set a dotted key; true/false, numbers and JSON are typed, anything else is a string");
        set->add_option("key", key, "dotted key")->required();
        set->add_option("value", value, "the value")->required();
        set->add_flag("--string", as_string, "store the value as a string, untyped");

        auto* path = app.add_subcommand("path", "print the path of mosaic.config.json");

        auto* hooks = app.add_subcommand("hooks", "manage Mosaic's Claude Code hooks ($CLAUDE_HOME/hooks-config.json)");
        hooks->require_subcommand(1);
        auto* list = hooks->add_subcommand("list", "list hooks: EVENT ID MATCHER COMMAND STATUS");
        list->add_flag("--json", json, "print one JSON document");
        std::string target;
        auto* disable = hooks->add_subcommand("disable", "disable every hook of an event, or one hook by id");
        disable->add_option("target", target, "EVENT or ID")->required();
        auto* enable = hooks->add_subcommand("enable", "enable again what disable disabled");
        enable->add_option("target", target, "EVENT or ID")->required();
        bool force = false;
        auto* install = hooks->add_subcommand(
            "install", "write Mosaic's hook scripts to <home>/hooks/, hooks-config.json and settings.json");
        install->add_flag("--force", force, "back up and replace a hooks-config.json Mosaic did not write");
        auto* uninstall = hooks->add_subcommand("uninstall", "remove only what install wrote");

        if (auto rc = parse_cli(app, ctx(), args)) return *rc;

        const fs::path file = config_file(ctx().home());
        const HookPaths hook_paths{ctx().home(), ctx().claude_home()};
        if (show->parsed()) {
            ojson view = build_config_view({ctx().home(), ctx().claude_home(), show_secrets});
            ctx().out(json ? view.dump(2) + "\n" : render_config_view(view));
        } else if (get->parsed()) {
            auto found = get_key(load_config(file), key);
            if (!found) throw Error(exit_refused, "'" + key + "' is not set in '" + file.string() + "'");
            ctx().out(show_value(*found) + "\n");
        } else if (set->parsed()) {
            bool changed = set_config_values(file, {{key, as_string ? ojson(value) : typed_value(value)}});
            ctx().out(changed ? "set '" + key + "' in '" + file.string() + "'\n"
                              : "'" + key + "' already has that value\n");
        } else if (path->parsed()) {
            ctx().out(file.string() + "\n");
        } else if (list->parsed()) {
            HookListing listing = read_hooks(hook_paths);
            if (json) {
                ojson rows = ojson::array();
                for (const auto& r : listing.rows)
                    rows.push_back({{"event", r.event}, {"id", r.id.empty() ? ojson() : ojson(r.id)},
                                    {"matcher", r.matcher.empty() ? ojson() : ojson(r.matcher)},
                                    {"command", r.command}, {"status", r.enabled ? "enabled" : "disabled"}});
                ctx().out(ojson{{"file", hook_paths.config().string()}, {"exists", listing.exists}, {"hooks", rows}}
                              .dump(2) + "\n");
            } else if (!listing.exists) {
                ctx().out("no hooks configured (" + hook_paths.config().string() +
                          " does not exist); run 'mosaic config hooks install'\n");
            } else {
                ctx().out(hooks_table(listing.rows));
            }
        } else if (disable->parsed() || enable->parsed()) {
            bool on = enable->parsed();
            ToggleResult r = set_hooks_enabled(hook_paths, target, on);
            std::string state = on ? "enabled" : "disabled";
            ctx().out(r.changed ? state + " " + r.subject + " (" + std::to_string(r.groups) +
                                      (r.groups == 1 ? " group)\n" : " groups)\n")
                                : r.subject + " is already " + state + "\n");
        } else if (install->parsed()) {
            InstallResult r = install_hooks(hook_paths, force);
            if (r.backup) ctx().out("backed up the previous hooks-config.json to '" + r.backup->string() + "'\n");
            ctx().out(r.changed ? "installed Mosaic's hooks (" + join_ids() + ") into '" +
                                      hooks_dir(ctx().home()).string() + "'\n"
                                : "Mosaic's hooks are already installed\n");
        } else if (uninstall->parsed()) {
            ctx().out(uninstall_hooks(hook_paths) ? "removed Mosaic's hooks\n" : "Mosaic's hooks are not installed\n");
        }
        return 0;
    }

    nlohmann::json call(const std::string& service, const nlohmann::json& input) override {
        const HookPaths hook_paths{ctx().home(), ctx().claude_home()};
        if (service == "config.get") {
            auto key = input.find("key");
            if (key == input.end() || !key->is_string())
                throw Error(exit_usage, "config.get: 'key' is required and must be a string");
            auto found = get_key(load_config(config_file(ctx().home())), key->get<std::string>());
            return {{"key", *key}, {"set", found.has_value()}, {"value", found ? plain(*found) : nlohmann::json()}};
        }
        if (service == "config.set") {
            auto values = input.find("values");
            if (values == input.end() || !values->is_object())
                throw Error(exit_usage, "config.set: 'values' is required and must be an object of dotted keys");
            std::vector<std::pair<std::string, ojson>> pairs;
            for (const auto& [k, v] : values->items()) pairs.emplace_back(k, ordered(v));
            return {{"changed", set_config_values(config_file(ctx().home()), pairs)}};
        }
        if (service == "hooks.install") {
            auto force = input.find("force");
            if (force != input.end() && !force->is_boolean())
                throw Error(exit_usage, "hooks.install: 'force' must be true or false");
            InstallResult r = install_hooks(hook_paths, force != input.end() && force->get<bool>());
            return {{"changed", r.changed},
                    {"hooks", mosaic_hook_ids()},
                    {"backup", r.backup ? nlohmann::json(r.backup->string()) : nlohmann::json()}};
        }
        if (service == "hooks.uninstall") return {{"changed", uninstall_hooks(hook_paths)}};
        if (service == "hooks.preview") return plain(preview_hooks());
        return Plugin::call(service, input);
    }

private:
    static std::string join_ids() {
        std::string s;
        for (const auto& id : mosaic_hook_ids()) s += (s.empty() ? "" : ", ") + id;
        return s;
    }
};

}  // namespace mosaic::config_hooks

MOSAIC_PLUGIN(mosaic::config_hooks::ConfigHooksPlugin)
