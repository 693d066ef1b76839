#include "uninstall.hpp"

#include <mosaic/error.hpp>

#include "install_state.hpp"
#include "process_control.hpp"
#include "service_control.hpp"
#include "systemd.hpp"

namespace mosaic::gateway {

bool has_install_traces(GatewayDeps& deps) {
    GatewayPaths p(deps.home);
    for (const auto& f : {p.env_file, p.config_file, p.meta_file, p.pid_file, p.log_file, p.data_dir})
        if (fs::exists(f)) return true;
    return fs::exists(unit_path(deps.env));
}

UninstallOutcome run_uninstall(GatewayDeps& deps, bool keep_data) {
    GatewayPaths p(deps.home);
    UninstallOutcome out;
    DaemonControl daemon(deps, p);
    try {
        out.stopped = daemon.stop().was_running;
    } catch (const Error&) {
        // A meta.json that cannot be parsed must not block removing the rest.
    }
    fs::path unit = unit_path(deps.env);
    if (fs::exists(unit)) {
        bool systemd = daemon.systemd_available();
        if (systemd) daemon.systemctl_checked("disable", {"--now", unit_name}, false);
        fs::remove(unit);
        out.removed.push_back(unit.string());
        if (systemd) daemon.systemctl_checked("daemon-reload", {}, false);
    }
    std::error_code ec;
    // The lock of claim_pid_file (process_control.hpp); .install-writing: install.
    for (const auto& f : {p.env_file, p.config_file, p.meta_file, p.pid_file, pid_lock_file(p.pid_file),
                          p.writing_marker, p.log_file, p.setup_token})
        if (fs::remove(f, ec)) out.removed.push_back(f.string());
    if (fs::exists(p.data_dir)) {
        if (keep_data) {
            out.kept.push_back(p.data_dir.string());
        } else {
            // Only the database files the daemon creates.
            for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
                fs::path f = p.database.string() + suffix;
                if (fs::remove(f, ec)) out.removed.push_back(f.string());
            }
            if (fs::is_empty(p.data_dir, ec) && fs::remove(p.data_dir, ec)) out.removed.push_back(p.data_dir.string());
            else if (fs::exists(p.data_dir)) out.kept.push_back(p.data_dir.string());
        }
    }
    if (fs::exists(p.dir)) {
        if (fs::is_empty(p.dir, ec)) {
            fs::remove(p.dir, ec);
            out.removed.push_back(p.dir.string());
        } else {
            out.kept.push_back(p.dir.string());
        }
    }
    return out;
}

}  // namespace mosaic::gateway
