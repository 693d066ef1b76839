// mosaic-plugin-manifest: writes <name>.plugin.json for a built plugin library.
//
//   mosaic-plugin-manifest <plugin.so> [--output FILE]
//
// Opens the library (RTLD_NOW | RTLD_LOCAL), calls mosaic_plugin_query(), and writes the
// manifest the host reads at start-up, so `mosaic --help` never has to open a library.
// When the descriptor has describe() (ABI 1.1), each command's tree goes in too (schema 2;
// schema 1 when no command has one): completion then needs no library either.
// Without --output the manifest goes to stdout. Exit 0 on success, 1 when the library cannot
// be opened or describes itself badly, 2 on bad usage.
#include <vector>  // before boost/dll (Boost 1.74)

#include <dlfcn.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include <boost/dll/shared_library.hpp>

#include <mosaic/plugin_abi.h>

#include "manifest.hpp"

namespace {

int usage() {
    std::cerr << "usage: mosaic-plugin-manifest <plugin.so> [--output FILE]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string library, output;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--output" && i + 1 < argc) output = argv[++i];
        else if (a == "-h" || a == "--help") return usage(), 0;
        else if (!a.empty() && a[0] != '-' && library.empty()) library = a;
        else return usage();
    }
    if (library.empty()) return usage();

    try {
        namespace dll = boost::dll;
        auto mode = static_cast<dll::load_mode::type>(RTLD_NOW | RTLD_LOCAL);
        dll::shared_library lib(std::filesystem::absolute(library), mode);
        if (!lib.has(MOSAIC_PLUGIN_QUERY_SYMBOL)) {
            std::cerr << "mosaic-plugin-manifest: error: '" << library << "' does not export "
                      << MOSAIC_PLUGIN_QUERY_SYMBOL << "\n";
            return 1;
        }
        auto query = lib.get<const mosaic_plugin_v1*()>(MOSAIC_PLUGIN_QUERY_SYMBOL);
        const mosaic_plugin_v1* d = query();
        if (d == nullptr) {
            std::cerr << "mosaic-plugin-manifest: error: '" << library << "' refused to describe itself (query returned NULL)\n";
            return 1;
        }
        auto m = mosaic::manifest::from_descriptor(*d, std::filesystem::path(library).filename().string());
        mosaic::manifest::describe_trees(*d, m);
        std::string text = mosaic::manifest::to_json(m).dump(2) + "\n";
        if (output.empty()) {
            std::cout << text;
        } else {
            std::string tmp = output + ".tmp";
            {
                std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
                out << text;
                if (!out.flush()) throw std::runtime_error("cannot write '" + tmp + "'");
            }
            std::filesystem::rename(tmp, output);
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "mosaic-plugin-manifest: error: '" << library << "': " << e.what() << "\n";
        return 1;
    }
}
