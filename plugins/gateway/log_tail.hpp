// log_tail.hpp - the last N non-empty lines of a log (pure; the file is read by the caller).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace mosaic::gateway {

std::vector<std::string> last_lines(const std::string& text, std::size_t n, bool skip_empty);
// The last `n` non-empty lines of `path`; empty when the file does not exist.
std::vector<std::string> tail_file(const std::filesystem::path& path, std::size_t n, bool skip_empty = true);

}  // namespace mosaic::gateway

namespace mosaic::gateway {
// Bytes of `path` from `offset` to its end; advances `offset`. Starts over from 0 when the
// file shrank (rotated or truncated).
std::string read_new_bytes(const std::filesystem::path& path, std::uintmax_t& offset);
}  // namespace mosaic::gateway
