// mosaic/support/process.hpp - running child processes behind a narrow seam.
//
// Domain code builds a Command (pure data) and hands it to a CommandRunner. Production uses
// PosixSpawnRunner; tests use FakeRunner, which records every Command and answers from a
// script, so a test asserts the exact argv sequence.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::support {

struct Command {
    std::vector<std::string> argv;             // argv[0] is looked up on PATH when it has no '/'
    std::map<std::string, std::string> env;    // added to / overriding the inherited environment
    std::vector<std::string> unset_env;        // removed from the inherited environment
    bool inherit_env = true;                   // false: the child sees only `env`
    std::optional<std::string> cwd;
    std::optional<std::string> stdin_data;     // nullopt: stdin is /dev/null
    bool capture = true;                       // false: child inherits stdout/stderr
};

struct ProcessResult {
    int exit_code = -1;     // exit status, or 128 + signal when killed by a signal
    std::string out;        // captured stdout (capture = true)
    std::string err;        // captured stderr (capture = true)
    bool spawn_failed = false;  // the program could not be started (not found, not executable)
    bool ok() const { return !spawn_failed && exit_code == 0; }
};

class CommandRunner {
public:
    virtual ~CommandRunner() = default;
    virtual ProcessResult run(const Command& cmd) = 0;
};

// posix_spawnp with pipes for stdout/stderr (read with poll, no deadlock on large output).
class PosixSpawnRunner : public CommandRunner {
public:
    ProcessResult run(const Command& cmd) override;
};

// Records every command; answers with the first matching rule, else `fallback`.
class FakeRunner : public CommandRunner {
public:
    using Rule = std::function<std::optional<ProcessResult>(const Command&)>;
    ProcessResult run(const Command& cmd) override;

    // Answer `result` for commands whose argv starts with `prefix`.
    void on(std::vector<std::string> prefix, ProcessResult result);
    void add_rule(Rule rule) { rules_.push_back(std::move(rule)); }

    std::vector<Command> commands_ran;
    ProcessResult fallback{0, "", "", false};

    // Convenience: argv of every recorded command, joined with spaces.
    std::vector<std::string> argv_lines() const;

private:
    std::vector<Rule> rules_;
};

// The environment a child of `cmd` gets ("KEY=VALUE" strings): the inherited one (unless
// inherit_env is false) minus unset_env plus env.
std::vector<std::string> child_environment(const Command& cmd);

// Finds `program` on PATH (or the given search path); std::nullopt when absent.
std::optional<std::string> find_program(const std::string& program,
                                        const std::optional<std::string>& path_env = std::nullopt);

}  // namespace mosaic::support
