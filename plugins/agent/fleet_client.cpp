#include "fleet_client.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/text.hpp>

namespace mosaic::agent {

namespace {

std::optional<std::string> optional_string(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
    return j[key].get<std::string>();
}

std::string required_string(const nlohmann::json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string())
        throw Error(exit_failed, std::string("service 'fleet.roster' answered without \"") + key + "\"");
    return j[key].get<std::string>();
}

AgentInfo parse_agent(const nlohmann::json& a, const nlohmann::json& runtimes) {
    AgentInfo info;
    info.name = required_string(a, "name");
    info.runtime = required_string(a, "runtime");
    info.agent_class = optional_string(a, "class").value_or("worker");
    info.model_hint = optional_string(a, "model_hint");
    info.session = required_string(a, "session");
    info.unit = optional_string(a, "unit").value_or("mosaic-agent@" + info.name + ".service");
    if (runtimes.is_object() && runtimes.contains(info.runtime))
        info.reset_command = optional_string(runtimes[info.runtime], "reset_command");
    return info;
}

bool service_missing(const Error& e) {
    std::string what = e.what();
    return e.code() == exit_refused && (what.find(fleet_package) != std::string::npos ||
                                        what.find("not provided by any installed plugin") != std::string::npos);
}

}  // namespace

const AgentInfo& FleetRoster::require(const std::string& name) const {
    for (const auto& a : agents)
        if (a.name == name) return a;
    std::string known;
    for (const auto& a : agents) known += (known.empty() ? "" : ", ") + a.name;
    throw Error(exit_usage, "unknown agent '" + support::escape_for_message(name) + "'; the roster '" + roster_path +
                                "' has " + (known.empty() ? std::string("no agents") : known));
}

FleetRoster parse_fleet_roster(const nlohmann::json& reply) {
    FleetRoster r;
    r.roster_path = required_string(reply, "roster");
    r.host = required_string(reply, "host");
    r.socket_name = optional_string(reply, "socket_name");
    if (!reply.contains("agents") || !reply["agents"].is_array())
        throw Error(exit_failed, "service 'fleet.roster' answered without \"agents\"");
    nlohmann::json runtimes = reply.value("runtimes", nlohmann::json::object());
    for (const auto& a : reply["agents"]) r.agents.push_back(parse_agent(a, runtimes));
    return r;
}

nlohmann::json call_fleet(const Context& ctx, const std::string& service, const nlohmann::json& input) {
    try {
        return ctx.call(service, input);
    } catch (const Error& e) {
        if (!service_missing(e)) throw;
        throw Error(exit_refused, "'mosaic agent' works on the fleet's agents through the fleet plugin, which is not "
                                  "installed: install package " + std::string(fleet_package) + " (" + e.what() + ")");
    }
}

FleetRoster fleet_roster(const Context& ctx) { return parse_fleet_roster(call_fleet(ctx, "fleet.roster")); }

}  // namespace mosaic::agent
