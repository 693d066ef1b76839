#include "hook_catalogue.hpp"

#include "hook_scripts_embedded.hpp"

namespace mosaic::config_hooks {

namespace {
constexpr std::string_view claude_home_placeholder = "__MOSAIC_CLAUDE_HOME__";
}

const std::vector<HookSpec>& mosaic_hooks() {
    static const std::vector<HookSpec> hooks{
        {"prevent-memory-write", "PreToolUse", "Write|Edit|MultiEdit",
         "blocks writes to Claude's auto-memory index ~/.claude/projects/*/memory/MEMORY.md", 10,
         embedded::prevent_memory_write},
        {"typecheck", "PostToolUse", "Write|Edit|MultiEdit",
         "runs 'tsc --noEmit' after a .ts/.tsx file is written, when the project has a tsconfig.json and tsc", 120,
         embedded::typecheck},
    };
    return hooks;
}

std::vector<std::string> mosaic_hook_ids() {
    std::vector<std::string> ids;
    for (const auto& h : mosaic_hooks()) ids.push_back(h.id);
    return ids;
}

fs::path hooks_dir(const fs::path& mosaic_home) { return mosaic_home / "hooks"; }

std::string shell_quote(const std::string& word) {
    static const std::string safe =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./+,:@%=-";
    if (!word.empty() && word.find_first_not_of(safe) == std::string::npos) return word;
    std::string out = "'";
    for (char c : word) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

std::string installed_script(const HookSpec& spec, const fs::path& claude_home) {
    std::string text(spec.script);
    if (auto at = text.find(claude_home_placeholder); at != std::string::npos)
        text.replace(at, claude_home_placeholder.size(), shell_quote(claude_home.string()));
    return text;
}

std::string hook_command(const HookSpec& spec, const fs::path& mosaic_home) {
    return shell_quote((hooks_dir(mosaic_home) / spec.id).string());
}

bool is_mosaic_command(const std::string& command, const fs::path& mosaic_home) {
    // The first word as sh would read it, for the quoting hook_command produces and the
    // plain and double-quoted forms a user might write by hand.
    std::string program;
    std::size_t i = command.find_first_not_of(" \t");
    while (i != std::string::npos && i < command.size() && command[i] != ' ' && command[i] != '\t') {
        char c = command[i];
        if (c == '\'' || c == '"') {
            std::size_t end = command.find(c, i + 1);
            if (end == std::string::npos) return false;
            program += command.substr(i + 1, end - i - 1);
            i = end + 1;
        } else if (c == '\\' && i + 1 < command.size()) {
            program += command[i + 1];
            i += 2;
        } else {
            program += c;
            ++i;
        }
    }
    std::string prefix = hooks_dir(mosaic_home).lexically_normal().string() + "/";
    std::string candidate = fs::path(program).lexically_normal().string();
    return candidate.size() > prefix.size() && candidate.compare(0, prefix.size(), prefix) == 0;
}

ojson hook_group(const HookSpec& spec, const fs::path& mosaic_home) {
    return ojson{{"id", spec.id},
                 {"matcher", spec.matcher},
                 {"hooks", ojson::array({ojson{{"type", "command"},
                                               {"command", hook_command(spec, mosaic_home)},
                                               {"timeout", spec.timeout_s}}})}};
}

}  // namespace mosaic::config_hooks
