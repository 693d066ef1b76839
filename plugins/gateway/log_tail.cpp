#include "log_tail.hpp"

#include <deque>
#include <sstream>

#include <mosaic/support/file.hpp>

namespace mosaic::gateway {

std::vector<std::string> last_lines(const std::string& text, std::size_t n, bool skip_empty) {
    std::deque<std::string> keep;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (skip_empty && line.find_first_not_of(" \t") == std::string::npos) continue;
        keep.push_back(line);
        if (keep.size() > n) keep.pop_front();
    }
    return {keep.begin(), keep.end()};
}

std::vector<std::string> tail_file(const std::filesystem::path& path, std::size_t n, bool skip_empty) {
    auto text = support::read_file(path);
    if (!text) return {};
    return last_lines(*text, n, skip_empty);
}

}  // namespace mosaic::gateway

#include <fstream>

namespace mosaic::gateway {
std::string read_new_bytes(const std::filesystem::path& path, std::uintmax_t& offset) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return {};
    if (size < offset) offset = 0;
    if (size == offset) return {};
    std::ifstream in(path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    std::string out(size - offset, '\0');
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<std::size_t>(in.gcount()));
    offset += out.size();
    return out;
}
}  // namespace mosaic::gateway
