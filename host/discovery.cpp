#include "discovery.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <string_view>
#include <unistd.h>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "loader.hpp"
#include "manifest_index.hpp"

namespace mosaic::host {

namespace fs = std::filesystem;

const char* status_text(PluginStatus s) {
    switch (s) {
        case PluginStatus::ok: return "ok";
        case PluginStatus::incompatible_abi: return "incompatible ABI";
        case PluginStatus::shadowed: return "shadowed";
        case PluginStatus::missing_library: return "missing library";
        case PluginStatus::invalid_manifest: return "invalid manifest";
        case PluginStatus::disabled: return "disabled";
        case PluginStatus::command_collision: return "command collision";
        case PluginStatus::foreign_service: return "service outside its namespace";
    }
    return "unknown";
}

bool is_unusable(PluginStatus s) {
    return s == PluginStatus::incompatible_abi || s == PluginStatus::missing_library ||
           s == PluginStatus::invalid_manifest || s == PluginStatus::command_collision ||
           s == PluginStatus::foreign_service;
}

std::string service_namespace_owner(const std::string& service) {
    std::string ns = service.substr(0, service.find('.'));
    return ns == "config" || ns == "hooks" ? "config-hooks" : ns;
}

std::string PluginEntry::abi_text() const {
    if (!manifest) return "-";
    return std::to_string(manifest->abi_major) + "." + std::to_string(manifest->abi_minor);
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        auto end = s.find(sep, start);
        std::string part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!part.empty()) out.push_back(part);
        if (end == std::string::npos) return out;
        start = end + 1;
    }
}

}  // namespace

std::vector<SearchDir> search_path(const SearchInputs& in) {
    std::vector<SearchDir> out;
    for (const auto& d : in.plugin_dirs) out.push_back({d, "--plugin-dir"});
    if (!in.setuid) {
        if (in.plugin_path_env)
            for (const auto& d : split(*in.plugin_path_env, ':')) out.push_back({d, "MOSAIC_PLUGIN_PATH"});
        // The XDG spec says relative values are invalid and must be ignored.
        if (in.xdg_data_home && fs::path(*in.xdg_data_home).is_absolute())
            out.push_back({fs::path(*in.xdg_data_home) / "mosaic/plugins", "XDG_DATA_HOME"});
        else if (in.home && !in.home->empty())
            out.push_back({fs::path(*in.home) / ".local/share/mosaic/plugins", "~/.local/share"});
    }
    if (in.system_path_env && !in.setuid) {
        for (const auto& d : split(*in.system_path_env, ':')) out.push_back({d, "MOSAIC_PLUGIN_SYSTEM_PATH"});
    } else if (!in.exe_dir.empty()) {
        out.push_back({in.exe_dir / "../lib/mosaic/plugins", "system"});
        if (in.libdir != "lib") out.push_back({in.exe_dir / ".." / in.libdir / "mosaic/plugins", "system"});
    }
    return out;
}

std::set<std::string> parse_disabled(const std::string& list) {
    std::set<std::string> out;
    for (auto name : split(list, ',')) {
        auto b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
        if (b != std::string::npos) out.insert(name.substr(b, e - b + 1));
    }
    return out;
}

const PluginEntry* Discovery::for_command(const std::string& name) const {
    auto it = commands.find(name);
    return it == commands.end() ? nullptr : &plugins[it->second];
}

const PluginEntry* Discovery::for_service(const std::string& name) const {
    auto it = services.find(name);
    return it == services.end() ? nullptr : &plugins[it->second];
}

std::size_t Discovery::unusable_count() const {
    return static_cast<std::size_t>(
        std::count_if(plugins.begin(), plugins.end(), [](const PluginEntry& p) { return is_unusable(p.status); }));
}

namespace {

// What one directory holds, read once. Never throws: an unreadable directory yields what
// could be read.
struct DirListing {
    std::vector<std::string> manifests;  // manifest file names, sorted so that the order
                                         // does not depend on the filesystem
    std::string others;                  // every other regular file's name, each ending in '/'
    std::unordered_set<std::string_view> regular;  // views into `others`
    std::vector<std::string> not_regular;  // every other entry (links, directories...), for debug
    int fd = -1;                         // the directory, open while it is looked at

    DirListing() = default;
    DirListing(const DirListing&) = delete;
    DirListing& operator=(const DirListing&) = delete;
    ~DirListing() {
        if (fd >= 0) ::close(fd);
    }

