// discovery.hpp - where plugins are looked for and what their manifests say
// (docs/architecture.md, "Discovery and the manifest index"). Reads manifests only: nothing
// here ever opens a plugin library.
//
// Search order, first match of a plugin name wins:
//   1. --plugin-dir DIR (repeatable, in the order given)
//   2. MOSAIC_PLUGIN_PATH (colon-separated; empty elements ignored)
//   3. ${XDG_DATA_HOME:-~/.local/share}/mosaic/plugins
//   4. the system directories <exe dir>/../lib/mosaic/plugins and
//      <exe dir>/../<libdir>/mosaic/plugins, or MOSAIC_PLUGIN_SYSTEM_PATH (colon-separated)
//      instead when it is set (set but empty: no system directory).
// In a set-uid/set-gid process the environment-derived entries (2, 3 and the
// MOSAIC_PLUGIN_SYSTEM_PATH override) are ignored. Directories are canonicalised and a
// directory seen twice is searched once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "manifest.hpp"

namespace mosaic::host {

enum class PluginStatus {
    ok,
    incompatible_abi,
    shadowed,
    missing_library,
    invalid_manifest,
    disabled,
    command_collision,
    foreign_service,  // provides a service outside its namespace (service_namespace_owner)
};

// Which plugin may provide services named `<namespace>.<verb>`: `config` and `hooks` belong to
// config-hooks, every other namespace to the plugin of that name. A plugin that provides a
// service another plugin owns is not used (status foreign_service).
std::string service_namespace_owner(const std::string& service);

const char* status_text(PluginStatus s);
// Counted in the "N plugins could not be used" footer: broken, not merely shadowed/disabled.
bool is_unusable(PluginStatus s);

struct SearchDir {
    std::filesystem::path path;
    std::string origin;  // "--plugin-dir", "MOSAIC_PLUGIN_PATH", "XDG_DATA_HOME", "system", ...
};

struct SearchInputs {
    std::vector<std::string> plugin_dirs;
    std::optional<std::string> plugin_path_env;  // MOSAIC_PLUGIN_PATH
    std::optional<std::string> xdg_data_home;    // XDG_DATA_HOME
    std::optional<std::string> home;             // HOME
    std::optional<std::string> system_path_env;  // MOSAIC_PLUGIN_SYSTEM_PATH
    std::filesystem::path exe_dir;               // directory of the running executable
    std::string libdir = "lib";                  // CMAKE_INSTALL_LIBDIR, e.g. lib/x86_64-linux-gnu
    bool setuid = false;                         // getuid() != geteuid() or gid likewise
};

// The candidate directories in search order, before canonicalisation (pure).
std::vector<SearchDir> search_path(const SearchInputs& in);

struct PluginEntry {
    std::string name;  // from the manifest; the file name without ".plugin.json" when invalid
    std::string manifest_path;
    std::string library_path;  // empty when the manifest is invalid
    std::optional<manifest::Manifest> manifest;
    PluginStatus status = PluginStatus::ok;
    std::string detail;  // why, for every status but ok
    std::string abi_text() const;  // "1.0", or "-" without a manifest
};

struct Discovery {
    std::vector<SearchDir> dirs;       // searched: existing, canonical, unique, in order
    std::vector<PluginEntry> plugins;  // every manifest found, in search order
    std::map<std::string, std::size_t> commands;  // command -> index of its (usable) plugin
    std::unordered_map<std::string, std::size_t> services;  // service -> index of its (usable) plugin

    const PluginEntry* for_command(const std::string& name) const;
    const PluginEntry* for_service(const std::string& name) const;
    std::size_t unusable_count() const;
};

struct DiscoveryRules {
    std::set<std::string> disabled;        // MOSAIC_PLUGINS_DISABLE
    std::vector<std::string> builtins;     // built-in command names: they always win
    uint32_t host_abi_major = 0, host_abi_minor = 0;
    std::function<void(const std::string&)> debug;  // MOSAIC_DEBUG_PLUGINS=1: every decision
    std::string index_dir;                 // manifest index cache (manifest_index.hpp); empty: none
    std::string tree_of;                   // the one command whose tree to keep (completion); "": none
};

Discovery discover(const std::vector<SearchDir>& candidates, const DiscoveryRules& rules);

// "a,b" -> {a, b}; blanks around names and empty names are ignored.
std::set<std::string> parse_disabled(const std::string& list);

}  // namespace mosaic::host
