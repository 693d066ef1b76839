#include "hooks_store.hpp"

#include <sys/stat.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/file_lock.hpp>

#include "hook_catalogue.hpp"
#include "settings_mirror.hpp"

namespace mosaic::config_hooks {

namespace {

const support::WriteOptions claude_file{std::nullopt, false, true};  // 0644 when new, 0700 dirs

JsonDocument load_settings(const HookPaths& paths) {
    JsonDocument doc = JsonDocument::load(paths.settings());
    validate_settings(doc);
    return doc;
}

// Writes `value` only when it differs from what `doc` holds. Returns whether it wrote.
bool store_if_changed(const JsonDocument& doc, const ojson& value) {
    if (doc.exists && doc.value == value) return false;
    store_json_document(doc.path, value, claude_file);
    return true;
}

fs::path backup_path(const fs::path& file) {
    std::string base = file.string() + ".mosaic-bak-" + support::utc_stamp();
    fs::path candidate = base;
    for (int n = 1; fs::exists(candidate); ++n) candidate = base + "-" + std::to_string(n);
    return candidate;
}

mode_t mode_of(const fs::path& file, mode_t fallback) {
    struct stat st {};
    return ::stat(file.c_str(), &st) == 0 ? (st.st_mode & 07777) : fallback;
}

bool write_scripts(const HookPaths& paths) {
    bool changed = false;
    fs::path dir = hooks_dir(paths.home);
    support::make_dirs(dir, 0755);
    for (const auto& spec : mosaic_hooks()) {
        fs::path file = dir / spec.id;
        std::string text = installed_script(spec, paths.claude_home);
        if (support::read_file(file) == text && mode_of(file, 0) == 0755) continue;
        support::write_file_atomic(file, text, support::WriteOptions{0755, true, false});
        changed = true;
    }
    return changed;
}

bool remove_scripts(const HookPaths& paths) {
    bool changed = false;
    fs::path dir = hooks_dir(paths.home);
    for (const auto& spec : mosaic_hooks()) {
        std::error_code ec;
        if (fs::remove(dir / spec.id, ec)) changed = true;
        if (ec) throw Error(exit_failed, "cannot remove '" + (dir / spec.id).string() + "': " + ec.message());
    }
    std::error_code ec;
    if (fs::is_directory(dir, ec) && fs::is_empty(dir, ec)) fs::remove(dir, ec);
    return changed;
}

}  // namespace

InstallResult install_hooks(const HookPaths& paths, bool force) {
    // The scripts run inside Claude Code: nobody else may be able to swap them.
    support::require_private_directory(paths.home);
    support::require_private_directory(paths.claude_home);
    support::FileLock lock(support::lock_path_for(paths.config()));

    // Read and check everything first: nothing is written when one file is bad.
    std::optional<JsonDocument> config;
    std::optional<std::string> unparsable;  // the reason, when the file is not JSON
    try {
        config = JsonDocument::load(paths.config());
    } catch (const Error& e) {
        if (!force) throw;
        unparsable = e.what();
    }
    bool ours = config && (!config->exists || is_mosaic_managed(config->value));
    if (config && ours) {
        try {
            validate_hooks_config(*config);
        } catch (const Error&) {
            if (!force) throw;
            ours = false;
        }
    }
    if (!ours && !force)
        throw Error(exit_refused, "'" + paths.config().string() +
                                      "' was not written by Mosaic (it has no \"mosaic-managed\": true); rerun "
                                      "with --force to back it up and replace it");
    JsonDocument settings = load_settings(paths);

    InstallResult result;
    ojson base = ours ? config->value : ojson::object();
    ojson wanted = add_mosaic_groups(base, paths.home);

    if (!ours) {
        std::string original = config ? config->text : *support::read_file(paths.config());
        fs::path backup = backup_path(paths.config());
        support::write_file_atomic(backup, original,
                                   support::WriteOptions{mode_of(paths.config(), 0644), true, false});
        result.backup = backup;
    }
    if (write_scripts(paths)) result.changed = true;
    JsonDocument current = config && ours ? *config : JsonDocument{paths.config(), false, "", ojson::object()};
    if (store_if_changed(current, wanted)) result.changed = true;
    if (store_if_changed(settings, mirror_into_settings(settings.value, wanted, paths.home))) result.changed = true;
    return result;
}

bool uninstall_hooks(const HookPaths& paths) {
    support::FileLock lock(support::lock_path_for(paths.config()));
    JsonDocument config = JsonDocument::load(paths.config());
    bool ours = config.exists && is_mosaic_managed(config.value);
    if (ours) validate_hooks_config(config);
    JsonDocument settings = load_settings(paths);

    bool changed = false;
    if (settings.exists) {
        if (store_if_changed(settings, mirror_into_settings(settings.value, ojson(), paths.home))) changed = true;
    }
    if (ours) {
        auto remaining = remove_mosaic_groups(config.value, paths.home);
        if (!remaining) {
            std::error_code ec;
            fs::remove(paths.config(), ec);
            if (ec) throw Error(exit_failed, "cannot remove '" + paths.config().string() + "': " + ec.message());
            changed = true;
        } else if (store_if_changed(config, *remaining)) {
            changed = true;
        }
    }
    if (remove_scripts(paths)) changed = true;
    return changed;
}

ToggleResult set_hooks_enabled(const HookPaths& paths, const std::string& target, bool enable) {
    support::FileLock lock(support::lock_path_for(paths.config()));
    JsonDocument config = JsonDocument::load(paths.config());
    if (!config.exists)
        throw Error(exit_refused, "no hooks are configured: '" + paths.config().string() +
                                      "' does not exist; run 'mosaic config hooks install'");
    validate_hooks_config(config);
    JsonDocument settings = load_settings(paths);

    ToggleResult r = toggle_hooks(config.value, target, enable, paths.config());
    if (r.changed) store_json_document(paths.config(), r.doc, claude_file);
    // Re-mirror even when nothing moved, so a settings.json edited by hand is put right.
    ojson mirrored = mirror_into_settings(settings.value, r.doc, paths.home);
    if (settings.exists || !mirrored.empty()) store_if_changed(settings, mirrored);
    return r;
}

HookListing read_hooks(const HookPaths& paths) {
    JsonDocument config = JsonDocument::load(paths.config());
    validate_hooks_config(config);
    return {config.exists, list_hooks(config.value)};
}

ojson preview_hooks() {
    ojson list = ojson::array();
    for (const auto& h : mosaic_hooks())
        list.push_back({{"id", h.id}, {"event", h.event}, {"matcher", h.matcher}, {"description", h.description}});
    return {{"hooks", list}};
}

}  // namespace mosaic::config_hooks
