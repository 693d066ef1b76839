// Pure checks of what a user types or sets in the environment. Each returns the problem
// ("must be at least 8 characters") or std::nullopt; callers prefix the subject (a variable
// name headless, "the password" interactively). Messages never contain the checked value,
// so a mistyped secret is never echoed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mosaic::wizard {

inline constexpr std::size_t min_password_length = 8;

std::optional<std::string> check_password(std::string_view password);
std::optional<std::string> check_email(std::string_view email);
std::optional<std::string> check_agent_name(std::string_view name);
// scheme://host[:port] with scheme http or https and nothing after the port.
std::optional<std::string> check_origin(std::string_view origin);
// postgresql://... or postgres://...
std::optional<std::string> check_database_url(std::string_view url);
// redis://, rediss://, valkey:// or valkeys://...
std::optional<std::string> check_valkey_url(std::string_view url);
std::optional<std::string> check_tier(std::string_view tier);

// 1..65535, digits only; otherwise the problem.
std::variant<int, std::string> parse_port(std::string_view text);
// 1/true/yes/on and 0/false/no/off/"" (any case); otherwise the problem.
std::variant<bool, std::string> parse_switch(std::string_view text);

}  // namespace mosaic::wizard
