// `mosaic config show|get|set|path`.
#include "commands.hpp"

#include <mosaic/support/file.hpp>

#include "config_show.hpp"

namespace mosaic::config_hooks {

namespace {
std::string show_value(const ojson& value) {
    if (value.is_string()) return value.get<std::string>();
    return value.is_object() ? value.dump(2) : value.dump();
}
}  // namespace

std::unique_ptr<Deps> make_deps(const Context& ctx) {
    return std::unique_ptr<Deps>(new Deps{ctx, HookPaths{ctx.home(), ctx.claude_home()}, config_file(ctx.home())});
}

void define_show(CLI::App& app, ShowCommand& o) {
    app.add_flag("--json", o.json, "print one JSON document");
    app.add_flag("--show-secrets", o.show_secrets, "print secrets instead of ***");
}

int run_show(const ShowCommand& o, Deps& d) {
    if (auto why = support::insecure_directory(d.hooks.home)) d.ctx.warn(*why);
    ojson view = build_config_view({d.hooks.home, d.hooks.claude_home, o.show_secrets});
    d.ctx.out(o.json ? view.dump(2) + "\n" : render_config_view(view));
    return 0;
}

void define_get(CLI::App& app, GetCommand& o) { app.add_option("key", o.key, "dotted key, e.g. agent.name")->required(); }

int run_get(const GetCommand& o, Deps& d) {
    auto found = get_key(load_config(d.config), o.key);
    if (!found) throw Error(exit_refused, "'" + o.key + "' is not set in '" + d.config.string() + "'");
    d.ctx.out(show_value(*found) + "\n");
    return 0;
}

void define_set(CLI::App& app, SetCommand& o) {
    app.add_option("key", o.key, "dotted key, e.g. agent.name")->required();
    app.add_option("value", o.value, "the value")->required();
    app.add_flag("--string", o.as_string, "store the value as a string, untyped");
}

int run_set(const SetCommand& o, Deps& d) {
    bool changed = set_config_values(d.config, {{o.key, o.as_string ? ojson(o.value) : typed_value(o.value)}});
    d.ctx.out(changed ? "set '" + o.key + "' in '" + d.config.string() + "'\n" : "'" + o.key + "' already has that value\n");
    return 0;
}

int run_path(const cli::NoOptions&, Deps& d) {
    d.ctx.out(d.config.string() + "\n");
    return 0;
}

}  // namespace mosaic::config_hooks
