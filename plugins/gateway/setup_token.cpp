#include "setup_token.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

#include "crypto.hpp"

namespace mosaic::gateway {

namespace {

// The token's text (one line), or nullopt when the file is missing or empty. Not followed
// through a symbolic link: the token is only ever a file install wrote.
std::optional<std::string> read_token(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return std::nullopt;
    int fd = support::open_no_follow(path, O_RDONLY);
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    std::string token(buf, static_cast<std::size_t>(n));
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) return std::nullopt;
    return token;
}

}  // namespace

std::optional<std::string> FileSetupToken::current() { return read_token(path_); }

void FileSetupToken::consume() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

std::optional<std::string> MemorySetupToken::current() {
    std::lock_guard lock(mu_);
    return token_;
}

void MemorySetupToken::consume() {
    std::lock_guard lock(mu_);
    token_.reset();
}

std::string new_setup_token() { return "mst_" + random_hex(32); }

std::string ensure_setup_token(const std::filesystem::path& path) {
    if (auto token = read_token(path)) return *token;
    std::string token = new_setup_token();
    support::write_secret_file(path, token + "\n");
    return token;
}

}  // namespace mosaic::gateway
