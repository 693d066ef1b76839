#include "systemd_units.hpp"

#include <mosaic/support/file.hpp>

#include "systemctl.hpp"
#include "tmux.hpp"

namespace mosaic::fleet {

namespace fs = std::filesystem;

namespace {

std::string escape_specifiers(const std::string& s, bool dollars) {
    std::string out;
    for (char c : s) {
        if (c == '%') out += "%%";
        else if (c == '$' && dollars) out += "$$";
        else out += c;
    }
    return out;
}

std::string double_quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string exec_line(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) out += (out.empty() ? "" : " ") + systemd_exec_word(a);
    return out;
}

std::vector<std::string> tmux_argv(const UnitContext& ctx, const Roster& roster, std::vector<std::string> rest) {
    std::vector<std::string> argv = tmux_base_argv(roster.socket_name);
    argv[0] = ctx.tmux_exe;
    argv.insert(argv.end(), rest.begin(), rest.end());
    return argv;
}

}  // namespace

std::string systemd_exec_word(const std::string& word) {
    std::string escaped = escape_specifiers(word, true);
    if (!escaped.empty() && escaped.find_first_of(" \t\"'\\;") == std::string::npos) return escaped;
    return double_quote(escaped);
}

std::string systemd_environment(const std::string& key, const std::string& value) {
    return double_quote(escape_specifiers(key + "=" + value, false));
}

std::string render_holder_unit(const Roster& roster, const UnitContext& ctx) {
    std::string socket = roster.socket_name ? "'" + *roster.socket_name + "'" : "the default socket";
    std::string out;
    out += "# Written by 'mosaic fleet install-systemd'; re-running it replaces this file.\n";
    out += "[Unit]\n";
    out += "Description=Mosaic fleet tmux server (" + escape_specifiers(socket, false) + ")\n";
    out += "\n[Service]\n";
    out += "Type=oneshot\n";
    out += "RemainAfterExit=yes\n";
    out += "Environment=" + systemd_environment("MOSAIC_HOME", ctx.home) + "\n";
    out += "Environment=" + systemd_environment("PATH", ctx.path_env) + "\n";
    out += "ExecStart=" + exec_line(tmux_argv(ctx, roster, {"new-session", "-d", "-s", roster.holder_session})) + "\n";
    // A socket of the fleet's own is all the fleet's; the default socket is the user's tmux
    // server, where only the holder session is ours (each agent's unit stops its own session).
    if (roster.socket_name)
        out += "ExecStop=-" + exec_line(tmux_argv(ctx, roster, {"kill-server"})) + "\n";
    else
        out += "ExecStop=-" + exec_line(tmux_argv(ctx, roster, {"kill-session", "-t", "=" + roster.holder_session})) + "\n";
    out += "KillMode=control-group\n";
    out += "\n[Install]\n";
    out += "WantedBy=default.target\n";
    return out;
}

std::string render_agent_unit_template(const Roster& roster, const UnitContext& ctx) {
    std::string out;
    out += "# Written by 'mosaic fleet install-systemd'; re-running it replaces this file.\n";
    out += "[Unit]\n";
    out += "Description=Mosaic fleet agent %i\n";
    out += std::string("Requires=") + holder_unit + "\n";
    out += std::string("After=") + holder_unit + "\n";
    out += "\n[Service]\n";
    out += "Type=oneshot\n";
    out += "RemainAfterExit=yes\n";
    out += "Environment=" + systemd_environment("MOSAIC_HOME", ctx.home) + "\n";
    out += "Environment=" + systemd_environment("PATH", ctx.path_env) + "\n";
    // A file path, not a word list: only specifiers need escaping; %i is the agent's name.
    out += "EnvironmentFile=" + escape_specifiers((fs::path(ctx.home) / "fleet/agents").string(), false) + "/%i.env\n";
    // "--": whatever the instance name, it is the agent's name, never an option.
    out += "ExecStart=" + exec_line({ctx.mosaic_exe, "--mosaic-home", ctx.home, "fleet", "launch", "--"}) + " %i\n";
    // The session name is the agent name with '.' and ':' made '_' (tmux_session_name); the
    // env file carries it, and systemd expands ${...} inside a word.
    out += "ExecStop=-" + exec_line(tmux_argv(ctx, roster, {"kill-session", "-t"})) + " =${MOSAIC_AGENT_SESSION}\n";
    // 64: no agent name, 69: no tmux (sysexits) - restarting cannot help.
    out += "RestartPreventExitStatus=64 69\n";
    out += "\n[Install]\n";
    out += "WantedBy=default.target\n";
    return out;
}

