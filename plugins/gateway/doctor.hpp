// doctor.hpp - `mosaic gateway doctor`: the tier, the configuration file, whether the
// directories holding the secrets are private to the user, the daemon (it must prove it is
// this install's, health.hpp), then each backend: reachable?, with latency. The local tier asks the running daemon's /health
// and, when it is not running, opens the SQLite database directly (never creating it). The
// team tier connects to PostgreSQL and Valkey from here (one line each: host:port and the
// redacted URL, or the error), whether the daemon runs or not.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deps.hpp"

namespace mosaic::gateway {

struct DoctorCheck {
    std::string name;    // "tier", "config", "permissions", "daemon", "sqlite", "postgresql", "valkey"
    bool ok = false;
    double latency_ms = -1;
    std::string detail;
};

std::vector<DoctorCheck> run_doctor(GatewayDeps& deps);
// {"ok": every check ok, "tier": ..., "checks": [{name, ok, latency_ms, detail}]}
nlohmann::json doctor_json(const std::vector<DoctorCheck>& checks);

}  // namespace mosaic::gateway
