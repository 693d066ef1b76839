// uninstall.hpp - `mosaic gateway uninstall`: stop the daemon and remove exactly what
// install created (the unit, .env, mosaic.config.json, meta.json, gateway.pid, gateway.log,
// data/ unless kept). Unknown files in <home>/gateway/ are left, and so is the directory
// then.
#pragma once

#include <string>
#include <vector>

#include "deps.hpp"

namespace mosaic::gateway {

struct UninstallOutcome {
    bool stopped = false;
    std::vector<std::string> removed;  // paths
    std::vector<std::string> kept;     // paths left in place (kept data, unknown files)
};

// True when there is anything to uninstall.
bool has_install_traces(GatewayDeps& deps);
UninstallOutcome run_uninstall(GatewayDeps& deps, bool keep_data);

}  // namespace mosaic::gateway
