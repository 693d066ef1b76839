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

std::string required(const char* s, const std::string& what) {
    if (s == nullptr) throw std::runtime_error("descriptor field '" + what + "' is NULL");
    return s;
}

}  // namespace

manifest::Manifest describe(const mosaic_plugin_v1& d, const std::string& library_file) {
    // Minor 0 fields are all required, so a descriptor must reach at least to shutdown.
    if (d.struct_size < offsetof(mosaic_plugin_v1, shutdown) + sizeof(d.shutdown))
        throw std::runtime_error("descriptor struct_size " + std::to_string(d.struct_size) + " is too small");
    manifest::Manifest m;
    m.name = required(d.name, "name");
    m.library = library_file;
    m.abi_major = d.abi_major;
    m.abi_minor = d.abi_minor;
    m.version = required(d.version, "version");
    m.vendor = required(d.vendor, "vendor");
    m.summary = required(d.summary, "summary");
    if (d.command_count > 0 && d.commands == nullptr) throw std::runtime_error("descriptor 'commands' is NULL");
    if (d.service_count > 0 && d.services == nullptr) throw std::runtime_error("descriptor 'services' is NULL");
    for (uint32_t i = 0; i < d.command_count; ++i) {
        const mosaic_command_v1* c = d.commands[i];
        std::string where = "commands[" + std::to_string(i) + "]";
        if (c == nullptr) throw std::runtime_error("descriptor '" + where + "' is NULL");
        if (c->struct_size < offsetof(mosaic_command_v1, summary) + sizeof(c->summary))
            throw std::runtime_error("descriptor '" + where + "' struct_size " + std::to_string(c->struct_size) +
                                     " is too small");
        std::string usage = MOSAIC_ABI_HAS_FIELD(c, mosaic_command_v1, usage) && c->usage ? c->usage : "";
        m.commands.push_back({required(c->name, where + ".name"), required(c->summary, where + ".summary"), usage});
    }
    for (uint32_t i = 0; i < d.service_count; ++i) {
        const mosaic_service_v1* s = d.services[i];
        std::string where = "services[" + std::to_string(i) + "]";
        if (s == nullptr) throw std::runtime_error("descriptor '" + where + "' is NULL");
        if (s->struct_size < offsetof(mosaic_service_v1, summary) + sizeof(s->summary))
            throw std::runtime_error("descriptor '" + where + "' struct_size " + std::to_string(s->struct_size) +
                                     " is too small");
        m.services.push_back({required(s->name, where + ".name"), required(s->summary, where + ".summary")});
    }
    return m;
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
        actual = describe(*d, std::filesystem::path(library).filename().string());
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
