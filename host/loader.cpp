#include <memory>
#include <vector>  // before boost/dll (Boost 1.74)

#include "loader.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>

#include <boost/dll/shared_library.hpp>

namespace mosaic::host {

std::string abi_refusal(const std::string& file, uint32_t host_major, uint32_t host_minor, uint32_t plugin_major,
                        uint32_t plugin_minor) {
    return "'" + file + "' was built for plugin ABI " + std::to_string(plugin_major) + "." +
           std::to_string(plugin_minor) + "; this mosaic supports ABI " + std::to_string(host_major) + "." +
           std::to_string(host_minor) + " (same major, minor " + std::to_string(host_minor) + " or older)";
}

namespace {
// Handles of every library opened, kept until exit. RTLD_NODELETE keeps each library mapped
// even past its handle, so descriptor strings and code stay valid whatever a plugin left
// behind (threads, atexit handlers, pointers handed out).
std::vector<std::unique_ptr<boost::dll::shared_library>>& opened_libraries() {
    static std::vector<std::unique_ptr<boost::dll::shared_library>> libraries;
    return libraries;
}
}  // namespace

LoadResult load_plugin(const std::string& library, const manifest::Manifest& expected) {
    namespace dll = boost::dll;
    LoadResult r;
    auto owned = std::make_unique<dll::shared_library>();
    std::error_code ec;
    owned->load(library, static_cast<dll::load_mode::type>(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), ec);
    if (ec) {
        const char* why = ::dlerror();
        r.error = "cannot load '" + library + "': " + (why ? why : ec.message());
        return r;
    }
    dll::shared_library* lib = opened_libraries().emplace_back(std::move(owned)).get();
    if (!lib->has(MOSAIC_PLUGIN_QUERY_SYMBOL)) {
        r.error = "'" + library + "' is not a mosaic plugin: it does not export '" MOSAIC_PLUGIN_QUERY_SYMBOL "'";
        return r;
    }
    auto query = lib->get<const mosaic_plugin_v1*()>(MOSAIC_PLUGIN_QUERY_SYMBOL);
    const mosaic_plugin_v1* d = nullptr;
    try {
        d = query();
    } catch (...) {
        r.error = "'" + library + "' threw from " MOSAIC_PLUGIN_QUERY_SYMBOL "()";
        return r;
    }
    if (d == nullptr) {
        r.error = "'" + library + "' refused to load (" MOSAIC_PLUGIN_QUERY_SYMBOL "() returned NULL)";
        return r;
    }
    if (!abi_compatible(MOSAIC_ABI_MAJOR, MOSAIC_ABI_MINOR, d->abi_major, d->abi_minor)) {
        r.error = abi_refusal(library, MOSAIC_ABI_MAJOR, MOSAIC_ABI_MINOR, d->abi_major, d->abi_minor);
        return r;
    }
    manifest::Manifest actual;
    try {
        actual = manifest::from_descriptor(*d, std::filesystem::path(library).filename().string());
        if (d->init == nullptr || d->run == nullptr || d->call == nullptr)
            throw std::runtime_error("descriptor function 'init', 'run' or 'call' is NULL");
    } catch (const std::exception& e) {
        r.error = "'" + library + "' has a bad descriptor: " + e.what();
        return r;
    }
    if (auto diff = manifest::disagreement(expected, actual); !diff.empty()) {
        r.error = "'" + library + "' does not match its manifest: " + diff;
        return r;
    }
    r.descriptor = d;
    return r;
}

}  // namespace mosaic::host
