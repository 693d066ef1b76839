// redact - what `config show` hides unless --show-secrets.
#pragma once

#include <string>
#include <string_view>

#include "json_document.hpp"

namespace mosaic::config_hooks {

inline constexpr const char* redacted = "***";

// True when the key names a secret: it contains api_key, apikey, password, secret, token or
// auth, in any case (MOSAIC_ADMIN_TOKEN, BETTER_AUTH_SECRET, anthropic.api_key, ...).
bool is_secret_key(std::string_view key);

// "postgresql://user:pw@host/db" -> "postgresql://user:***@host/db"; anything else unchanged.
std::string redact_url_password(const std::string& value);

// Every value under a secret key (at any depth) becomes "***"; empty strings and null stay as
// they are since they hide nothing. Passwords inside URLs are hidden everywhere.
// With `everything`, every non-empty scalar is hidden (credentials.json).
ojson redact_json(const ojson& value, bool everything = false);

// A single .env-style value under `key`.
std::string redact_value(const std::string& key, const std::string& value);

}  // namespace mosaic::config_hooks
