#include <mosaic/support/file_lock.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

namespace mosaic::support {

FileLock::FileLock(const std::filesystem::path& lock_path) {
    make_dirs(lock_path.parent_path(), 0700);
    fd_ = open_no_follow(lock_path, O_RDWR | O_CREAT, 0600);
    while (::flock(fd_, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        int err = errno;
        ::close(fd_);
        throw Error(exit_failed, "cannot lock '" + lock_path.string() + "': " + std::strerror(err));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

std::filesystem::path lock_path_for(const std::filesystem::path& file) {
    return file.parent_path() / ("." + file.filename().string() + ".lock");
}

}  // namespace mosaic::support
