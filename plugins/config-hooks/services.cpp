// The config-hooks services (docs/services.md): config.get, config.set, hooks.install,
// hooks.uninstall, hooks.preview, config-hooks.doctor.
#include "commands.hpp"

#include "config_doctor.hpp"
#include "hook_catalogue.hpp"

namespace mosaic::config_hooks {

namespace {
nlohmann::json plain(const ojson& value) { return nlohmann::json::parse(value.dump()); }
ojson ordered(const nlohmann::json& value) { return ojson::parse(value.dump()); }
}  // namespace

nlohmann::json serve_config_get(const nlohmann::json& in, Deps& d) {
    auto key = in.find("key");
    if (key == in.end() || !key->is_string()) throw Error(exit_usage, "config.get: 'key' is required and must be a string");
    auto found = get_key(load_config(d.config), key->get<std::string>());
    return {{"key", *key}, {"set", found.has_value()}, {"value", found ? plain(*found) : nlohmann::json()}};
}

nlohmann::json serve_config_set(const nlohmann::json& in, Deps& d) {
    auto values = in.find("values");
    if (values == in.end() || !values->is_object())
        throw Error(exit_usage, "config.set: 'values' is required and must be an object of dotted keys");
    std::vector<std::pair<std::string, ojson>> pairs;
    for (const auto& [k, v] : values->items()) pairs.emplace_back(k, ordered(v));
    return {{"changed", set_config_values(d.config, pairs)}};
}

nlohmann::json serve_hooks_install(const nlohmann::json& in, Deps& d) {
    auto force = in.find("force");
    if (force != in.end() && !force->is_boolean()) throw Error(exit_usage, "hooks.install: 'force' must be true or false");
    InstallResult r = install_hooks(d.hooks, force != in.end() && force->get<bool>());
    return {{"changed", r.changed},
            {"hooks", mosaic_hook_ids()},
            {"backup", r.backup ? nlohmann::json(r.backup->string()) : nlohmann::json()}};
}

nlohmann::json serve_hooks_uninstall(const nlohmann::json&, Deps& d) { return {{"changed", uninstall_hooks(d.hooks)}}; }

nlohmann::json serve_hooks_preview(const nlohmann::json&, Deps&) { return plain(preview_hooks()); }

nlohmann::json serve_doctor(const nlohmann::json&, Deps& d) { return doctor::to_json(check_config_hooks(d.hooks)); }

}  // namespace mosaic::config_hooks
