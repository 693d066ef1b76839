// What is already on this machine, found before anything is asked or written: which of the
// plugins the wizard composes are installed, what a previous run stored, the gateway's state.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include <mosaic/sdk.hpp>

#include "provider.hpp"
#include "section.hpp"
#include "settings.hpp"

namespace mosaic::wizard {

// docs/behaviour.md, "First-party plugin catalogue".
inline constexpr const char* config_hooks_package = "mosaic-plugin-config-hooks";
inline constexpr const char* gateway_package = "mosaic-plugin-gateway";

struct GatewayStatus {
    bool installed = false;
    bool running = false;
    bool healthy = false;
    std::string url;
    std::optional<int> port;
    std::string tier;
    std::optional<bool> admin_exists;
    bool token_stored = false;
};

// The reply of gateway.status (docs/services.md); missing fields take the defaults above.
GatewayStatus parse_gateway_status(const nlohmann::json& reply);

// What a new gateway install takes when nothing is chosen: asked from the gateway itself
// (gateway.defaults), so the wizard promises what the gateway does.
struct GatewayDefaults {
    int port = 0;
    std::string tier, cors_origin;
};
// Throws mosaic::Error(exit_failed) naming the field a reply lacks.
GatewayDefaults parse_gateway_defaults(const nlohmann::json& reply);

struct Existing {
    bool config_plugin = false;   // config-hooks answers config.get
    bool gateway_plugin = false;  // gateway answers gateway.status
    std::optional<std::string> agent_name, intent, intent_description;
    std::optional<Provider> provider;  // provider.name
    bool provider_skipped = false;     // provider.skipped
    std::optional<bool> hooks;         // wizard.hooks: the last answer to the hooks question
    std::set<Section> sections_done;   // wizard.sections_done
    nlohmann::json credentials = nlohmann::json::object();
    std::optional<std::pair<Provider, std::string>> key;  // a stored provider key
    GatewayStatus gateway;
    GatewayDefaults gateway_defaults;  // when gateway_plugin

    // Anything from an earlier install (configuration, a key or a gateway).
    bool found_anything() const;
};

// Probes the services (a service that answers exit 3 means its plugin is not installed; the
// probes used here never refuse for another reason), reads the settings and credentials.
// Throws mosaic::Error for a file that cannot be parsed, before anything is written.
Existing detect_existing(const Context& ctx);

// Settings stored where `existing` says they can be (config-hooks, else our data dir).
Settings open_settings(const Context& ctx, const Existing& existing);

}  // namespace mosaic::wizard
