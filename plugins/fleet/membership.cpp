#include "membership.hpp"

#include <algorithm>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/text.hpp>

#include "systemctl.hpp"
#include "systemd_units.hpp"
#include "yolo.hpp"

namespace mosaic::fleet {

namespace fs = std::filesystem;

FleetReport add_agent(const AddOptions& options, const MembershipPaths& paths, support::CommandRunner& runner) {
    const Agent& agent = options.agent;
    if (!valid_agent_name(agent.name))
        throw Error(exit_usage, "invalid agent name '" + support::escape_for_message(agent.name) + "' (allowed: letters, digits, '_', '.', '-')");
    if (agent.agent_class.empty()) throw Error(exit_usage, "--class must not be empty");
    // The roster holds single-line values without control characters (see parse_roster).
    for (const auto& [flag, value] : {std::pair{"--runtime", &agent.runtime}, {"--class", &agent.agent_class},
                                      {"--model", agent.model_hint ? &*agent.model_hint : nullptr},
                                      {"--working-dir", agent.working_directory ? &*agent.working_directory : nullptr}})
        if (value && support::has_control_character(*value))
            throw Error(exit_usage, std::string(flag) + " holds a control character ('" +
                                        support::escape_for_message(*value) + "'); remove it");

    auto current = support::read_file(paths.roster);
    Roster roster = current ? parse_roster(*current, paths.roster.string()) : Roster{};
    auto runtimes = known_runtimes();
    if (std::find(runtimes.begin(), runtimes.end(), agent.runtime) == runtimes.end() && !roster.runtimes.count(agent.runtime)) {
        std::string known;
        for (const auto& r : runtimes) known += (known.empty() ? "" : ", ") + r;
        throw Error(exit_usage, "unknown runtime '" + agent.runtime + "'; known runtimes: " + known +
                                    " (or declare it under 'runtimes' in '" + paths.roster.string() + "')");
    }
    if (roster.find(agent.name))
        throw Error(exit_refused, "agent '" + agent.name + "' is already in '" + paths.roster.string() + "'");
    if (agent.name == roster.holder_session)
        throw Error(exit_usage, "agent name '" + agent.name + "' is the holder session's name");

    std::string text = roster_text_with_agent(current, agent, paths.roster.string());
    Roster updated = parse_roster(text, paths.roster.string());
    fs::path env_path = agent_env_path(paths.mosaic_home, agent.name);
    std::string env_text = render_agent_env_file(support::read_file(env_path).value_or(""), env_path.string(),
                                                 agent_env_values(updated, *updated.find(agent.name), paths.user_home));

    support::write_file_atomic(paths.roster, text);
    support::write_file_atomic(env_path, env_text, {.mode = 0644});
    if (!options.start) return {};
    return run_units("start", {agent_unit(agent.name)}, runner);
}

FleetReport remove_agent(const std::string& name, bool stop, const MembershipPaths& paths,
                         support::CommandRunner& runner) {
    Roster roster = load_roster(paths.roster);
    if (!roster.find(name)) {
        std::string known;
        for (const auto& n : roster.agent_names()) known += (known.empty() ? "" : ", ") + n;
        throw Error(exit_usage, "unknown agent '" + name + "'; the roster has: " + (known.empty() ? "no agents" : known));
    }
    // Everything is read and rendered before the first write.
    auto text = support::read_file(paths.roster).value_or("");
    std::string new_roster = roster_text_without_agent(text, name, paths.roster.string());
    fs::path env_path = agent_env_path(paths.mosaic_home, name);
    std::optional<std::string> new_env;  // nullopt: remove the file
    bool env_exists = false;
    if (auto env_text = support::read_file(env_path)) {
        env_exists = true;
        auto file = support::EnvFile::parse(*env_text, env_path.string());
        for (const auto& [key, value] : agent_env_values(roster, *roster.find(name), paths.user_home)) file.erase(key);
        bool user_lines = std::any_of(file.lines.begin(), file.lines.end(), [](const auto& l) {
            return !l.key.empty() || l.raw.find_first_not_of(" \t") != std::string::npos;
        });
        if (user_lines) new_env = file.render();
    }

    FleetReport report;
    if (stop) {
        report = run_units("stop", {agent_unit(name)}, runner);
        if (!report.all_ok()) return report;  // still running: keep it in the roster
    }
    support::write_file_atomic(paths.roster, new_roster);
    if (new_env) {
        support::write_file_atomic(env_path, *new_env);
    } else if (env_exists) {
        std::error_code ec;
        fs::remove(env_path, ec);
    }
    return report;
}

}  // namespace mosaic::fleet
