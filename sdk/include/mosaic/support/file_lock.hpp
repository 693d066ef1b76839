// mosaic/support/file_lock.hpp - an advisory lock (flock) held around a read-modify-write of a
// file that several mosaic processes may change at once (config set, hooks, fleet add/remove).
//
// The files themselves are replaced by rename, so the lock lives in a separate, stable file
// beside them ("<dir>/.<name>.lock"), which is never removed: removing it would let a waiter
// lock a file nobody else sees. It is opened without following a symbolic link.
#pragma once

#include <filesystem>

namespace mosaic::support {

class FileLock {
public:
    // Blocks until the exclusive lock on `lock_path` is ours; creates the file (0600) and its
    // directory (0700) when missing. Throws mosaic::Error naming the path: exit_refused when it
    // is a symbolic link, exit_failed otherwise.
    explicit FileLock(const std::filesystem::path& lock_path);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

// "<dir>/.<name>.lock" for "<dir>/<name>".
std::filesystem::path lock_path_for(const std::filesystem::path& file);

}  // namespace mosaic::support
