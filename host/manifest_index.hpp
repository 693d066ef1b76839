// manifest_index.hpp - a per-directory cache of parsed manifests, so that start-up with
// hundreds of plugins costs a stat per manifest instead of a JSON parse per manifest.
//
// One file per plugin directory under ${XDG_CACHE_HOME:-~/.cache}/mosaic/plugin-index/,
// named after a hash of the canonical directory path. Each record is keyed by the manifest's
// file name, inode, size and mtime (ns): a manifest whose key changed is parsed again, and the
// index is rewritten atomically (temp file + rename) only when something changed. The index
// is a pure accelerator: a missing, unreadable, corrupt or unwritable index only means the
// manifests are parsed; it never changes what discovery decides.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "manifest.hpp"

namespace mosaic::host {

struct ManifestKey {
    uint64_t inode = 0, size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const ManifestKey&) const = default;
};

// A parsed manifest, or the reason it is invalid.
using ManifestOrError = std::variant<manifest::Manifest, std::string>;

class ManifestIndex {
public:
    // `index_dir` empty: no caching at all.
    ManifestIndex(const std::filesystem::path& index_dir, const std::filesystem::path& plugin_dir);

    // The manifest `file_name` of the plugin directory: from the index when its key still
    // matches, else parsed (and remembered). Valid until the next call.
    const ManifestOrError& get(const std::string& file_name);

    // Writes the index back if anything was parsed or dropped. Never throws.
    void save();

    std::size_t hits() const { return hits_; }
    std::size_t misses() const { return misses_; }
    const std::filesystem::path& file() const { return file_; }

    // Serialisation, exposed for tests.
    static std::string encode(const std::map<std::string, std::pair<ManifestKey, ManifestOrError>>& records);
    static std::optional<std::map<std::string, std::pair<ManifestKey, ManifestOrError>>> decode(const std::string& text);

private:
    std::filesystem::path plugin_dir_, file_;
    std::map<std::string, std::pair<ManifestKey, ManifestOrError>> old_, new_;
    ManifestOrError scratch_;
    std::size_t hits_ = 0, misses_ = 0, kept_ = 0;
};

}  // namespace mosaic::host
