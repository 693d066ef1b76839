// deps.hpp - the fleet plugin's Deps bundle: the host Context and every effect the fleet
// commands have (systemctl and tmux through a runner, the clock, sleeps, /proc, detached
// spawns, exec), built by one factory, make_deps(). FakeHost tests replace the effects with
// UseSeams (a recording runner, a fake clock) instead of scripts on a fake PATH.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>

#include "detach.hpp"
#include "membership.hpp"
#include "restart_lock.hpp"
#include "yolo.hpp"

namespace mosaic::fleet {

struct Seams {
    support::CommandRunner& runner;  // systemctl, tmux: looked up on the host's PATH
    support::Clock& clock;
    support::Sleeper& sleeper;
    ProcessInspector& inspector;     // /proc and the host name
    DetachedSpawner& spawner;        // the heartbeat sidecar
    Exec& exec;                      // yolo
};

struct Deps {
    const Context& ctx;
    Seams seams;
    std::filesystem::path home;         // mosaic home
    std::filesystem::path roster_path;  // <home>/fleet/roster.yaml
    std::string user_home;              // $HOME
    std::string path_env;               // the host's PATH
    std::shared_ptr<void> owned;        // the real seams, when they are

    std::optional<std::string> env(const std::string& name) const { return ctx.env(name); }
    std::filesystem::path run_dir() const;  // heartbeat_run_dir(home, MOSAIC_HEARTBEAT_RUN_DIR)
    MembershipPaths membership() const { return {roster_path, home, user_home}; }
};

// The one factory: the real effects, or those a live UseSeams installed.
std::unique_ptr<Deps> make_deps(const Context& ctx);

// For tests: while one lives, make_deps() hands out its seams instead of the real effects.
using UseSeams = mosaic::UseSeams<Seams>;

}  // namespace mosaic::fleet
