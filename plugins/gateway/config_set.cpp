#include "config_set.hpp"

#include <mosaic/support/file.hpp>

#include "install_state.hpp"
#include "settings.hpp"
#include "service_control.hpp"

namespace mosaic::gateway {

namespace {
void check_provider_url(const std::string& value, const std::string& source) { parse_provider_url(value, source); }
}  // namespace

const std::vector<SettableKey>& settable_keys() {
    static const std::vector<SettableKey> keys{
        {"anthropic-api-key", "anthropic_api_key", key_anthropic_api_key, true},
        {"openai-api-key", "openai_api_key", key_openai_api_key, true},
        {"anthropic-base-url", "anthropic_base_url", key_anthropic_base_url, false, &check_provider_url},
        {"openai-base-url", "openai_base_url", key_openai_base_url, false, &check_provider_url},
    };
    return keys;
}

std::optional<SettableKey> find_settable_key(const std::string& name) {
    for (const auto& k : settable_keys())
        if (name == k.name || name == k.field) return k;
    return std::nullopt;
}

SetOutcome set_gateway_value(GatewayDeps& deps, const SettableKey& key, const std::string& value) {
    GatewayPaths paths(deps.home);
    refuse_unless_complete(paths, detect_state(paths));
    if (key.check && !value.empty()) key.check(value, key.name);
    support::EnvFile env = support::EnvFile::load(paths.env_file);
    SetOutcome out;
    if (value.empty() ? !env.get(key.env_key) : env.get(key.env_key) == value) return out;
    if (value.empty()) env.erase(key.env_key);
    else env.set(key.env_key, value);  // refuses a line break, naming the key
    support::write_secret_file(paths.env_file, env.render());
    out.changed = true;
    DaemonControl daemon(deps, paths);
    if (daemon.state().running) {
        deps.ui.progress("restarting the gateway so it reads the new value", false);
        daemon.stop();
        daemon.start(load_saved_settings(paths));
        out.restarted = true;
    }
    return out;
}

}  // namespace mosaic::gateway
