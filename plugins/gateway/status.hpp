// status.hpp - what `gateway status` and the gateway.status service report.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "deps.hpp"

namespace mosaic::gateway {

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
};

GatewayStatus read_status(GatewayDeps& deps);
// The gateway.status contract (docs/services.md) plus pid, via, state and backends.
nlohmann::json status_json(const GatewayStatus& s);

}  // namespace mosaic::gateway
