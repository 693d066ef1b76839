#include "yolo.hpp"

#include <cstdlib>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/process.hpp>

namespace mosaic::fleet {

namespace {
struct RuntimeSpec {
    const char* name;
    const char* binary;
    std::vector<std::string> yolo_flags;
    const char* model_flag;
};

const std::vector<RuntimeSpec>& specs() {
    static const std::vector<RuntimeSpec> table{
        {"claude", "claude", {"--dangerously-skip-permissions"}, "--model"},
        {"codex", "codex", {"--dangerously-bypass-approvals-and-sandbox"}, "--model"},
        {"opencode", "opencode", {}, "--model"},
        {"pi", "pi", {}, "--model"},
    };
    return table;
}
}  // namespace

std::vector<std::string> known_runtimes() {
    std::vector<std::string> names;
    for (const auto& s : specs()) names.push_back(s.name);
    return names;
}

std::vector<std::string> runtime_process_names(const std::string& runtime) {
    for (const auto& s : specs()) {
        if (runtime != s.name) continue;
        std::vector<std::string> names{s.binary, "node"};
        if (runtime == "opencode") names.push_back("bun");
        return names;
    }
    return {runtime};
}

std::vector<std::string> yolo_argv(const std::string& runtime, const std::optional<std::string>& model,
                                   const std::vector<std::string>& args) {
    for (const auto& s : specs()) {
        if (runtime != s.name) continue;
        std::vector<std::string> argv{s.binary};
        argv.insert(argv.end(), s.yolo_flags.begin(), s.yolo_flags.end());
        if (model && !model->empty()) {
            argv.push_back(s.model_flag);
            argv.push_back(*model);
        }
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
    std::string known;
    for (const auto& n : known_runtimes()) known += (known.empty() ? "" : ", ") + n;
    throw Error(exit_usage, "unknown runtime '" + runtime + "'; known runtimes: " + known);
}

void PosixExec::exec(const std::string& program, const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env) {
    for (const auto& [key, value] : env) ::setenv(key.c_str(), value.c_str(), 1);  // this process is replaced next
    std::vector<char*> raw;
    for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
    raw.push_back(nullptr);
    std::fflush(nullptr);
    ::execv(program.c_str(), raw.data());
    throw Error(exit_failed, "cannot run '" + program + "': " + std::strerror(errno));
}

void run_yolo(const std::string& runtime, const std::optional<std::string>& model, const std::vector<std::string>& args,
              const std::string& path_env, Exec& exec, const std::map<std::string, std::string>& env) {
    auto argv = yolo_argv(runtime, model, args);
    auto program = support::find_program(argv[0], path_env);
    if (!program)
        throw Error(exit_yolo_unavailable, "runtime '" + runtime + "' needs '" + argv[0] + "', which is not on PATH");
    exec.exec(*program, argv, env);
}

}  // namespace mosaic::fleet
