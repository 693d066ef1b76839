// mosaic/support/file.hpp - file helpers that never lose data.
//
// Every write is atomic: a temporary file in the same directory is written and fsync'ed,
// given the mode of the file it replaces (or the requested mode), renamed over the target,
// and the directory is fsync'ed. A reader that fails to parse a file throws mosaic::Error
// (exit_usage) naming the path, line and column, so the caller never overwrites it.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include <nlohmann/json.hpp>

namespace mosaic::support {

namespace fs = std::filesystem;

// Reads a whole file. std::nullopt when it does not exist; throws mosaic::Error (exit_failed)
// when it exists but cannot be read.
std::optional<std::string> read_file(const fs::path& path);

// What a write does when `path` is a symbolic link: a user's dotfile manager links their
// settings, and replacing the link by a file would silently cut it; a link planted among
// mosaic's own secrets, though, must not redirect a write anywhere.
enum class Symlinks {
    write_through,  // write (atomically) to the link's final target, in the target's directory
    refuse,         // mosaic::Error(exit_refused) naming the link
};

// Atomically replaces `path` with `content` (a temporary ".<name>.tmp-<pid>-XXXXXX" beside it,
// fsync'ed, renamed over it). `mode` applies to a new file; an existing file keeps its mode
// unless `force_mode` is set. Parent directories are created (0700 when `private_dirs`, else
// 0755). Throws mosaic::Error (exit_failed) naming the path. After the rename, temporary files
// of `path` left by writers that were killed (their pid no longer exists) are removed: they
// may hold an old copy of a secret.
struct WriteOptions {
    std::optional<mode_t> mode;  // default 0644 for new files
    bool force_mode = false;
    bool private_dirs = false;
    Symlinks symlinks = Symlinks::write_through;
};
void write_file_atomic(const fs::path& path, const std::string& content, const WriteOptions& opts = {});

// Secrets: 0600 file in 0700 directories, mode enforced even when the file existed; refused
// when `path` is a symbolic link or a directory on its way is not private to this user
// (require_private_directory).
void write_secret_file(const fs::path& path, const std::string& content);

// Opens `path` with O_NOFOLLOW and O_CLOEXEC added to `flags` (for the files mosaic creates in
// its own directories: locks, logs). A symbolic link there throws mosaic::Error(exit_refused)
// naming it and saying to remove it; any other failure exit_failed naming the path.
int open_no_follow(const fs::path& path, int flags, mode_t mode = 0600);

// Like ssh with ~/.ssh: why `dir` is not fit to hold this user's secrets, or nullopt when it
// is. `dir` and every directory above it (as written and as resolved) must be owned by this
// user or root and not writable by group or others, unless root's and sticky (like /tmp);
// anyone who can write one of them can replace what mosaic keeps below. A directory that does
// not exist yet is judged by its nearest existing parent. The reason names the directory, its
// owner or mode, and the command that fixes it.
std::optional<std::string> insecure_directory(const fs::path& dir);
// Throws mosaic::Error(exit_refused, "unsafe directory: <reason>") when insecure_directory says so.
void require_private_directory(const fs::path& dir);

// Creates `dir` (and parents) with `mode` for the ones it creates.
void make_dirs(const fs::path& dir, mode_t mode = 0755);

// JSON: std::nullopt when the file does not exist. A file that exists but is not valid JSON
// throws mosaic::Error(exit_usage, "cannot parse '<path>' line L column C: <what>; fix or
// remove the file"). An empty file is an error too, and so is JSON nested deeper or with
// duplicate keys (parse_json_text).
std::optional<nlohmann::json> load_json_file(const fs::path& path);
// `text`, read from `path`, parsed within the limits of mosaic/support/json.hpp; every failure
// is that mosaic::Error(exit_usage) naming the file.
nlohmann::json parse_json_text(const std::string& text, const fs::path& path);
nlohmann::ordered_json parse_ordered_json_text(const std::string& text, const fs::path& path);
// That error for an exception nlohmann threw while parsing `text`, read from `path` (any
// nlohmann::basic_json: ordered_json throws the same types). A number too large for a double
// ("1e999", out_of_range) has no position: the message then has none.
[[noreturn]] void throw_json_parse_error(const fs::path& path, const std::string& text,
                                         const nlohmann::json::exception& e);
// Pretty-printed (2 spaces) with a final newline, atomically.
void store_json_file(const fs::path& path, const nlohmann::json& value, const WriteOptions& opts = {});

// .env files: KEY=VALUE lines, '#' comments and blank lines kept verbatim. Values may be
// quoted with '...' or "..." (quotes stripped on read). A line that is neither throws
// mosaic::Error(exit_usage) naming path and line.
struct EnvFile {
    struct Line {
        std::string raw;                 // the line as read (used when key is empty or untouched)
        std::string key;                 // empty for comments / blank lines
        std::string value;
        bool changed = false;
    };
    std::vector<Line> lines;

    static EnvFile parse(const std::string& text, const std::string& origin);
    static EnvFile load(const fs::path& path);  // empty when the file does not exist
    std::optional<std::string> get(const std::string& key) const;
    // Replaces the key's line in place (dropping repeats) or appends one. Throws
    // mosaic::Error(exit_usage) for an invalid key or a value holding a line break.
    void set(const std::string& key, const std::string& value);
    bool erase(const std::string& key);
    std::map<std::string, std::string> values() const;
    std::string render() const;  // bare `KEY=` for empty values; quotes values needing them
};

// "line L column C" of the 0-based byte `offset` in `text`, for parse errors.
std::string line_column(const std::string& text, std::size_t offset);

// Current UTC time as "20261126T154700Z" (backup-file stamps).
std::string utc_stamp();

}  // namespace mosaic::support
