#include "deps.hpp"

#include <cerrno>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

#include <mosaic/error.hpp>

namespace mosaic::agent {

namespace {

struct RealSeams {
    support::PosixSpawnRunner runner;
    support::SystemClock clock;
    support::RealSleeper sleeper;
    PosixTerminal terminal;
};

}  // namespace

int PosixTerminal::run_attached(const support::Command& command) {
    if (command.argv.empty()) throw Error(exit_failed, "nothing to run");
    std::optional<std::string> path;
    if (auto it = command.env.find("PATH"); it != command.env.end()) path = it->second;
    auto program = support::find_program(command.argv[0], path);
    if (!program) throw Error(exit_failed, "'" + command.argv[0] + "' was not found on PATH; install it");
    std::vector<std::string> env = support::child_environment(command);
    std::vector<char*> argv, envp;
    for (const auto& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
    for (auto& e : env) envp.push_back(e.data());
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, program->c_str(), nullptr, nullptr, argv.data(), envp.data());
    if (rc != 0) throw Error(exit_failed, "cannot run '" + *program + "': " + std::strerror(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

support::Command Deps::command(std::vector<std::string> argv) const {
    support::Command c;
    c.argv = std::move(argv);
    c.env["PATH"] = path_env;
    return c;
}

std::unique_ptr<Deps> make_deps(const Context& ctx) {
    std::string path = ctx.env("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
    std::shared_ptr<RealSeams> real;
    const auto& installed = UseSeams::installed();
    if (!installed) real = std::make_shared<RealSeams>();
    Seams seams = installed ? *installed : Seams{real->runner, real->clock, real->sleeper, real->terminal};
    return std::unique_ptr<Deps>(new Deps{ctx, seams, path, real});
}

}  // namespace mosaic::agent
