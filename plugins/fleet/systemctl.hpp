// systemctl.hpp - pure builders for every `systemctl --user` argv the fleet issues, the unit
// names, and the parser of `systemctl show` output.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mosaic::fleet {

inline constexpr const char* holder_unit = "mosaic-tmux-holder.service";
inline constexpr const char* agent_unit_template = "mosaic-agent@.service";

// "mosaic-agent@<name>.service"
std::string agent_unit(const std::string& agent);

// {"systemctl", "--user", verb, unit}
std::vector<std::string> systemctl_user_argv(const std::string& verb, const std::string& unit);

// The properties `status` reads, one show call for every unit:
// {"systemctl", "--user", "show", "--property=Id,LoadState,ActiveState,SubState,MainPID", "--", units...}
std::vector<std::string> systemctl_show_argv(const std::vector<std::string>& units);

// {"systemctl", "--user", "daemon-reload"}
std::vector<std::string> systemctl_daemon_reload_argv();

// `systemctl show` prints one KEY=VALUE block per unit, blocks separated by blank lines, in
// the order asked. Returns one map per block.
std::vector<std::map<std::string, std::string>> parse_systemctl_show(const std::string& text);

}  // namespace mosaic::fleet
