// hook_catalogue - Mosaic's own hooks: what they are, where their scripts go, how their
// hooks-config.json groups look, and how a command is recognised as Mosaic's.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "json_document.hpp"

namespace mosaic::config_hooks {

struct HookSpec {
    std::string id;           // also the script's file name under <home>/hooks/
    std::string event;        // Claude Code hook event
    std::string matcher;      // Claude Code tool-name matcher
    std::string description;  // one line, for hooks.preview and the wizard's consent screen
    int timeout_s;
    std::string_view script;  // the embedded script (with the install-time placeholder)
};

// prevent-memory-write (PreToolUse), typecheck (PostToolUse), in install order.
const std::vector<HookSpec>& mosaic_hooks();
std::vector<std::string> mosaic_hook_ids();

// <home>/hooks
fs::path hooks_dir(const fs::path& mosaic_home);

// The script as installed: the placeholder for the Claude home replaced by `claude_home`,
// shell-quoted.
std::string installed_script(const HookSpec& spec, const fs::path& claude_home);

// Single-quotes `word` for sh when it holds anything but [A-Za-z0-9_./+,:@%=-].
std::string shell_quote(const std::string& word);

// The command Claude Code runs: the script's path under <home>/hooks/, quoted when needed.
std::string hook_command(const HookSpec& spec, const fs::path& mosaic_home);

// True when the program of `command` (its first word, quotes removed) lives under
// <home>/hooks/: that is how Mosaic's entries are told apart from the user's.
bool is_mosaic_command(const std::string& command, const fs::path& mosaic_home);

// {"id", "matcher", "hooks": [{"type": "command", "command", "timeout"}]}
ojson hook_group(const HookSpec& spec, const fs::path& mosaic_home);

}  // namespace mosaic::config_hooks
