#include "test_util.hpp"

#include <fstream>
#include <sstream>

namespace config_hooks_test {

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

nlohmann::json read_json(const fs::path& path) {
    if (!fs::exists(path)) throw std::runtime_error("missing " + path.string());
    return nlohmann::json::parse(slurp(path));
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::string realistic_settings() {
    return R"JSON({
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "permissions": {
    "allow": ["Bash(npm run lint)", "Bash(git diff:*)", "Read(~/.zshrc)"],
    "deny": ["Read(./.env)", "Read(./secrets/**)"],
    "defaultMode": "acceptEdits"
  },
  "model": "claude-sonnet-4-5",
  "env": {"CLAUDE_CODE_ENABLE_TELEMETRY": "0", "MY_FLAG": "1"},
  "statusLine": {"type": "command", "command": "~/.claude/statusline.sh"},
  "hooks": {
    "PreToolUse": [
      {"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/local/bin/audit-bash", "timeout": 5}]}
    ],
    "PostToolUse": [
      {"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "npx prettier --write \"$CLAUDE_FILE\""}]}
    ],
    "Stop": [
      {"hooks": [{"type": "command", "command": "notify-send 'Claude finished'"}]}
    ]
  },
  "includeCoAuthoredBy": false
}
)JSON";
}

}  // namespace config_hooks_test
