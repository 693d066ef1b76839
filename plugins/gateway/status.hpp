// status.hpp - what `gateway status` and the gateway.status service report.
#pragma once

#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "deps.hpp"

namespace mosaic::gateway {

// A model provider as the installed settings configure it (never its key).
struct ProviderStatus {
    std::string name;      // "anthropic", "openai"
    bool key_set = false;  // MOSAIC_<NAME>_API_KEY is in .env
    std::string base_url;  // where the gateway sends its calls
    std::string route;     // what an agent sets as its base URL: "<url>/anthropic", "<url>/openai/v1"
};

struct GatewayStatus {
    std::string state = "not installed";  // "not installed", "installed", "partial"
    bool installed = false;
    bool running = false;
    bool healthy = false;
    std::string url;
    int port = 0;
    std::string tier;
    std::optional<pid_t> pid;
    std::string via;                     // "systemd", "process", ""
    std::optional<bool> admin_exists;    // null when the gateway cannot be asked
    bool token_stored = false;
    nlohmann::json health;               // the /health document when healthy
    // When not healthy: what listens on the port, if anything (port_holder.hpp), and why the
    // answer there was not taken as this gateway's (health.hpp), if one came.
    std::optional<std::string> port_holder;
    std::string problem;
    std::vector<ProviderStatus> providers;  // when installed
};

GatewayStatus read_status(GatewayDeps& deps);
// The gateway.status contract (docs/services.md) plus pid, via, state, backends, port_holder,
// problem and providers.
nlohmann::json status_json(const GatewayStatus& s);

// read_status, with a healthy daemon that start did not launch (no pid file, no active
// unit: `mosaic gateway run` by hand) counted as running, via "unmanaged". What `gateway
// status` and the gateway.status service report.
GatewayStatus current_status(GatewayDeps& deps);

// The exit status of `gateway status` (LSB and `systemctl status` convention): 0 running,
// 3 not running, 4 not installed (or a partial or interrupted install).
inline constexpr int status_running = 0, status_not_running = 3, status_not_installed = 4;
int status_exit_code(const GatewayStatus& s);

}  // namespace mosaic::gateway
