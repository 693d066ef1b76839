// private_tmux.hpp - a tmux server of a test's own, on a private socket.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <mosaic/support/process.hpp>

namespace mosaic::testing {

// A tmux server on a private socket (-L with a unique name), killed at the end.
class PrivateTmux {
public:
    PrivateTmux() {
        static std::atomic<int> counter{0};
        name_ = "mosaic-test-tmux-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    }
    ~PrivateTmux() {
        run({"kill-server"});
        // tmux leaves the socket file behind; it is ours, remove it.
        const char* dir = std::getenv("TMUX_TMPDIR");
        std::error_code ec;
        std::filesystem::remove(std::filesystem::path(dir && *dir ? dir : "/tmp") /
                                    ("tmux-" + std::to_string(::getuid())) / name_,
                                ec);
    }
    const std::string& name() const { return name_; }
    mosaic::support::ProcessResult run(const std::vector<std::string>& args) const {
        mosaic::support::Command cmd;
        cmd.argv = {"tmux", "-L", name_};
        cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
        return mosaic::support::PosixSpawnRunner().run(cmd);
    }

private:
    std::string name_;
};

inline bool have_program(const std::string& name) { return mosaic::support::find_program(name).has_value(); }

}  // namespace mosaic::testing
