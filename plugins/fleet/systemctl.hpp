// systemctl.hpp - pure builders for every `systemctl --user` argv the fleet issues, the unit
// names, and the parser of `systemctl show` output.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/support/process.hpp>

namespace mosaic::fleet {

inline constexpr const char* holder_unit = "mosaic-tmux-holder.service";
inline constexpr const char* agent_unit_template = "mosaic-agent@.service";

// "mosaic-agent@<name>.service"
std::string agent_unit(const std::string& agent);

// Whether a `systemctl --user` error says there is no user systemd to talk to (no session
// bus: a root shell from `su`, `docker exec`, ssh without a login session, no lingering), as
// opposed to a unit that failed.
bool user_systemd_unreachable(const std::string& systemctl_error);

// What to do about it, for messages: "systemctl --user needs the user's systemd: ..."
std::string user_systemd_hint();

// {"systemctl", "--user", verb, unit}
std::vector<std::string> systemctl_user_argv(const std::string& verb, const std::string& unit);

// The properties `status` and `ps` read, one show call for every unit:
// {"systemctl", "--user", "show", "--property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID", "--", units...}
std::vector<std::string> systemctl_show_argv(const std::vector<std::string>& units);

// {"systemctl", "--user", "daemon-reload"}
std::vector<std::string> systemctl_daemon_reload_argv();

// `systemctl show` prints one KEY=VALUE block per unit, blocks separated by blank lines, in
// the order asked. Returns one map per block.
std::vector<std::map<std::string, std::string>> parse_systemctl_show(const std::string& text);

// One unit as `systemctl show` describes it; "unknown" for what it did not say.
struct UnitState {
    std::string unit;
    std::string load_state = "unknown";
    std::string active_state = "unknown";
    std::string sub_state = "unknown";
    std::string unit_file_state = "unknown";  // enabled, disabled, static, ... ("" from systemd: "unknown")
    long main_pid = 0;

    // Comes back at boot: UnitFileState enabled, enabled-runtime, static, generated or alias.
    bool enabled() const;
};

// `props` is one parsed block (nullptr: systemd said nothing about the unit).
UnitState unit_state_from(const std::string& unit, const std::map<std::string, std::string>* props);

struct UnitQuery {
    std::map<std::string, UnitState> units;   // every unit asked for (all "unknown" on failure)
    std::optional<std::string> error;         // systemctl failed or is missing
};

// One `systemctl_show_argv(units)` call; blocks are matched to units by Id (a missing block
// never shifts the rows after it).
UnitQuery query_units(const std::vector<std::string>& units, support::CommandRunner& runner);

}  // namespace mosaic::fleet
