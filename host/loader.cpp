#include <memory>
#include <vector>  // before boost/dll (Boost 1.74)

#include "loader.hpp"

#include <dlfcn.h>
#include <elf.h>

#include <optional>
#include <cstdio>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <boost/dll/shared_library.hpp>

#include <mosaic/support/file.hpp>

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

namespace {

bool read_at(std::FILE* f, long offset, void* out, std::size_t size) {
    return std::fseek(f, offset, SEEK_SET) == 0 && std::fread(out, 1, size, f) == size;
}

// This process's own ELF header: a plugin must match its class, byte order and machine.
const Elf64_Ehdr* own_header() {
    static Elf64_Ehdr header{};
    static bool read = [] {
        std::FILE* f = std::fopen("/proc/self/exe", "rb");
        if (!f) return false;
        bool ok = read_at(f, 0, &header, sizeof header);
        std::fclose(f);
        return ok;
    }();
    return read ? &header : nullptr;
}

}  // namespace

std::string unloadable_reason(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return "";  // dlopen names the error
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, std::fclose);
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    Elf64_Ehdr h{};
    if (ec || !read_at(f, 0, &h, sizeof h) || std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
        return "it is not an ELF shared library";
    const Elf64_Ehdr* own = own_header();
    if (h.e_ident[EI_CLASS] != ELFCLASS64 || (own && (h.e_ident[EI_DATA] != own->e_ident[EI_DATA] ||
                                                       h.e_machine != own->e_machine)))
        return "it was built for another machine (ELF class, byte order or architecture)";
    if (h.e_type != ET_DYN) return "it is an ELF file but not a shared library";
    auto too_short = [&](std::uint64_t needed) {
        return "it is truncated (" + std::to_string(size) + " bytes; its ELF headers describe " + std::to_string(needed) + ")";
    };
    std::uint64_t sections_end = h.e_shoff + std::uint64_t(h.e_shnum) * h.e_shentsize;
    std::uint64_t program_end = h.e_phoff + std::uint64_t(h.e_phnum) * h.e_phentsize;
    if (sections_end > size) return too_short(sections_end);
    if (program_end > size || h.e_phentsize != sizeof(Elf64_Phdr)) return too_short(program_end);
    for (std::uint16_t i = 0; i < h.e_phnum; ++i) {
        Elf64_Phdr ph{};
        if (!read_at(f, static_cast<long>(h.e_phoff + i * sizeof ph), &ph, sizeof ph)) return too_short(program_end);
        if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > size) return too_short(ph.p_offset + ph.p_filesz);
    }
    return "";
}

namespace {
// A copy of the T at `offset` (copied: the offset need not be aligned).
template <class T>
T at(const std::string& bytes, std::uint64_t offset, const std::string& path) {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T))
        throw std::runtime_error("'" + path + "' is malformed: an ELF table points past its end");
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}
}  // namespace

std::vector<std::string> exported_symbols(const std::string& library) {
    if (std::string why = unloadable_reason(library); !why.empty()) throw std::runtime_error("'" + library + "': " + why);
    const std::optional<std::string> file = support::read_file(library);  // mosaic::Error names it
    if (!file) throw std::runtime_error("'" + library + "' does not exist");
    const std::string& bytes = *file;
    const auto h = at<Elf64_Ehdr>(bytes, 0, library);
    std::vector<std::string> names;
    for (std::uint16_t i = 0; i < h.e_shnum; ++i) {
        const auto table = at<Elf64_Shdr>(bytes, h.e_shoff + std::uint64_t(i) * sizeof(Elf64_Shdr), library);
        if (table.sh_type != SHT_DYNSYM || table.sh_entsize != sizeof(Elf64_Sym)) continue;
        const auto strings = at<Elf64_Shdr>(bytes, h.e_shoff + std::uint64_t(table.sh_link) * sizeof(Elf64_Shdr), library);
        for (std::uint64_t k = 1; k < table.sh_size / sizeof(Elf64_Sym); ++k) {
            const auto sym = at<Elf64_Sym>(bytes, table.sh_offset + k * sizeof(Elf64_Sym), library);
            const unsigned bind = ELF64_ST_BIND(sym.st_info);
            if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS || (bind != STB_GLOBAL && bind != STB_WEAK &&
                                                                         bind != STB_GNU_UNIQUE))
                continue;
            std::uint64_t start = strings.sh_offset + sym.st_name;
            if (sym.st_name >= strings.sh_size || start >= bytes.size()) throw std::runtime_error("'" + library + "' is malformed: a symbol name points past its string table");
            const char* name = bytes.data() + start;
            names.emplace_back(name, ::strnlen(name, std::min<std::uint64_t>(strings.sh_size - sym.st_name, bytes.size() - start)));
        }
    }
    return names;
}

LoadResult load_plugin(const std::string& library, const manifest::Manifest& expected) {
    namespace dll = boost::dll;
    LoadResult r;
    // A truncated library would be mapped and crash the host (SIGBUS) when touched.
    if (std::string why = unloadable_reason(library); !why.empty()) {
        r.error = "cannot load '" + library + "': " + why;
        return r;
    }
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
