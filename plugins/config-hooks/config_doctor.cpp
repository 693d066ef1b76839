#include "config_doctor.hpp"

#include <unistd.h>

#include <mosaic/error.hpp>

#include "hook_catalogue.hpp"
#include "hooks_config.hpp"
#include "mosaic_config.hpp"
#include "settings_mirror.hpp"

namespace mosaic::config_hooks {

namespace {

const char* const reinstall = "run 'mosaic config hooks install'";

doctor::Check config_check(const HookPaths& paths) {
    fs::path file = config_file(paths.home);
    try {
        load_config(file);
        return {"config", true, fs::exists(file) ? file.string() : "'" + file.string() + "' not written yet", ""};
    } catch (const Error& e) {
        return {"config", false, e.what(), "fix or remove '" + file.string() + "'"};
    }
}

// The scripts of Mosaic's enabled hooks, each present and executable.
doctor::Check scripts_check(const HookPaths& paths, const ojson& hooks_config) {
    std::string missing;
    std::size_t count = 0;
    for (const auto& row : list_hooks(hooks_config)) {
        if (!row.enabled || !is_mosaic_command(row.command, paths.home)) continue;
        ++count;
        for (const auto& spec : mosaic_hooks()) {
            fs::path script = hooks_dir(paths.home) / spec.id;
            if (row.id == spec.id && ::access(script.c_str(), X_OK) != 0)
                missing += (missing.empty() ? "'" : ", '") + script.string() + "'";
        }
    }
    if (!missing.empty()) return {"hook scripts", false, "missing or not executable: " + missing, reinstall};
    return {"hook scripts", true, std::to_string(count) + " enabled, each executable", ""};
}

doctor::Check settings_check(const HookPaths& paths, const ojson& hooks_config) {
    try {
        JsonDocument settings = JsonDocument::load(paths.settings());
        validate_settings(settings);
        ojson base = settings.exists ? settings.value : ojson::object();
        if (mirror_into_settings(base, hooks_config, paths.home) != base)
            return {"settings.json", false, "Mosaic's enabled hooks are not all in '" + paths.settings().string() + "'",
                    reinstall};
        return {"settings.json", true, "Mosaic's enabled hooks are in '" + paths.settings().string() + "'", ""};
    } catch (const Error& e) {
        return {"settings.json", false, e.what(), "fix or remove '" + paths.settings().string() + "'"};
    }
}

}  // namespace

std::vector<doctor::Check> check_config_hooks(const HookPaths& paths) {
    std::vector<doctor::Check> checks{config_check(paths)};
    JsonDocument hooks;
    try {
        hooks = JsonDocument::load(paths.config());
        validate_hooks_config(hooks);
    } catch (const Error& e) {
        checks.push_back({"hooks-config", false, e.what(),
                          "fix the file, or replace it with 'mosaic config hooks install --force' (a backup is kept)"});
        return checks;
    }
    if (!hooks.exists) {
        checks.push_back({"hooks-config", true, "Mosaic's hooks are not installed ('mosaic config hooks install')", ""});
        return checks;
    }
    if (!is_mosaic_managed(hooks.value)) {
        checks.push_back({"hooks-config", false, "'" + paths.config().string() + "' was not written by Mosaic",
                          "'mosaic config hooks install --force' replaces it (a backup is kept)"});
        return checks;
    }
    checks.push_back({"hooks-config", true, paths.config().string(), ""});
    checks.push_back(scripts_check(paths, hooks.value));
    checks.push_back(settings_check(paths, hooks.value));
    return checks;
}

}  // namespace mosaic::config_hooks
