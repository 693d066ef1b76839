// yolo.hpp - `mosaic yolo <runtime> [--model M] [-- ARGS...]`: replace this process with a
// runtime TUI whose permission prompts are off.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::fleet {

inline constexpr int exit_yolo_unavailable = 69;  // EX_UNAVAILABLE: runtime not on PATH

// claude, codex, opencode, pi (sorted).
std::vector<std::string> known_runtimes();

// The process names tmux may show (#{pane_current_command}) for a pane running `runtime`:
// its binary, plus "node" for the runtimes that ship as Node.js scripts (claude, codex,
// opencode, pi) and "bun" for opencode. A runtime this table does not know (one a roster
// declares) is matched by its own name only.
std::vector<std::string> runtime_process_names(const std::string& runtime);

// The runtime's argv: its binary, its skip-permissions flag, its model flag when `model` is
// set, then `args`. Throws mosaic::Error(exit_usage) for an unknown runtime, listing the
// known ones.
std::vector<std::string> yolo_argv(const std::string& runtime, const std::optional<std::string>& model,
                                   const std::vector<std::string>& args);

// The effect: execv() in production, recorded in tests. Returns only on failure.
class Exec {
public:
    virtual ~Exec() = default;
    // `env`: variables set (over this process's own) for the program.
    virtual void exec(const std::string& program, const std::vector<std::string>& argv,
                      const std::map<std::string, std::string>& env) = 0;
};

class PosixExec : public Exec {
public:
    void exec(const std::string& program, const std::vector<std::string>& argv,
              const std::map<std::string, std::string>& env) override;  // throws on failure
};

// Resolves the runtime on `path_env` (exit_yolo_unavailable naming it when absent) and
// execs it with `env` added (the agent's model access through the gateway, model_access.hpp).
void run_yolo(const std::string& runtime, const std::optional<std::string>& model, const std::vector<std::string>& args,
              const std::string& path_env, Exec& exec, const std::map<std::string, std::string>& env = {});

}  // namespace mosaic::fleet
