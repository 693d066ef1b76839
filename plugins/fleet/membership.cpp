#include "membership.hpp"

#include <algorithm>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/file_lock.hpp>
#include <mosaic/support/text.hpp>

#include "model_access.hpp"
#include "systemctl.hpp"
#include "systemd_units.hpp"
#include "yolo.hpp"

namespace mosaic::fleet {

namespace fs = std::filesystem;

void require_private_fleet_dirs(const MembershipPaths& paths) {
    support::require_private_directory(paths.roster.parent_path());
    support::require_private_directory(agent_env_path(paths.mosaic_home, "x").parent_path());
}

FleetReport add_agent(const AddOptions& options, const MembershipPaths& paths, support::CommandRunner& runner) {
    const Agent& agent = options.agent;
    if (!valid_agent_name(agent.name)) throw Error(exit_usage, invalid_agent_name_message(agent.name));
    if (agent.agent_class.empty()) throw Error(exit_usage, "--class must not be empty");
    // The roster holds single-line values without control characters (see parse_roster).
    for (const auto& [flag, value] : {std::pair{"--runtime", &agent.runtime}, {"--class", &agent.agent_class},
                                      {"--model", agent.model_hint ? &*agent.model_hint : nullptr},
                                      {"--working-dir", agent.working_directory ? &*agent.working_directory : nullptr}})
        if (value && support::has_control_character(*value))
            throw Error(exit_usage, std::string(flag) + " holds a control character ('" +
                                        support::escape_for_message(*value) + "'); remove it");

    require_private_fleet_dirs(paths);
    {
        // The whole read-modify-write of the roster and the env file, so that concurrent adds
        // and removes each see the others' agents.
        support::FileLock lock(support::lock_path_for(paths.roster));
        auto current = support::read_file(paths.roster);
        Roster roster = current ? parse_roster(*current, paths.roster.string()) : Roster{};
        auto runtimes = known_runtimes();
        if (std::find(runtimes.begin(), runtimes.end(), agent.runtime) == runtimes.end() &&
            !roster.runtimes.count(agent.runtime)) {
            std::string known;
            for (const auto& r : runtimes) known += (known.empty() ? "" : ", ") + r;
            throw Error(exit_usage, "unknown runtime '" + agent.runtime + "'; known runtimes: " + known +
                                        " (or declare it under 'runtimes' in '" + paths.roster.string() + "')");
        }
        if (roster.find(agent.name))
            throw Error(exit_refused, "agent '" + agent.name + "' is already in '" + paths.roster.string() + "'");
        if (agent.reports_to && !roster.find(*agent.reports_to))
            throw Error(exit_usage, "--reports-to '" + support::escape_for_message(*agent.reports_to) +
                                        "' is not an agent of '" + paths.roster.string() + "'");
        if (agent.name == roster.holder_session)
            throw Error(exit_usage, "agent name '" + agent.name + "' is the holder session's name");

        std::string text = roster_text_with_agent(current, agent, paths.roster.string());
        Roster updated = parse_roster(text, paths.roster.string());
        fs::path env_path = agent_env_path(paths.mosaic_home, agent.name);
        std::string existing = support::read_file(env_path).value_or("");
        auto owned = agent_env_values(updated, *updated.find(agent.name), paths.user_home);
        AgentExtras extras;
        if (options.extra_env) extras = options.extra_env(agent, support::EnvFile::parse(existing, env_path.string()));
        owned.merge(extras.env);
        std::string env_text = render_agent_env_file(existing, env_path.string(), owned);

        write_agent_files(extras);
        support::write_file_atomic(paths.roster, text);
        support::write_file_atomic(env_path, env_text, {.mode = 0600, .force_mode = true});
    }
    if (!options.start) return {};
    return run_units("start", {agent_unit(agent.name)}, runner);
}

namespace {

struct Removal {
    std::string roster;                // the new roster text
    std::optional<std::string> env;    // the new env file; nullopt: remove it (when `env_exists`)
    bool env_exists = false;
};

// Reads and renders everything a removal writes (throwing on an unknown agent or a file that
// does not parse), before anything is written.
Removal render_removal(const std::string& name, const MembershipPaths& paths) {
    Roster roster = load_roster(paths.roster);
    if (!roster.find(name)) {
        std::string known;
        for (const auto& n : roster.agent_names()) known += (known.empty() ? "" : ", ") + n;
        throw Error(exit_usage, "unknown agent '" + name + "'; the roster has: " + (known.empty() ? "no agents" : known));
    }
    Removal out;
    out.roster = roster_text_without_agent(support::read_file(paths.roster).value_or(""), name, paths.roster.string());
    fs::path env_path = agent_env_path(paths.mosaic_home, name);
    if (auto env_text = support::read_file(env_path)) {
        out.env_exists = true;
        auto file = support::EnvFile::parse(*env_text, env_path.string());
        for (const auto& [key, value] : agent_env_values(roster, *roster.find(name), paths.user_home)) file.erase(key);
        if (file.get(key_gateway_token_id))  // fleet wrote the model access: a user's own keys stay
            for (const auto& key : model_env_keys()) file.erase(key);
        bool user_lines = std::any_of(file.lines.begin(), file.lines.end(), [](const auto& l) {
            return !l.key.empty() || l.raw.find_first_not_of(" \t") != std::string::npos;
        });
        if (user_lines) out.env = file.render();
    }
    return out;
}

}  // namespace

FleetReport remove_agent(const std::string& name, bool stop, const MembershipPaths& paths,
                         support::CommandRunner& runner) {
    require_private_fleet_dirs(paths);
    // Everything is read and rendered before the unit is stopped...
    render_removal(name, paths);
    FleetReport report;
    if (stop) {
        report = run_units("stop", {agent_unit(name)}, runner);
        if (!report.all_ok()) return report;  // still running: keep it in the roster
    }
    // ...and again under the roster's lock (a stop may take a while; others may have changed
    // the roster meanwhile), then written.
    support::FileLock lock(support::lock_path_for(paths.roster));
    if (!load_roster(paths.roster).find(name)) return report;  // removed by another 'fleet remove' meanwhile
    Removal r = render_removal(name, paths);
    fs::path env_path = agent_env_path(paths.mosaic_home, name);
    support::write_file_atomic(paths.roster, r.roster);
    if (r.env) {
        support::write_file_atomic(env_path, *r.env, {.mode = 0600, .force_mode = true});
    } else if (r.env_exists) {
        std::error_code ec;
        fs::remove(env_path, ec);
    }
    return report;
}

}  // namespace mosaic::fleet
