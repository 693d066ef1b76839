// settings_mirror - Mosaic's enabled hook groups mirrored into the "hooks" key of Claude Code's
// $CLAUDE_HOME/settings.json, which is the only place Claude Code runs hooks from. Pure.
//
// Mosaic's entries are recognised by their command living under <home>/hooks/. Every other key
// and every user-authored hook is left exactly as it was; Mosaic's groups keep their place in
// each event's list across re-syncs.
#pragma once

#include "json_document.hpp"

namespace mosaic::config_hooks {

// Throws mosaic::Error(exit_usage) with path and line/column when settings.json is not an
// object, or "hooks", an event list, a group, a group's "hooks" or a hook has the wrong type.
void validate_settings(const JsonDocument& doc);

// `settings` with Mosaic's entries replaced by the enabled groups of `hooks_config` (only their
// hooks whose command is under <home>/hooks/; "id" and Mosaic's own keys are not copied, as
// Claude Code knows only "matcher" and "hooks"). A null `hooks_config` removes Mosaic's entries.
// Containers that only Mosaic's entries filled are removed with them.
ojson mirror_into_settings(const ojson& settings, const ojson& hooks_config, const fs::path& mosaic_home);

}  // namespace mosaic::config_hooks
