// The agent plugin: `mosaic agent ...`, talking to the fleet's agents. It is built only on the
// SDK and on the fleet plugin's services (fleet.roster, fleet.ps, fleet.restart), as a
// third-party plugin would be; the command table is here, each row's function in
// cmd_roster.cpp, cmd_send.cpp or cmd_pane.cpp.
#include "commands.hpp"

namespace mosaic::agent {
namespace {

constexpr const char* agent_help =
    "Works on the agents of the fleet (mosaic-plugin-fleet, through its services): each is a\n"
    "runtime in the tmux session named after it on the fleet's socket, and its pane is addressed\n"
    "exactly as '=<session>:0.0'.\n"
    "\n"
    "exit status: 0 ok; 1 tmux failed, the agent has no session, or --verify could not confirm\n"
    "the delivery; 2 bad input (an unknown agent, an invalid --class or --source-label, an\n"
    "empty message: nothing is sent); 3 the fleet plugin is not installed (install\n"
    "mosaic-plugin-fleet) or there is no roster yet.";

constexpr const char* send_help =
    "Types '[<host>:<label> -> <host>:<session>] <message>' into the agent's pane, then Enter,\n"
    "in one tmux call (send-keys -l: the text is literal, never through a shell; newlines,\n"
    "tabs, quotes, $(), ';' and non-ASCII arrive as they are). --class adds 'class=<c>' inside\n"
    "the brackets. The label is 'operator' unless --source-label names another; it is never\n"
    "taken from MOSAIC_AGENT_NAME.\n"
    "\n"
    "--verify captures the pane before sending, then every 400 ms up to --verify-timeout:\n"
    "'accepted' (exit 0) as soon as the pane changed and its last line is not a draft; at\n"
    "the timeout, 'left as unsubmitted draft' (the last non-empty line starts with '> ') or\n"
    "'could not verify delivery' (the pane did not change, or is blank), both exit 1.";

constexpr const char* reset_help =
    "Sends the runtime's reset command (runtimes.<runtime>.reset_command in the roster, e.g.\n"
    "/clear) to the agent's pane; without one, or with --new, restarts the agent's unit\n"
    "through the fleet (fleet.restart, under the fleet's restart lock).";

constexpr std::array agent_commands{
    cli::command<&define_roster, &run_roster>("roster", "the roster's agents with their runtime, class, session and reset"),
    cli::command<&define_status, &run_status>(
        "status", "unit state, pane, heartbeat and readiness of every agent, or of one"),
    cli::command<&define_send, &run_send>("send", "send a message into an agent's pane, optionally verified", send_help),
    cli::command<&define_tail, &run_tail>("tail", "print the last lines of an agent's pane"),
    cli::command<&define_watch, &run_watch>(
        "watch", "watch an agent's pane live, read-only (a viewer session removed on detach)"),
    cli::command<&define_reset, &run_reset>("reset", "reset an agent: its runtime's reset command, or a restart",
                                            reset_help),
};

}  // namespace

class AgentPlugin final : public TablePlugin<AgentPlugin, Deps> {
public:
    static constexpr PluginInfo info{"agent", "0.1.0", "Mosaic", "talk to the fleet's agents: send, verify, tail, watch, reset"};
    static constexpr std::array commands{
        cli::group<agent_commands>("agent", "talk to the fleet's agents (send, tail, watch, reset, status)", agent_help,
                                   "agent roster|status|send|tail|watch|reset [args]"),
    };
    static constexpr std::array services{
        cli::Service<Deps>{"agent.complete", "values for shell completion: the fleet's agent names", &serve_complete}};
    static std::unique_ptr<Deps> make_deps(const Context& ctx) { return agent::make_deps(ctx); }

    using TablePlugin::TablePlugin;
};

}  // namespace mosaic::agent

MOSAIC_PLUGIN(mosaic::agent::AgentPlugin)
