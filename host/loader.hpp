// loader.hpp - opening a plugin library when one of its commands or services is used
// (never for help, completion or `plugins list`), and checking what it says about itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <mosaic/plugin_abi.h>

#include "manifest.hpp"

namespace mosaic::host {

// The version rule: same major, and a plugin may be older than the host, never newer.
constexpr bool abi_compatible(uint32_t host_major, uint32_t host_minor, uint32_t plugin_major,
                              uint32_t plugin_minor) {
    return plugin_major == host_major && plugin_minor <= host_minor;
}

// "'/p/x.so' was built for plugin ABI 2.0; this mosaic supports ABI 1.0 (same major, minor 0 or older)"
std::string abi_refusal(const std::string& file, uint32_t host_major, uint32_t host_minor, uint32_t plugin_major,
                        uint32_t plugin_minor);

// Why the dynamic loader must not map `path` (not ELF, another machine, not a shared library,
// truncated: dlopen would misread it or crash the process), or "" when it may.
std::string unloadable_reason(const std::string& path);

// The symbols `library` exports: defined, global or weak, in its dynamic symbol table. Read
// from the file, never mapped by the loader. Throws std::runtime_error naming the file when
// the table cannot be read.
std::vector<std::string> exported_symbols(const std::string& library);

struct LoadResult {
    const mosaic_plugin_v1* descriptor = nullptr;  // null on failure
    std::string error;                             // why, naming the file
};

// Opens `library` (now | local | nodelete; never unloaded), calls mosaic_plugin_query and
// checks the descriptor: ABI rule, size, required fields, agreement with `expected`.
LoadResult load_plugin(const std::string& library, const manifest::Manifest& expected);

}  // namespace mosaic::host
