#include "launch.hpp"

#include <filesystem>

#include <mosaic/error.hpp>

#include <mosaic/support/file.hpp>
#include <mosaic/support/text.hpp>

#include "heartbeat.hpp"
#include "tmux.hpp"
#include "yolo.hpp"

namespace mosaic::fleet {

std::vector<std::string> default_agent_argv(const Agent& agent, const std::string& mosaic_exe) {
    std::vector<std::string> argv{mosaic_exe, "yolo", agent.runtime};
    if (agent.model_hint && !agent.model_hint->empty()) {
        argv.push_back("--model");
        argv.push_back(*agent.model_hint);
    }
    return argv;
}

LaunchPlan plan_launch(const Roster& roster, const Agent& agent, const LaunchEnv& env) {
    LaunchPlan plan;
    plan.session = tmux_session_name(agent.name);
    plan.working_directory = working_directory_of(roster, agent, env.user_home);
    std::map<std::string, std::string> pane_env{
        {"MOSAIC_AGENT_NAME", agent.name},
        {"MOSAIC_AGENT_CLASS", agent.agent_class},
        {"PATH", env.path_env},
    };
    if (!env.mosaic_home.empty()) pane_env["MOSAIC_HOME"] = env.mosaic_home;
    std::optional<std::string> raw;
    if (env.agent_command && !env.agent_command->empty()) raw = env.agent_command;
    plan.pane_command = pane_command(pane_env, default_agent_argv(agent, env.mosaic_exe), raw);
    plan.has_session_argv = tmux_has_session_argv(roster.socket_name, plan.session);
    plan.new_session_argv = tmux_new_session_argv(roster.socket_name, plan.session, plan.working_directory, plan.pane_command);
    return plan;
}

namespace {

// The pane runs `mosaic yolo <runtime>`: check now what it would fail on, so the launch fails
// with a reason instead of leaving a session whose pane is already gone.
void require_runtime(const Agent& agent, const LaunchEnv& env) {
    std::vector<std::string> argv;
    try {
        argv = yolo_argv(agent.runtime, std::nullopt, {});
    } catch (const Error&) {
        std::string known;
        for (const auto& n : known_runtimes()) known += (known.empty() ? "" : ", ") + n;
        throw Error(exit_launch_unavailable, "agent '" + agent.name + "' has runtime '" + agent.runtime +
                                                 "', which 'mosaic yolo' cannot start (it knows " + known +
                                                 "); set MOSAIC_AGENT_COMMAND in its env file to run it");
    }
    auto found = env.find_program ? env.find_program(argv[0]) : support::find_program(argv[0], env.path_env);
    if (!found)
        throw Error(exit_launch_unavailable, "runtime '" + agent.runtime + "' of agent '" + agent.name + "' needs '" +
                                                 argv[0] + "', which is not on PATH; install it, or set "
                                                 "MOSAIC_AGENT_COMMAND");
}

}  // namespace

LaunchResult launch_agent(const Roster& roster, const std::optional<std::string>& name, const LaunchEnv& env,
                          bool tmux_available, support::CommandRunner& runner) {
    if (!name || name->empty()) throw Error(exit_launch_usage, "missing agent name; usage: mosaic fleet launch <agent>");
    const Agent* agent = roster.find(*name);
    if (!agent) throw Error(exit_launch_usage, "unknown agent '" + *name + "'; it is not in the roster");
    if (!tmux_available) throw Error(exit_launch_unavailable, "'tmux' was not found on PATH; install tmux");
    if (!env.agent_command || env.agent_command->empty()) require_runtime(*agent, env);

    LaunchResult result;
    result.plan = plan_launch(roster, *agent, env);
    support::Command has;
    has.argv = result.plan.has_session_argv;
    if (runner.run(has).ok()) return result;

    std::error_code ec;
    if (!std::filesystem::is_directory(result.plan.working_directory, ec))
        throw Error(exit_failed, "working directory '" + result.plan.working_directory + "' of agent '" + *name +
                                     "' does not exist");
    support::Command create;
    create.argv = result.plan.new_session_argv;
    auto r = runner.run(create);
    if (!r.ok()) {
        // Another launcher may have won the race for the same name.
        if (runner.run(has).ok()) return result;
        std::string err = support::trim_end(r.err);
        throw Error(exit_failed, "cannot create the tmux session '" + result.plan.session + "': " +
                                     (err.empty() ? "tmux exited with status " + std::to_string(r.exit_code) : err));
    }
    result.created = true;
    return result;
}

SidecarStart start_heartbeat(const Roster& roster, const std::string& agent, const SidecarEnv& env,
                             support::CommandRunner& runner, DetachedSpawner& spawner) {
    const std::string session = tmux_session_name(agent);
    support::Command list;
    list.argv = tmux_list_panes_argv(roster.socket_name, session);
    auto r = runner.run(list);
    std::vector<TmuxPane> panes;
    if (r.ok()) panes = parse_tmux_panes(r.out);
    if (panes.empty()) {
        std::string err = support::trim_end(r.err);
        throw Error(exit_failed, "cannot find the pane of tmux session '" + session + "'" + (err.empty() ? "" : ": " + err));
    }
    SidecarStart start;
    start.pane_pid = panes.front().pid;
    start.log = env.run_dir / (agent + ".heartbeat.log");
    support::make_dirs(env.run_dir);
    support::Command sidecar;
    sidecar.argv = heartbeat_sidecar_argv(env.mosaic_exe, env.mosaic_home, agent, start.pane_pid);
    sidecar.env = env.env;
    start.sidecar_pid = spawner.spawn(sidecar, start.log);
    return start;
}

}  // namespace mosaic::fleet
