#include "model_access.hpp"

#include <charconv>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

namespace mosaic::fleet {

namespace {
constexpr const char* anthropic_url = "ANTHROPIC_BASE_URL";
constexpr const char* openai_url = "OPENAI_BASE_URL";
constexpr const char* pi_agent_dir_key = "PI_CODING_AGENT_DIR";
}  // namespace

std::map<std::string, std::string> model_env_values(const std::string& runtime, const GatewayGrant& g,
                                                    const std::string& pi_dir) {
    std::map<std::string, std::string> out{{key_gateway_token_id, std::to_string(g.token_id)}};
    if (runtime == "claude") {
        out[anthropic_url] = g.anthropic_base_url;
        out["ANTHROPIC_AUTH_TOKEN"] = g.token;
    } else if (runtime == "codex" || runtime == "opencode") {
        out[openai_url] = g.openai_base_url;
        out["OPENAI_API_KEY"] = g.token;
    } else {
        out[anthropic_url] = g.anthropic_base_url;
        out["ANTHROPIC_API_KEY"] = g.token;
        out[openai_url] = g.openai_base_url;
        out["OPENAI_API_KEY"] = g.token;
        if (runtime == "pi") out[pi_agent_dir_key] = pi_dir;
    }
    return out;
}

std::filesystem::path pi_agent_dir(const std::filesystem::path& mosaic_home, const std::string& agent) {
    return mosaic_home / "fleet/agents" / (agent + ".pi");
}

std::string pi_models_json(const std::optional<std::string>& existing, const std::filesystem::path& path,
                           const GatewayGrant& grant) {
    nlohmann::ordered_json models = nlohmann::ordered_json::object();
    if (existing) models = support::parse_ordered_json_text(*existing, path);
    auto malformed = [&](const std::string& what) {
        return Error(exit_usage, "'" + path.string() + "': " + what + "; fix it, or remove the file and run the command again");
    };
    if (!models.is_object()) throw malformed("the top level is not a JSON object");
    auto& providers = models["providers"];
    if (providers.is_null()) providers = nlohmann::ordered_json::object();
    if (!providers.is_object()) throw malformed("'providers' is not an object");
    for (const auto& [name, url] : {std::pair{"anthropic", grant.anthropic_base_url}, {"openai", grant.openai_base_url}}) {
        auto& provider = providers[name];
        if (provider.is_null()) provider = nlohmann::ordered_json::object();
        if (!provider.is_object()) throw malformed(std::string("'providers.") + name + "' is not an object");
        provider["baseUrl"] = url;
    }
    return models.dump(2) + "\n";
}

const std::vector<std::string>& model_env_keys() {
    static const std::vector<std::string> keys{key_gateway_token_id, anthropic_url,    "ANTHROPIC_AUTH_TOKEN",
                                               "ANTHROPIC_API_KEY",  openai_url,       "OPENAI_API_KEY",
                                               pi_agent_dir_key};
    return keys;
}

std::optional<HeldToken> held_token(const support::EnvFile& file) {
    auto id_text = file.get(key_gateway_token_id);
    if (!id_text) return std::nullopt;
    HeldToken held;
    auto [end, ec] = std::from_chars(id_text->data(), id_text->data() + id_text->size(), held.id);
    if (ec != std::errc() || end != id_text->data() + id_text->size() || held.id <= 0) return std::nullopt;
    for (const auto& key : model_env_keys())
        if (auto v = file.get(key); v && v->rfind("mga_", 0) == 0) {
            held.token = *v;
            return held;
        }
    return std::nullopt;
}

std::map<std::string, std::string> model_env_of(const support::EnvFile& file) {
    std::map<std::string, std::string> out;
    for (const auto& key : model_env_keys())
        if (key != key_gateway_token_id)
            if (auto v = file.get(key)) out[key] = *v;
    return out;
}

}  // namespace mosaic::fleet