    // Whether `name` exists in the directory, following symlinks like access(F_OK): a regular
    // file seen in the listing needs no system call, anything else (a symlink, a filesystem
    // that reports no type) is asked.
    bool exists(const std::string& name) const {
        return regular.count(name) != 0 || (fd >= 0 && ::faccessat(fd, name.c_str(), F_OK, 0) == 0);
    }
};

// opendir/readdir: std::filesystem::directory_iterator builds a path per entry, which
// shows at start-up with hundreds of plugins. Lookups relative to the directory's descriptor
// resolve one path component instead of the whole path.
void list_dir(const fs::path& dir, DirListing& out, std::string& problem) {
    static const std::string_view suffix = manifest::suffix;
    out.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd = out.fd >= 0 ? ::dup(out.fd) : -1;  // fdopendir takes ownership of its descriptor
    DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
    if (d == nullptr) {
        problem = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return;
    }
    errno = 0;
    while (const dirent* ent = ::readdir(d)) {
        std::string_view name = ent->d_name;
        if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
            out.manifests.emplace_back(name);
        } else if (ent->d_type == DT_REG) {
            out.others += name;
            out.others += '/';  // the one character no file name holds
        } else if (name != "." && name != "..") {
            out.not_regular.emplace_back(name);
        }
        errno = 0;
    }
    if (errno != 0) problem = std::strerror(errno);
    ::closedir(d);
    std::sort(out.manifests.begin(), out.manifests.end());
    std::string_view rest = out.others;  // views only once `others` stops growing
    out.regular.reserve(static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '/')));
    for (auto slash = rest.find('/'); slash != std::string_view::npos; slash = rest.find('/')) {
        out.regular.insert(rest.substr(0, slash));
        rest.remove_prefix(slash + 1);
    }
}

}  // namespace

namespace {

using Debug = std::function<void(const std::string&)>;  // empty: nobody listens

// The candidates that exist, canonical and unique, in order.
std::vector<SearchDir> searched_dirs(const std::vector<SearchDir>& candidates, const Debug& debug) {
    std::vector<SearchDir> dirs;
    for (const auto& c : candidates) {
        std::error_code ec;
        fs::path canon = fs::canonical(c.path, ec);
        auto skip = [&](const std::string& why) {
            if (debug) debug("skipping '" + c.path.string() + "' (from " + c.origin + "): " + why);
        };
        if (ec) {
            skip(ec.message());
            continue;
        }
        if (!fs::is_directory(canon, ec)) {
            skip("not a directory");
            continue;
        }
        auto seen = std::find_if(dirs.begin(), dirs.end(), [&](const SearchDir& s) { return s.path == canon; });
        if (seen != dirs.end()) {
            if (debug) skip("same directory as '" + canon.string() + "' (from " + seen->origin + "), already searched");
            continue;
        }
        if (debug) debug("searching '" + canon.string() + "' (from " + c.origin + ")");
        dirs.push_back({canon, c.origin});
    }
    return dirs;
}

// The status of a plugin whose manifest is valid: disabled, shadowed by an earlier one of the
// same name (`winner`), missing its library, built for another ABI, or ok.
void judge(PluginEntry& e, const DirListing& listing, const DiscoveryRules& rules, const Discovery& d,
           std::unordered_map<std::string, std::size_t>& winner) {
    if (rules.disabled.count(e.name)) {
        e.status = PluginStatus::disabled;
        e.detail = "disabled by MOSAIC_PLUGINS_DISABLE";
    } else if (auto w = winner.find(e.name); w != winner.end()) {
        e.status = PluginStatus::shadowed;
        e.detail = "shadowed by '" + d.plugins[w->second].manifest_path + "'";
    } else {
        winner[e.name] = d.plugins.size();
        if (!listing.exists(e.manifest->library)) {
            e.status = PluginStatus::missing_library;
            e.detail = "library '" + e.library_path + "' does not exist";
        } else if (!abi_compatible(rules.host_abi_major, rules.host_abi_minor, e.manifest->abi_major,
                                   e.manifest->abi_minor)) {
            e.status = PluginStatus::incompatible_abi;
            e.detail = abi_refusal(e.library_path, rules.host_abi_major, rules.host_abi_minor, e.manifest->abi_major,
                                   e.manifest->abi_minor);
        }
    }
}

// Under MOSAIC_DEBUG_PLUGINS: why each file of `dir` that no manifest names is not a plugin,
// so that a library without its manifest is never skipped without a word.
void explain_skipped(const std::string& dir, const DirListing& listing, const std::vector<PluginEntry>& plugins,
                     std::size_t first, const Debug& debug) {
    std::unordered_set<std::string> named;
    for (std::size_t i = first; i < plugins.size(); ++i)
        if (plugins[i].manifest) named.insert(plugins[i].manifest->library);
    std::vector<std::string> files(listing.not_regular.begin(), listing.not_regular.end());
    for (std::string_view f : listing.regular) files.emplace_back(f);
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        if (named.count(f)) continue;
        bool library = f.size() > 3 && (f.compare(f.size() - 3, 3, ".so") == 0 || f.find(".so.") != std::string::npos);
        std::string stem = library ? f.substr(0, f.find(".so")) : f;
        debug("skipping '" + dir + "/" + f + "': " +
              (library ? "a library no manifest names; a plugin needs '" + stem + std::string(manifest::suffix) +
                             "' beside it (docs/plugin-manifest.md)"
                       : std::string("not a plugin manifest ('*") + std::string(manifest::suffix) + "')"));
    }
}

