#include "redact.hpp"

#include <algorithm>
#include <cctype>

namespace mosaic::config_hooks {

bool is_secret_key(std::string_view key) {
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* word : {"api_key", "apikey", "api-key", "password", "secret", "token", "auth"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

std::string redact_url_password(const std::string& value) {
    auto scheme = value.find("://");
    if (scheme == std::string::npos) return value;
    std::size_t start = scheme + 3;
    std::size_t end = value.find_first_of("/?#", start);
    std::size_t at = value.rfind('@', end == std::string::npos ? std::string::npos : end);
    if (at == std::string::npos || at < start) return value;
    std::size_t colon = value.find(':', start);
    if (colon == std::string::npos || colon > at) return value;
    return value.substr(0, colon + 1) + redacted + value.substr(at);
}

namespace {

ojson hide(const ojson& value) {
    if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) return value;
    if (value.is_object()) {
        ojson out = ojson::object();
        for (const auto& [k, v] : value.items()) out[k] = hide(v);
        return out;
    }
    if (value.is_array()) {
        ojson out = ojson::array();
        for (const auto& v : value) out.push_back(hide(v));
        return out;
    }
    return redacted;
}

}  // namespace

ojson redact_json(const ojson& value, bool everything) {
    if (everything) return hide(value);
    if (value.is_object()) {
        ojson out = ojson::object();
        for (const auto& [k, v] : value.items()) out[k] = is_secret_key(k) ? hide(v) : redact_json(v);
        return out;
    }
    if (value.is_array()) {
        ojson out = ojson::array();
        for (const auto& v : value) out.push_back(redact_json(v));
        return out;
    }
    if (value.is_string()) return redact_url_password(value.get<std::string>());
    return value;
}

std::string redact_value(const std::string& key, const std::string& value) {
    if (value.empty()) return value;
    if (is_secret_key(key)) return redacted;
    return redact_url_password(value);
}

}  // namespace mosaic::config_hooks
