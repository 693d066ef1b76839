// fleet_client.hpp - the fleet as the agent plugin sees it: only through fleet's services
// (docs/services.md), the way a third-party plugin would. Without the fleet plugin every
// call fails with exit 3 naming the package to install, mosaic-plugin-fleet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/sdk.hpp>

namespace mosaic::agent {

inline constexpr const char* fleet_package = "mosaic-plugin-fleet";

struct AgentInfo {
    std::string name;
    std::string runtime;
    std::string agent_class;
    std::optional<std::string> model_hint;
    std::string session;  // its tmux session on the fleet socket
    std::string unit;     // mosaic-agent@<name>.service
    std::optional<std::string> reset_command;  // runtimes.<runtime>.reset_command
};

struct FleetRoster {
    std::string roster_path;
    std::string host;  // the fleet's host name
    std::optional<std::string> socket_name;
    std::vector<AgentInfo> agents;

    // The agent called `name`; mosaic::Error(exit_usage) naming the known ones otherwise.
    const AgentInfo& require(const std::string& name) const;
};

// A fleet.roster reply as a FleetRoster; mosaic::Error(exit_failed) when it is not one.
FleetRoster parse_fleet_roster(const nlohmann::json& reply);

// `service` of the fleet plugin. A service no installed plugin provides becomes
// mosaic::Error(exit_refused) saying to install mosaic-plugin-fleet; other errors pass as
// the fleet gave them (no roster: exit 3 with how to make one).
nlohmann::json call_fleet(const Context& ctx, const std::string& service,
                          const nlohmann::json& input = nlohmann::json::object());

FleetRoster fleet_roster(const Context& ctx);

}  // namespace mosaic::agent