// Every manifest of `dir`, through the manifest index, appended to d.plugins.
void read_dir(const SearchDir& dir, const DiscoveryRules& rules, Discovery& d,
              std::unordered_map<std::string, std::size_t>& winner, const Debug& debug) {
    std::string problem;
    DirListing listing;
    list_dir(dir.path, listing, problem);
    if (!problem.empty() && debug) debug("cannot read all of '" + dir.path.string() + "': " + problem);
    const std::string dir_str = dir.path.string();
    ManifestIndex index(rules.index_dir, dir_str, listing.fd, rules.tree_of);
    const std::size_t first = d.plugins.size();
    d.plugins.reserve(d.plugins.size() + listing.manifests.size());
    for (const auto& fname : listing.manifests) {
        PluginEntry e;
        e.manifest_path.reserve(dir_str.size() + 1 + fname.size());
        e.manifest_path.append(dir_str).append(1, '/').append(fname);
        e.name = fname.substr(0, fname.size() - std::string_view(manifest::suffix).size());
        auto parsed = index.get(fname);
        if (auto* m = std::get_if<manifest::Manifest>(&parsed)) {
            e.manifest = std::move(*m);
            e.name = e.manifest->name;
            e.library_path.reserve(dir_str.size() + 1 + e.manifest->library.size());
            e.library_path.append(dir_str).append(1, '/').append(e.manifest->library);
            judge(e, listing, rules, d, winner);
        } else {
            // Without a valid manifest there is no trustworthy name: it claims nothing.
            e.status = PluginStatus::invalid_manifest;
            e.detail = std::move(std::get<std::string>(parsed));
        }
        d.plugins.push_back(std::move(e));
    }
    index.save();
    if (debug) explain_skipped(dir_str, listing, d.plugins, first, debug);
    if (debug && !index.file().empty())
        debug("manifest index '" + index.file() + "': " + std::to_string(index.hits()) + " cached, " +
              std::to_string(index.misses()) + " parsed");
}

// A plugin providing a service of another plugin's namespace is not used: no plugin can take
// over `config.get` or `gateway.status`, whatever the search order.
void refuse_foreign_services(PluginEntry& e) {
    for (const auto& s : e.manifest->services) {
        std::string owner = service_namespace_owner(s.name);
        if (owner == e.name) continue;
        e.status = PluginStatus::foreign_service;
        e.detail = "service '" + s.name + "' belongs to plugin '" + owner + "'; plugin '" + e.name +
                   "' may provide only '" + e.name + ".*' services";
        return;
    }
}

// Commands: built-ins always win, then the earlier plugin. A plugin with a colliding command
// is not used at all, so it never half-works.
void claim_commands(Discovery& d, const DiscoveryRules& rules, const Debug& debug) {
    for (std::size_t i = 0; i < d.plugins.size(); ++i) {
        PluginEntry& e = d.plugins[i];
        if (e.status == PluginStatus::ok) refuse_foreign_services(e);
        if (e.status != PluginStatus::ok) continue;
        for (const auto& c : e.manifest->commands) {
            if (std::find(rules.builtins.begin(), rules.builtins.end(), c.name) != rules.builtins.end()) {
                e.detail = "command '" + c.name + "' is a built-in command";
            } else if (auto it = d.commands.find(c.name); it != d.commands.end()) {
                e.detail = "command '" + c.name + "' is already provided by plugin '" + d.plugins[it->second].name + "'";
            } else {
                continue;
            }
            e.status = PluginStatus::command_collision;
            break;
        }
        if (e.status != PluginStatus::ok) continue;
        for (const auto& c : e.manifest->commands) d.commands.emplace(c.name, i);
        for (const auto& s : e.manifest->services) {
            if (!d.services.emplace(s.name, i).second && debug)
                debug("service '" + s.name + "' of plugin '" + e.name + "' is already provided by plugin '" +
                      d.plugins[d.services[s.name]].name + "'; the first one is used");
        }
    }
}

}  // namespace

Discovery discover(const std::vector<SearchDir>& candidates, const DiscoveryRules& rules) {
    // Messages are only built when someone listens: discovery runs on every invocation.
    const Debug& debug = rules.debug;
    Discovery d;
    d.dirs = searched_dirs(candidates, debug);
    std::unordered_map<std::string, std::size_t> winner;  // plugin name -> index of the first match
    for (const auto& dir : d.dirs) read_dir(dir, rules, d, winner, debug);
    claim_commands(d, rules, debug);
    if (debug)
        for (const auto& e : d.plugins)
            debug("plugin '" + e.name + "' from '" + e.manifest_path + "': " + status_text(e.status) +
                  (e.detail.empty() ? "" : " (" + e.detail + ")"));
    return d;
}

}  // namespace mosaic::host
