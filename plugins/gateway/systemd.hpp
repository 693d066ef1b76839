// systemd.hpp - the gateway's systemd user unit as pure data: the unit text, where it lives,
// and every `systemctl --user` argv. A CommandRunner runs them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "settings.hpp"

namespace mosaic::gateway {

inline constexpr const char* unit_name = "mosaic-gateway.service";

// ${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user/mosaic-gateway.service
std::filesystem::path unit_path(const EnvLookup& env);

// ExecStart runs `<exe> --mosaic-home <home> gateway run`; output appended to gateway.log.
// No secret is in the unit: the daemon reads its .env itself.
std::string render_unit(const std::filesystem::path& executable, const std::filesystem::path& mosaic_home,
                        const std::filesystem::path& log_file);

// ["systemctl", "--user", verb, args...]
std::vector<std::string> systemctl_user(const std::string& verb, const std::vector<std::string>& args = {});

// Quotes a word for a systemd command line when it needs it.
std::string systemd_quote(const std::string& word);

}  // namespace mosaic::gateway
