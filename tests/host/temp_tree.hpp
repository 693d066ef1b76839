// temp_tree.hpp - a private directory tree per test for the host unit tests (which do not
// use MosaicTestEnv: they run no binary).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace mosaic::host::test {

class TempTree {
public:
    TempTree() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mosaic-host-test-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        root = std::filesystem::canonical(tmpl);
    }
    ~TempTree() {
        std::error_code ec;
        std::filesystem::remove_all(root, ec);
    }
    TempTree(const TempTree&) = delete;
    TempTree& operator=(const TempTree&) = delete;

    std::filesystem::path dir(const std::string& rel) const {
        auto p = root / rel;
        std::filesystem::create_directories(p);
        return p;
    }
    static void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

    // A minimal valid manifest for plugin `name` with `commands`, and a fake library file.
    static void plugin(const std::filesystem::path& dir, const std::string& name,
                       const std::vector<std::string>& commands, uint32_t major = 1, uint32_t minor = 0,
                       bool with_library = true) {
        nlohmann::json cmds = nlohmann::json::array();
        for (const auto& c : commands) cmds.push_back({{"name", c}, {"summary", "the " + c + " command"}});
        nlohmann::json m{{"schema", 1},       {"name", name},         {"library", name + ".so"},
                         {"abi", {{"major", major}, {"minor", minor}}}, {"version", "1.0.0"},
                         {"vendor", "tests"},  {"summary", "plugin " + name}, {"commands", cmds},
                         {"services", nlohmann::json::array()}};
        write(dir / (name + ".plugin.json"), m.dump(2));
        if (with_library) write(dir / (name + ".so"), "not really a library");
    }

    std::filesystem::path root;
};

}  // namespace mosaic::host::test
