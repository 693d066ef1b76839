// detach.hpp - starting a process that outlives us: the heartbeat sidecar.
//
// The child is fully detached: double fork (the caller never has to reap it and it is
// re-parented to init or the nearest subreaper), a new session via setsid() in which it is
// not the leader (so it can never acquire a controlling terminal), stdin from /dev/null,
// stdout and stderr appended to a log file (or /dev/null), working directory "/", and no file
// descriptor of ours beyond 0-2. The call returns as soon as the program has been exec'ed.
#pragma once

#include <filesystem>
#include <optional>

#include <mosaic/support/process.hpp>

namespace mosaic::fleet {

class DetachedSpawner {
public:
    virtual ~DetachedSpawner() = default;
    // Starts `cmd` (argv, env overlaid on the inherited environment unless inherit_env is
    // false; cwd defaults to "/"; stdin_data and capture are ignored) and returns its pid.
    // Throws mosaic::Error(exit_failed) naming the program when it cannot be started, and
    // (exit_refused) when `log` is a symbolic link.
    virtual long spawn(const support::Command& cmd, const std::optional<std::filesystem::path>& log) = 0;
};

class PosixDetachedSpawner final : public DetachedSpawner {
public:
    long spawn(const support::Command& cmd, const std::optional<std::filesystem::path>& log) override;
};

}  // namespace mosaic::fleet
