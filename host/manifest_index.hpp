// manifest_index.hpp - a per-directory cache of parsed manifests, so that start-up with
// hundreds of plugins costs a stat per manifest instead of a JSON parse per manifest.
//
// One file per plugin directory under ${XDG_CACHE_HOME:-~/.cache}/mosaic/plugin-index/,
// named after a hash of the canonical directory path. Each record is keyed by the manifest's
// file name, inode, size and mtime (ns): a manifest whose key changed is parsed again, and the
// index is rewritten atomically (temp file + rename) only when something changed. The index
// is a pure accelerator: a missing, unreadable, corrupt or unwritable index only means the
// manifests are parsed; it never changes what discovery decides.
//
// Records stay encoded (a view into the index file's text) until asked for, and the file is
// rewritten from those views, so a warm start decodes each manifest once and copies nothing.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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
    // `index_dir` empty: no caching at all. `plugin_dir` is canonical. `dir_fd`, when not -1,
    // is an open descriptor of `plugin_dir`: manifests are then stat'ed relative to it.
    // `tree_of`: the command whose tree get() keeps (std::nullopt: every tree; "": none). A
    // record's trees are skipped unread otherwise, so start-up pays nothing for them.
    ManifestIndex(const std::string& index_dir, const std::string& plugin_dir, int dir_fd = -1,
                  std::optional<std::string> tree_of = std::nullopt);

    // The manifest `file_name` of the plugin directory: from the index when its key still
    // matches, else parsed (and remembered).
    ManifestOrError get(const std::string& file_name);

    // Writes the index back if anything was parsed or dropped. Never throws.
    void save();

    std::size_t hits() const { return hits_; }
    std::size_t misses() const { return misses_; }
    const std::string& file() const { return file_; }

    // One record: "<file>\t<inode>\t<size>\t<mtime>\t" followed by the encoded value (a
    // command's fields: name, summary, usage, and its tree text as "<length>:<escaped text>",
    // so that a reader can step over it without reading it).
    static std::string encode_record(const std::string& file_name, const ManifestKey& key, const ManifestOrError& value);
    // Splits a record; std::nullopt when malformed. `value` views into `line`.
    struct Parsed {
        std::string_view file;
        ManifestKey key;
        std::string_view value;
    };
    static std::optional<Parsed> parse_record(std::string_view line);
    static std::optional<ManifestOrError> decode_value(std::string_view value,
                                                       const std::optional<std::string>& tree_of = std::nullopt);

private:
    const Parsed* find_old(std::string_view file_name);

    std::string plugin_dir_, file_;
    std::unique_ptr<char[]> text_;  // the index file as read
    std::size_t text_size_ = 0;
    int dir_fd_ = -1;
    std::optional<std::string> tree_of_;
    std::vector<Parsed> old_;  // sorted by file name (the index is written in that order)
    std::size_t cursor_ = 0;   // discovery asks in sorted order: the next record usually matches
    std::vector<std::string_view> keep_;  // records to write back: views into text_ or owned_
    std::deque<std::string> owned_;
    std::size_t hits_ = 0, misses_ = 0;
};

}  // namespace mosaic::host
