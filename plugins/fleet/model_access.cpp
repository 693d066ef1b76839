#include "model_access.hpp"

#include <charconv>

namespace mosaic::fleet {

namespace {
constexpr const char* anthropic_url = "ANTHROPIC_BASE_URL";
constexpr const char* openai_url = "OPENAI_BASE_URL";
}  // namespace

std::map<std::string, std::string> model_env_values(const std::string& runtime, const GatewayGrant& g) {
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
    }
    return out;
}

const std::vector<std::string>& model_env_keys() {
    static const std::vector<std::string> keys{key_gateway_token_id, anthropic_url,    "ANTHROPIC_AUTH_TOKEN",
                                               "ANTHROPIC_API_KEY",  openai_url,       "OPENAI_API_KEY"};
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
