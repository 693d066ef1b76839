#include "deps.hpp"

#include "heartbeat.hpp"

namespace mosaic::fleet {

namespace {

// Children are looked up on the PATH the host reports (ctx.env), which is the process's own
// PATH in production and the test's under FakeHost.
class HostPathRunner final : public support::CommandRunner {
public:
    explicit HostPathRunner(std::string path) : path_(std::move(path)) {}
    support::ProcessResult run(const support::Command& command) override {
        support::Command cmd = command;
        if (!cmd.env.count("PATH")) cmd.env["PATH"] = path_;
        return real_.run(cmd);
    }

private:
    std::string path_;
    support::PosixSpawnRunner real_;
};

struct RealSeams {
    explicit RealSeams(std::string path) : runner(std::move(path)) {}
    HostPathRunner runner;
    support::SystemClock clock;
    support::RealSleeper sleeper;
    SystemProcessInspector inspector;
    PosixDetachedSpawner spawner;
    PosixExec exec;
};

}  // namespace

std::filesystem::path Deps::run_dir() const { return heartbeat_run_dir(home, env("MOSAIC_HEARTBEAT_RUN_DIR")); }

std::unique_ptr<Deps> make_deps(const Context& ctx) {
    std::string path = ctx.env("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
    std::shared_ptr<RealSeams> real;
    const auto& installed = UseSeams::installed();
    if (!installed) real = std::make_shared<RealSeams>(path);
    Seams seams = installed ? *installed
                                    : Seams{real->runner, real->clock, real->sleeper, real->inspector, real->spawner,
                                            real->exec};
    return std::unique_ptr<Deps>(new Deps{ctx, seams, ctx.home(), ctx.home() / "fleet/roster.yaml",
                                          ctx.env("HOME").value_or("/"), path, real});
}

}  // namespace mosaic::fleet
