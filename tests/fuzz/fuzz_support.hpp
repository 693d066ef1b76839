// fuzz_support.hpp - what every fuzz target shares: the invariant check that aborts (so both
// libFuzzer and the replay runner report it as a crash), and helpers that split one fuzz input
// into the several texts a target needs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <stdlib.h>  // mkdtemp
#include <unistd.h>  // access

// A broken invariant is a bug like a crash: say which, then abort.
#define FUZZ_CHECK(cond, what)                                                                          \
    do {                                                                                                \
        if (!(cond)) {                                                                                  \
            std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n  (%s)\n", __FILE__, __LINE__, \
                         std::string(what).c_str(), #cond);                                             \
            std::abort();                                                                               \
        }                                                                                               \
    } while (0)

namespace mosaic::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// Splits `text` on every occurrence of `sep`, at most `max_parts` parts (the last one keeps
// the rest). Seeds stay readable: the separator is a line of its own, e.g. "\n=====\n".
inline std::vector<std::string> split(std::string_view text, std::string_view sep, std::size_t max_parts) {
    std::vector<std::string> parts;
    while (parts.size() + 1 < max_parts) {
        auto at = text.find(sep);
        if (at == std::string_view::npos) break;
        parts.emplace_back(text.substr(0, at));
        text.remove_prefix(at + sep.size());
    }
    parts.emplace_back(text);
    return parts;
}

// A private directory for the files a target must hand to code that reads paths: made once
// per process under $TMPDIR, else /dev/shm (no disk I/O per input), else /tmp; removed at exit.
inline const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        const char* env = std::getenv("TMPDIR");
        std::error_code ec;
        std::string base = env && *env ? env : std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        std::string tmpl = base + "/mosaic-fuzz-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch_dir(), ec);
        });
        return std::filesystem::path(tmpl);
    }();
    return dir;
}

// Replaces `path` with exactly `bytes`.
inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
        std::perror(path.c_str());
        std::abort();
    }
}

}  // namespace mosaic::fuzz
