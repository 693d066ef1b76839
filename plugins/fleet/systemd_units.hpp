// systemd_units.hpp - the fleet's systemd user units and per-agent env files.
//
// mosaic-tmux-holder.service owns the fleet's tmux server (a placeholder session keeps it
// alive; stopping it kills that server, or on the user's default socket only the holder
// session); the template mosaic-agent@.service runs `mosaic fleet launch -- %i` with the agent's
// <home>/fleet/agents/<name>.env as EnvironmentFile=. Both name this `mosaic` binary and the
// resolved mosaic home by absolute path. Rendering is pure; install_systemd() writes.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/support/file.hpp>

#include "roster.hpp"

namespace mosaic::fleet {

struct UnitContext {
    std::string mosaic_exe;   // absolute
    std::string home;         // the resolved mosaic home, absolute
    std::string tmux_exe;     // absolute
    std::string path_env;     // PATH baked into the units (systemd's own PATH is minimal)
};

std::string render_holder_unit(const Roster& roster, const UnitContext& ctx);
std::string render_agent_unit_template(const Roster& roster, const UnitContext& ctx);

// The env file keys install-systemd owns for `agent` (values may be empty).
std::map<std::string, std::string> agent_env_values(const Roster& roster, const Agent& agent, const std::string& user_home);

// `existing` (may be empty) with the owned keys replaced in place or appended; every other
// line is kept as it was.
std::string render_agent_env_file(const std::string& existing, const std::string& origin,
                                  const std::map<std::string, std::string>& owned);

// `${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user`
std::filesystem::path user_unit_dir(const std::optional<std::string>& xdg_config_home, const std::string& user_home);
std::filesystem::path agent_env_path(const std::filesystem::path& mosaic_home, const std::string& agent);

// Systemd quoting: a word of ExecStart= (quoted when needed; '%' doubled, '$' doubled) and
// an Environment= assignment.
std::string systemd_exec_word(const std::string& word);
std::string systemd_environment(const std::string& key, const std::string& value);

struct InstallResult {
    std::vector<std::filesystem::path> written;
};

// Extra env-file lines for one agent, and files its runtime reads (Pi's models.json), given
// its env file as it is (the gateway's model access, model_access.hpp); empty when none.
struct AgentExtras {
    std::map<std::string, std::string> env;
    std::vector<std::pair<std::filesystem::path, std::string>> files;  // written 0600, directories 0700
};
using ExtraAgentEnv = std::function<AgentExtras(const Agent&, const support::EnvFile& existing)>;

// Writes `extras.files` (0600, in 0700 directories).
void write_agent_files(const AgentExtras& extras);

// Reads every existing env file first (a file that does not parse stops everything before
// anything is written), then writes the two units and one env file per agent atomically
// (0600: they may hold the agent's gateway token), with `extra`'s lines and files when given.
// A directory of env files others can write is refused (mosaic::Error(exit_refused)).
InstallResult install_systemd(const Roster& roster, const UnitContext& ctx, const std::filesystem::path& unit_dir,
                              const std::string& user_home, const ExtraAgentEnv& extra = {});

}  // namespace mosaic::fleet
