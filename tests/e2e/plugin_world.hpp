// plugin_world.hpp - assembling plugin directories inside a MosaicTestEnv world: copy a
// built fixture (library + manifest) in, or write the manifest a test needs.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mosaic/plugin_abi.h>

#include "mosaic_fixture_paths.hpp"
#include "test_env.hpp"

namespace mosaic::testing {

namespace fs = std::filesystem;

inline fs::path fixture_library(const std::string& name) { return fs::path(test_paths::fixture_dir) / (name + ".so"); }

// The manifest the manifest tool would write for fixture `name` (for the fixtures it cannot
// describe itself); edit the JSON to make it disagree.
inline nlohmann::json fixture_manifest(const std::string& name) {
    return {{"schema", 1},
            {"name", name},
            {"library", name + ".so"},
            {"abi", {{"major", MOSAIC_ABI_MAJOR}, {"minor", MOSAIC_ABI_MINOR}}},
            {"version", "1.0.0"},
            {"vendor", "Mosaic tests"},
            {"summary", "compatibility fixture " + name},
            {"commands", {{{"name", name}, {"summary", "fixture command " + name}, {"usage", ""}}}},
            {"services", {{{"name", name + ".echo"}, {"summary", "echo the input back"}}}}};
}

inline void write_manifest(const fs::path& dir, const nlohmann::json& m) {
    fs::create_directories(dir);
    std::ofstream(dir / (m.at("name").get<std::string>() + ".plugin.json")) << m.dump(2);
}

// Copies fixture `name` into `dir`: its library, and its built manifest or else the one
// fixture_manifest() describes.
inline void install_fixture(const fs::path& dir, const std::string& name) {
    fs::create_directories(dir);
    fs::copy_file(fixture_library(name), dir / (name + ".so"), fs::copy_options::overwrite_existing);
    fs::path built = fs::path(test_paths::fixture_dir) / (name + ".plugin.json");
    if (fs::exists(built))
        fs::copy_file(built, dir / built.filename(), fs::copy_options::overwrite_existing);
    else
        write_manifest(dir, fixture_manifest(name));
}

inline void install_hello(const fs::path& dir) {
    fs::create_directories(dir);
    for (const char* f : {"hello.so", "hello.plugin.json"})
        fs::copy_file(fs::path(test_paths::example_plugin_dir) / f, dir / f, fs::copy_options::overwrite_existing);
}

// What bash's completion function `_mosaic` from `script` answers for COMP_WORDS=(words)
// and COMP_CWORD=cword: COMPREPLY, one line per entry.
inline support::ProcessResult bash_complete(const MosaicTestEnv& env, const fs::path& script, const std::string& words,
                                            int cword) {
    support::Command c;
    c.argv = {"bash", "-c",
              "source '" + script.string() + "' && COMP_WORDS=(" + words + ") && COMP_CWORD=" + std::to_string(cword) +
                  " && _mosaic && printf '%s\\n' \"${COMPREPLY[@]}\""};
    c.env = env.env;
    c.inherit_env = false;
    c.cwd = env.root.string();
    return support::PosixSpawnRunner().run(c);
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace mosaic::testing
