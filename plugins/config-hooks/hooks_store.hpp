// hooks_store - the hook commands and services acting on disk: install, uninstall, enable,
// disable, list, preview. Each change holds an advisory lock on hooks-config.json for the whole
// read-modify-write of hooks-config.json and settings.json, validates every file it will touch
// before writing any, and writes each atomically, only when its content changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hooks_config.hpp"
#include "json_document.hpp"

namespace mosaic::config_hooks {

struct HookPaths {
    fs::path home;         // mosaic home: scripts go to <home>/hooks/
    fs::path claude_home;  // hooks-config.json and settings.json

    fs::path config() const { return claude_home / "hooks-config.json"; }
    fs::path settings() const { return claude_home / "settings.json"; }
};

struct InstallResult {
    bool changed = false;
    std::optional<fs::path> backup;  // where a replaced user-owned hooks-config.json went
};

// Writes the hook scripts (0755) to <home>/hooks/, adds Mosaic's groups to hooks-config.json
// (groups the user disabled stay disabled) and mirrors the enabled ones into settings.json.
// A hooks-config.json that is not Mosaic's (no "mosaic-managed": true, or not valid JSON) is
// refused with exit 3 unless `force`, and then first copied to
// hooks-config.json.mosaic-bak-<UTC stamp> and replaced. A mosaic or Claude home that others
// can write (support::insecure_directory) is refused with exit 3 before anything is read.
InstallResult install_hooks(const HookPaths& paths, bool force);

// Removes what install wrote: Mosaic's entries in settings.json, Mosaic's groups in a
// Mosaic-managed hooks-config.json (the file itself when nothing else is left in it), the
// scripts and, when empty, <home>/hooks/. Returns whether anything changed.
bool uninstall_hooks(const HookPaths& paths);

// disable / enable <EVENT|ID>. Exit 3 when hooks-config.json does not exist; exit 2 for an
// unknown event or id.
ToggleResult set_hooks_enabled(const HookPaths& paths, const std::string& target, bool enable);

struct HookListing {
    bool exists = false;
    std::vector<HookRow> rows;
};
HookListing read_hooks(const HookPaths& paths);

// {"hooks": [{"id", "event", "matcher", "description"}]}: what install writes.
ojson preview_hooks();

}  // namespace mosaic::config_hooks
