#include "provider.hpp"

namespace mosaic::wizard {

std::optional<Provider> detect_provider(std::string_view key) {
    if (key.substr(0, 7) == "sk-ant-" && key.size() > 7) return Provider::anthropic;
    if (key.substr(0, 3) == "sk-" && key.size() > 3) return Provider::openai;
    return std::nullopt;
}

std::string provider_id(Provider p) { return p == Provider::anthropic ? "anthropic" : "openai"; }

std::string gateway_key_field(Provider p) { return provider_id(p) + "_api_key"; }

std::string provider_title(Provider p) { return p == Provider::anthropic ? "Anthropic" : "OpenAI"; }

std::optional<Provider> parse_provider(std::string_view id) {
    if (id == "anthropic") return Provider::anthropic;
    if (id == "openai") return Provider::openai;
    return std::nullopt;
}

std::filesystem::path credentials_path(const std::filesystem::path& home) { return home / "credentials.json"; }

nlohmann::json with_api_key(nlohmann::json credentials, Provider p, const std::string& key) {
    if (!credentials.is_object()) credentials = nlohmann::json::object();
    auto& entry = credentials[provider_id(p)];
    if (!entry.is_object()) entry = nlohmann::json::object();
    entry["api_key"] = key;
    return credentials;
}

std::optional<std::pair<Provider, std::string>> stored_key(const nlohmann::json& credentials,
                                                           std::optional<Provider> preferred) {
    auto key_of = [&](Provider p) -> std::optional<std::string> {
        if (!credentials.is_object()) return std::nullopt;
        auto it = credentials.find(provider_id(p));
        if (it == credentials.end() || !it->is_object()) return std::nullopt;
        auto k = it->find("api_key");
        if (k == it->end() || !k->is_string() || k->get<std::string>().empty()) return std::nullopt;
        return k->get<std::string>();
    };
    if (preferred)
        if (auto k = key_of(*preferred)) return std::make_pair(*preferred, *k);
    for (Provider p : {Provider::anthropic, Provider::openai})
        if (auto k = key_of(p)) return std::make_pair(p, *k);
    return std::nullopt;
}

}  // namespace mosaic::wizard
