// deps.hpp - the agent plugin's Deps bundle: the host Context and every effect its commands
// have (tmux through a runner, the clock and sleeps of --verify, a terminal handed to
// `tmux attach`), built by one factory, make_deps(). FakeHost tests install a recording
// runner, a fake clock and a fake terminal with UseSeams. The fleet itself is reached only
// through fleet's services (fleet_client.hpp), never through its sources.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>

namespace mosaic::agent {

// Runs a program on this process's terminal (stdin, stdout and stderr inherited) and waits
// for it: `tmux attach` for `agent watch`. Returns its exit status (128 + signal).
class Terminal {
public:
    virtual ~Terminal() = default;
    virtual int run_attached(const support::Command& command) = 0;
};

class PosixTerminal : public Terminal {
public:
    int run_attached(const support::Command& command) override;  // throws when it cannot start
};

struct Seams {
    support::CommandRunner& runner;  // tmux
    support::Clock& clock;
    support::Sleeper& sleeper;
    Terminal& terminal;
};

struct Deps {
    const Context& ctx;
    Seams seams;
    std::string path_env;         // the host's PATH: where tmux is looked up
    std::shared_ptr<void> owned;  // the real seams, when they are

    // `argv` with PATH set to path_env (the host's, which FakeHost fakes).
    support::Command command(std::vector<std::string> argv) const;
};

std::unique_ptr<Deps> make_deps(const Context& ctx);

using UseSeams = mosaic::UseSeams<Seams>;

}  // namespace mosaic::agent
