// test_env.hpp - MosaicTestEnv: one private world per test, for tests that run the built
// `mosaic` binary. Temp HOME, MOSAIC_HOME, CLAUDE_HOME, XDG_* dirs, an empty system plugin
// dir (so nothing installed on the machine leaks in), and a bin/ dir first on PATH for fake
// tools such as systemctl. The child sees only `env` (nothing inherited), so tests are safe
// under `ctest -j`.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <mosaic/support/process.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "mosaic_test_paths.hpp"

namespace mosaic::testing {

class MosaicTestEnv {
    TempDir tmp_;  // first: every path below lives inside it

public:
    MosaicTestEnv()
        : root(tmp_.path()),
          home(root / "home"),
          mosaic_home(root / "home/.config/mosaic"),
          claude_home(root / "home/.claude"),
          system_plugins(root / "system-plugins"),
          bin(root / "bin") {
        for (const auto& d : {home, system_plugins, bin}) std::filesystem::create_directories(d);
        env = {
            {"HOME", home.string()},
            {"MOSAIC_HOME", mosaic_home.string()},
            {"CLAUDE_HOME", claude_home.string()},
            {"XDG_CONFIG_HOME", (home / ".config").string()},
            {"XDG_DATA_HOME", (home / ".local/share").string()},
            {"XDG_STATE_HOME", (home / ".local/state").string()},
            {"XDG_CACHE_HOME", (home / ".cache").string()},
            {"XDG_RUNTIME_DIR", (root / "run").string()},
            {"MOSAIC_PLUGIN_SYSTEM_PATH", system_plugins.string()},
            {"PATH", bin.string() + ":/usr/local/bin:/usr/bin:/bin"},
            {"LANG", "C.UTF-8"},
            {"TMPDIR", root.string()},
        };
    }

    // Makes the first-party plugins built in this tree visible as the "system" plugins.
    void use_built_plugins() { env["MOSAIC_PLUGIN_SYSTEM_PATH"] = test_paths::plugin_build_dir; }

    // Runs the built `mosaic` with `args`; stdin is /dev/null unless `input` is given.
    support::ProcessResult mosaic(const std::vector<std::string>& args,
                                  const std::optional<std::string>& input = std::nullopt) const {
        support::Command cmd;
        cmd.argv = {test_paths::mosaic_exe};
        cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
        cmd.env = env;
        cmd.inherit_env = false;
        cmd.stdin_data = input;
        cmd.cwd = root.string();
        return support::PosixSpawnRunner().run(cmd);
    }

    // Writes an executable script into bin/ (first on PATH), e.g. a fake systemctl.
    std::filesystem::path write_script(const std::string& name, const std::string& body) const {
        auto p = bin / name;
        std::ofstream(p) << body;
        ::chmod(p.c_str(), 0755);
        return p;
    }

    const std::filesystem::path root;
    std::filesystem::path home, mosaic_home, claude_home, system_plugins, bin;
    std::map<std::string, std::string> env;
};

}  // namespace mosaic::testing
