// doctor.hpp - `mosaic gateway doctor`: each backend reachable?, with latency. Asks the
// running daemon's /health; when it is not running, opens the local tier's database
// directly (read-only checks, never creating it).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "deps.hpp"

namespace mosaic::gateway {

struct DoctorCheck {
    std::string name;    // "config", "daemon", "sqlite", ...
    bool ok = false;
    double latency_ms = -1;
    std::string detail;
};

std::vector<DoctorCheck> run_doctor(GatewayDeps& deps);
nlohmann::json doctor_json(const std::vector<DoctorCheck>& checks);

}  // namespace mosaic::gateway
