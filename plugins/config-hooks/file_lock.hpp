// file_lock - an advisory lock (flock) held around a read-modify-write of a JSON file.
//
// The files themselves are replaced by rename, so the lock lives in a separate, stable file
// beside them ("<file>.lock"), which is never removed: removing it would let a waiter lock a
// file nobody else sees.
#pragma once

#include <filesystem>

namespace mosaic::config_hooks {

class FileLock {
public:
    // Blocks until the exclusive lock on `lock_path` is ours; creates the file (0600) and its
    // directory (0700) when missing. Throws mosaic::Error(exit_failed) naming the path.
    explicit FileLock(const std::filesystem::path& lock_path);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

// "<dir>/.<name>.lock" for "<dir>/<name>".
std::filesystem::path lock_path_for(const std::filesystem::path& file);

}  // namespace mosaic::config_hooks
