// hooks_config - the document $CLAUDE_HOME/hooks-config.json, as pure functions on its JSON:
// validation, listing, disable/enable, and Mosaic's groups added or removed. No file access.
//
//   {"mosaic-managed": true, "schema": 1,
//    "hooks":    {"<Event>": [{"id", "matcher", "hooks": [{"type", "command", "timeout"}]}]},
//    "disabled": {"<Event>": [...groups moved here by disable...]}}
//
// Unknown keys anywhere are kept. A group moved to "disabled" carries "mosaic-position", its
// index in the event's list when it was disabled, so that enable puts it back where it was and
// disable-then-enable gives back the same document.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "json_document.hpp"

namespace mosaic::config_hooks {

// Claude Code's hook events.
const std::vector<std::string>& claude_hook_events();

// Throws mosaic::Error(exit_usage) with path and line/column when a key the commands need has
// the wrong type (top level, "hooks", "disabled", event lists, groups, "id", "matcher", inner
// hooks, "command").
void validate_hooks_config(const JsonDocument& doc);

bool is_mosaic_managed(const ojson& doc);

struct HookRow {
    std::string event;
    std::string id;       // "" when the group has none
    std::string matcher;  // "" when the group has none (all tools)
    std::string command;  // one row per command of a group
    bool enabled = true;
};
std::vector<HookRow> list_hooks(const ojson& doc);

struct ToggleResult {
    ojson doc;
    bool changed = false;
    std::string subject;  // "event 'PostToolUse'" or "hook 'typecheck'"
    std::size_t groups = 0;  // how many groups moved
};
// Disables (enable = false) or enables every group of an event, or every group with that id.
// Idempotent. Throws mosaic::Error(exit_usage) listing the events and ids that exist when
// `target` names neither; `file` is only used in messages.
ToggleResult toggle_hooks(const ojson& doc, const std::string& target, bool enable, const fs::path& file);

// Mosaic's groups (hook_catalogue) added to `doc` (an empty object for a new file) and the file
// marked "mosaic-managed": a group already present (enabled or disabled) is updated in place and
// keeps its state; a missing one is appended to its event.
ojson add_mosaic_groups(const ojson& doc, const fs::path& mosaic_home);

// `doc` without the groups install wrote (Mosaic's ids, or whose every command is under
// <home>/hooks/). std::nullopt when nothing but Mosaic's own empty skeleton would be left, i.e.
// the file should be removed.
std::optional<ojson> remove_mosaic_groups(const ojson& doc, const fs::path& mosaic_home);

}  // namespace mosaic::config_hooks
