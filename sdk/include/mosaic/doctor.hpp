// mosaic/doctor.hpp - the doctor service contract (docs/services.md, "Doctor"): a plugin that
// can check its own health provides the service "<plugin name>.doctor"; `mosaic doctor` calls
// every installed plugin's and prints one table. Input {}; output
//   {"checks": [{"name": "hooks-config", "ok": false, "detail": "...", "fix": "...",
//                "latency_ms": 1.2}]}
// where "fix" (what to run or do) is given for a failed check, and "latency_ms" when a check
// measured one. A check that cannot be made is a failed check, never a failed service.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>


namespace mosaic::doctor {

struct Check {
    std::string name;    // short, lowercase: "config", "tmux", "systemd", "postgresql"
    bool ok = false;
    std::string detail;  // what was found
    std::string fix;     // failed checks: what to do about it ("" when nothing can be said)
    std::optional<double> latency_ms;
};

inline nlohmann::json to_json(const std::vector<Check>& checks) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : checks) {
        nlohmann::json j{{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}};
        if (!c.ok && !c.fix.empty()) j["fix"] = c.fix;
        if (c.latency_ms) j["latency_ms"] = *c.latency_ms;
        list.push_back(std::move(j));
    }
    return {{"checks", list}};
}

// The checks of a doctor reply; throws std::runtime_error naming what is malformed.
inline std::vector<Check> from_json(const nlohmann::json& reply) {
    if (!reply.is_object() || !reply.contains("checks") || !reply["checks"].is_array())
        throw std::runtime_error("the reply has no 'checks' array");
    std::vector<Check> checks;
    for (const auto& j : reply["checks"]) {
        if (!j.is_object() || !j.contains("name") || !j["name"].is_string() || !j.contains("ok") || !j["ok"].is_boolean())
            throw std::runtime_error("a check without a string 'name' and a boolean 'ok'");
        Check c{j["name"], j["ok"], j.value("detail", std::string()), j.value("fix", std::string()), std::nullopt};
        if (j.contains("latency_ms") && j["latency_ms"].is_number()) c.latency_ms = j["latency_ms"].get<double>();
        checks.push_back(std::move(c));
    }
    return checks;
}

// One check of one plugin, for render().
struct Row {
    std::string plugin;  // "" in a plugin's own doctor command: no PLUGIN column then
    Check check;
};

// The table `mosaic doctor` and `mosaic gateway doctor` print: [PLUGIN] CHECK STATUS DETAIL,
// with the latency after the detail and, under a failed check, a line "fix: ...". In the
// support library.
std::string render(const std::vector<Row>& rows, bool color);

// The service name of plugin `plugin`'s doctor: "gateway" -> "gateway.doctor".
inline std::string service_name(const std::string& plugin) { return plugin + ".doctor"; }

}  // namespace mosaic::doctor
