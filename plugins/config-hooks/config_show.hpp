// config_show - the effective configuration `mosaic config show` reports: homes, the files in
// use, mosaic.config.json, credentials.json, a gateway summary and the hooks, with secrets
// redacted unless asked. Reads files; never writes.
#pragma once

#include <string>

#include "json_document.hpp"

namespace mosaic::config_hooks {

struct ShowOptions {
    fs::path home;
    fs::path claude_home;
    bool show_secrets = false;
};

// {"home", "claude_home", "files": [{"name", "path", "exists"}], "config": {...},
//  "credentials": {...} | null, "gateway": {"dir", "env": {...} | null, "meta": {...} | null} | null,
//  "hooks": {"file", "managed", "enabled": [...], "disabled": [...]}}
// Throws mosaic::Error(exit_usage) naming the file and line/column when one does not parse.
ojson build_config_view(const ShowOptions& opts);

// The readable form of a view.
std::string render_config_view(const ojson& view);

}  // namespace mosaic::config_hooks
