// config_set.hpp - `mosaic gateway config set` and the gateway.set service: change one value
// of a complete install in place, without the reconfiguration `install` does (which drops the
// stored admin token). Only its line of .env is rewritten (atomically, 0600, every other line
// kept), and a running daemon is restarted so it reads the new value.
//
// Settable: the provider keys anthropic-api-key and openai-api-key (MOSAIC_*_API_KEY in .env;
// secrets: never shown, and the command takes them from the prompt or the environment, never
// from argv) and the provider base URLs anthropic-base-url and openai-base-url (checked as
// the daemon checks them). An empty value removes the line (a base URL then falls back to
// the provider's own).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "deps.hpp"

namespace mosaic::gateway {

struct SettableKey {
    const char* name;     // what `config set` takes: "anthropic-api-key"
    const char* field;    // the gateway.set field: "anthropic_api_key"
    const char* env_key;  // the .env line: "MOSAIC_ANTHROPIC_API_KEY"
    bool secret;
    // Throws mosaic::Error(exit_usage) naming `source` for a value the daemon would refuse.
    void (*check)(const std::string& value, const std::string& source) = nullptr;
};
const std::vector<SettableKey>& settable_keys();
// The key named `name` (CLI name or service field); std::nullopt when there is none.
std::optional<SettableKey> find_settable_key(const std::string& name);

struct SetOutcome {
    bool changed = false;    // .env was rewritten
    bool restarted = false;  // the daemon was running and has been restarted
};

// Exit 3 unless the install is complete; exit 2 for a value .env cannot hold (a line break).
SetOutcome set_gateway_value(GatewayDeps& deps, const SettableKey& key, const std::string& value);

}  // namespace mosaic::gateway