std::map<std::string, std::string> agent_env_values(const Roster& roster, const Agent& agent, const std::string& user_home) {
    return {
        {"MOSAIC_AGENT_NAME", agent.name},
        {"MOSAIC_AGENT_CLASS", agent.agent_class},
        {"MOSAIC_AGENT_RUNTIME", agent.runtime},
        {"MOSAIC_AGENT_SESSION", tmux_session_name(agent.name)},
        {"MOSAIC_AGENT_MODEL", agent.model_hint.value_or("")},
        {"MOSAIC_AGENT_WORKDIR", working_directory_of(roster, agent, user_home)},
    };
}

std::string render_agent_env_file(const std::string& existing, const std::string& origin,
                                  const std::map<std::string, std::string>& owned) {
    support::EnvFile file = support::EnvFile::parse(existing, origin);
    for (const auto& [k, v] : owned) file.set(k, v);
    return file.render();
}

fs::path user_unit_dir(const std::optional<std::string>& xdg_config_home, const std::string& user_home) {
    fs::path base = (xdg_config_home && !xdg_config_home->empty() && fs::path(*xdg_config_home).is_absolute())
                        ? fs::path(*xdg_config_home)
                        : fs::path(user_home) / ".config";
    return base / "systemd/user";
}

fs::path agent_env_path(const fs::path& mosaic_home, const std::string& agent) {
    return mosaic_home / "fleet/agents" / (agent + ".env");
}

namespace {
const support::WriteOptions agent_file_mode{.mode = 0600, .force_mode = true, .private_dirs = true};
}  // namespace

void write_agent_files(const AgentExtras& extras) {
    for (const auto& [path, content] : extras.files) support::write_file_atomic(path, content, agent_file_mode);
}

InstallResult install_systemd(const Roster& roster, const UnitContext& ctx, const fs::path& unit_dir,
                              const std::string& user_home, const ExtraAgentEnv& extra) {
    // The env files are read by systemd for units that run commands: nobody else may write them.
    fs::path agents_dir = agent_env_path(ctx.home, "x").parent_path();
    support::require_private_directory(agents_dir);
    // Render everything first: a bad env file stops us before the first write.
    // Units 0644; env files 0600 even when they existed (they may hold the agent's gateway token).
    struct File {
        fs::path path;
        std::string content;
        support::WriteOptions mode;
    };
    const support::WriteOptions unit_mode{.mode = 0644}, env_mode{.mode = 0600, .force_mode = true};
    std::vector<File> files{
        {unit_dir / holder_unit, render_holder_unit(roster, ctx), unit_mode},
        {unit_dir / agent_unit_template, render_agent_unit_template(roster, ctx), unit_mode},
    };
    for (const auto& agent : roster.agents) {
        fs::path p = agent_env_path(ctx.home, agent.name);
        std::string existing = support::read_file(p).value_or("");
        auto owned = agent_env_values(roster, agent, user_home);
        if (extra) {
            AgentExtras extras = extra(agent, support::EnvFile::parse(existing, p.string()));
            owned.merge(extras.env);
            for (auto& [path, content] : extras.files) files.push_back({path, std::move(content), agent_file_mode});
        }
        files.push_back({p, render_agent_env_file(existing, p.string(), owned), env_mode});
    }
    InstallResult result;
    for (const auto& f : files) {
        support::write_file_atomic(f.path, f.content, f.mode);
        result.written.push_back(f.path);
    }
    return result;
}

}  // namespace mosaic::fleet
