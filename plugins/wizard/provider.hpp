// Model providers: recognising an API key and keeping it in <home>/credentials.json.
// Keys are not configuration (docs/services.md): the wizard writes this file itself, 0600.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace mosaic::wizard {

enum class Provider { anthropic, openai };

// "sk-ant-..." is Anthropic, any other "sk-..." OpenAI; anything else is not recognised.
std::optional<Provider> detect_provider(std::string_view key);

std::string provider_id(Provider p);     // "anthropic", as stored in provider.name
std::string provider_title(Provider p);  // "Anthropic"
std::optional<Provider> parse_provider(std::string_view id);
// The gateway.configure / gateway.set field that holds this provider's key: "anthropic_api_key".
std::string gateway_key_field(Provider p);

std::filesystem::path credentials_path(const std::filesystem::path& home);

// `credentials` with {"<provider>": {"api_key": key}} set; every other key is kept.
nlohmann::json with_api_key(nlohmann::json credentials, Provider p, const std::string& key);

// The key stored for `preferred`, else the first provider that has one.
std::optional<std::pair<Provider, std::string>> stored_key(const nlohmann::json& credentials,
                                                           std::optional<Provider> preferred);

}  // namespace mosaic::wizard
