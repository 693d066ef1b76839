// The fleet plugin: `mosaic fleet ...`, `mosaic yolo ...` and the fleet.status and
// fleet.doctor services. The command and service tables; each row's function is in
// cmd_roster.cpp, cmd_units.cpp, cmd_agents.cpp or services.cpp.
#include "commands.hpp"

namespace mosaic::fleet {
namespace {

constexpr const char* fleet_help =
    "Each agent is a runtime TUI in its own tmux session, kept alive by systemd user units\n"
    "(mosaic-tmux-holder.service and mosaic-agent@<name>.service). The roster is\n"
    "<home>/fleet/roster.yaml.\n"
    "\n"
    "exit status: 0 ok; 1 a unit or tmux failed (the other units still ran), or the user's\n"
    "systemd cannot be reached; 2 bad input or an invalid roster (key and line named); 3 no\n"
    "roster yet, or 'init --write' or 'provision --write' found one and no --force. 'launch'\n"
    "exits 64 without a known agent name and 69 without tmux or its runtime, for its systemd\n"
    "unit. 'ps' exits 0 even when systemd or tmux cannot be read: their columns show '-' and a\n"
    "warning names the failure.\n"
    "\n"
    "'restart' holds <home>/fleet/run/restart.lock while it runs (overlapping restarts wait,\n"
    "--max-wait, then break it with a warning; a dead owner's lock is broken at once); the\n"
    "permanent restart.lock.mutex beside it serialises lock takeovers. start/stop/status/ps take\n"
    "no lock. 'add' and 'remove' rewrite roster.yaml through yaml-cpp, which does not keep\n"
    "comments.\n"
    "\n"
    "environment: MOSAIC_HEARTBEAT_INTERVAL (seconds, default 15), MOSAIC_HEARTBEAT_RUN_DIR\n"
    "(absolute; default <home>/fleet/run), MOSAIC_FLEET_IDLE_AFTER (default 300),\n"
    "MOSAIC_FLEET_STUCK_AFTER (default 900), MOSAIC_AGENT_COMMAND (shell text a launched pane\n"
    "runs instead of 'mosaic yolo <runtime>').";

constexpr const char* ps_help =
    "columns: NAME RUNTIME CLASS UNIT(active/sub, enabled) PANE(pid, command, dead)\n"
    "HB(age, readiness) FLAGS. Flags: DRIFT (the pane runs something other than the roster\n"
    "runtime; node counts as claude/codex/opencode/pi, bun as opencode), BOOT-ENABLE (unit\n"
    "active but not enabled), UNMANAGED (a session on the fleet socket that is not in the\n"
    "roster), IDLE (no pane output for MOSAIC_FLEET_IDLE_AFTER s, default 300), STUCK (for\n"
    "MOSAIC_FLEET_STUCK_AFTER s, default 900). Without pane information a healthy beat reads\n"
    "as working.";

constexpr const char* heartbeat_help =
    "'launch' starts it detached (its errors go to <run dir>/<agent>.heartbeat.log). It writes\n"
    "<run dir>/<agent>.hb as {\"ts\": <unix s>, \"pid\": P, \"status\": \"alive\"|\"exited\"} every\n"
    "interval and ends when the pane's process does. 'ps' reads the beats: healthy within 3\n"
    "intervals; readiness working, idle, stuck, stale (beat stopped, session still there), dead\n"
    "(process or session gone), unknown.";

constexpr const char* contract_help =
    "The contract is the mosaic home's AGENTS.md, SOUL.md, USER.md and TOOLS.md, in that order,\n"
    "each followed by its overlay (AGENTS.local.md, ...: yours; mosaic never writes them), then,\n"
    "when MOSAIC_AGENT_NAME names a roster agent, a Fleet-Comms block: the agent's identity, how\n"
    "to message its peers, the peer table (orchestrators flagged) and the tmux socket. 'mosaic\n"
    "yolo' hands it to claude and pi as --append-system-prompt TEXT, to codex as -c\n"
    "developer_instructions=TEXT, to opencode as OPENCODE_CONFIG_CONTENT {\"instructions\": [FILE]}\n"
    "(FILE in <home>/fleet/run). --json shows the text and those arguments. Exit 2 for an unknown\n"
    "runtime, a contract over 100 KiB or an invalid roster.";

constexpr const char* profile_help =
    "A profile is a tree of seats under one lead seat. A seat (planner, coder, reviewer, ...) has a\n"
    "class (orchestrator, worker, researcher, reviewer), a runtime, an optional model hint, the\n"
    "seat it reports to, and a count: 'floor' agents in the floor, 'full' agents in the full team.\n"
    "The floor is the smallest team the profile works with: the seats whose class the profile's\n"
    "floor lists, each at its floor count. 'mosaic fleet provision' writes either as a roster.";

constexpr const char* provision_help =
    "Prints the roster of the profile's floor (or of the full team, --full), then its topology as\n"
    "comments, so that the whole output is a roster. A seat of count 1 gives the agent <seat>,\n"
    "else <seat>-1 to <seat>-<count>; each agent's reports_to is the agent of the seat its seat\n"
    "reports to. --write writes it as 'init --write' does: under the roster's lock, refused (exit 3)\n"
    "when a roster exists unless --force, which keeps the old one as roster.yaml.mosaic-bak-<stamp>.";

constexpr std::array profile_commands{
    cli::command<&define_profile_list, &run_profile_list>(
        "list", "the built-in team profiles: id, title, lead, agents in the floor and in the full team"),
    cli::command<&define_profile_show, &run_profile_show>(
        "show", "a profile's description, lead, floor and seat tree (who reports to whom)"),
};

constexpr std::array fleet_commands{
    cli::command<&define_init, &run_init>("init", "print a starter roster, or write it with --write"),
    cli::group<profile_commands>("profile", "the built-in team profiles 'provision' writes as a roster", profile_help),
    cli::command<&define_provision, &run_provision>(
        "provision", "print the roster of a team profile (its floor, or --full), or write it with --write",
        provision_help),
    cli::command<&define_install_systemd, &run_install_systemd>(
        "install-systemd", "write the systemd user units and per-agent env files (with gateway tokens when installed)"),
    cli::command<&run_start>("start", "start the holder, then every agent"),
    cli::command<&run_stop>("stop", "stop every agent, then the holder"),
    cli::command<&define_status, &run_status>("status", "unit state and tmux session of the holder and every agent"),
    cli::command<&define_ps, &run_ps>(
        "ps", "one row per agent (then unmanaged sessions): unit, pane, heartbeat age and readiness, flags", ps_help),
    cli::command<&define_restart, &run_restart>(
        "restart", "restart the holder and every agent, or one agent; overlapping restarts queue on a lock"),
    cli::command<&define_launch, &run_launch>("launch", "create the agent's tmux session (what its unit runs)"),
    cli::command<&define_heartbeat, &run_heartbeat_command>(
        "heartbeat", "write <run dir>/<agent>.hb every interval while process --pid lives", heartbeat_help),
    cli::command<&define_add, &run_add>(
        "add", "add an agent to the roster, write its env file and start it (roster comments are not kept)"),
    cli::command<&define_remove, &run_remove>(
        "remove", "stop an agent and remove it from the roster (roster comments are not kept)"),
    cli::command<&define_verify, &run_verify>(
        "verify", "check that every agent has its session and pane, an enabled unit and a fresh heartbeat",
        "One line per agent: 'ok', or each problem (no session on the fleet socket, no pane or a\n"
        "dead one, a unit that is not enabled, no fresh heartbeat: readiness other than working,\n"
        "idle or stuck). Unit states or tmux that cannot be read are problems too. Exit 1 when\n"
        "anything is wrong, with the count."),
};

}  // namespace

class FleetPlugin final : public TablePlugin<FleetPlugin, Deps> {
public:
    static constexpr PluginInfo info{"fleet", "0.1.0", "Mosaic",
                                     "agent fleet: roster, systemd user units, tmux sessions, restarts"};
    static constexpr std::array commands{
        cli::group<fleet_commands>(
            "fleet", "manage the agent fleet (tmux sessions under systemd user units)", fleet_help,
            "fleet init|profile|provision|install-systemd|start|stop|status|ps|restart|launch|heartbeat|add|remove|verify [args]"),
        cli::command<&define_yolo, &run_yolo_command>(
            "yolo", "run an agent runtime with its permission prompts off",
            "Replaces this process. claude: --dangerously-skip-permissions; codex:\n"
            "--dangerously-bypass-approvals-and-sandbox; opencode and pi run as they are. The runtime\n"
            "gets the Mosaic contract (see 'mosaic compose-contract --help') unless --no-contract. Exit 2\n"
            "for an unknown runtime, 69 when it is not on PATH.",
            "yolo <runtime> [--model M] [--no-contract] [-- ARGS...]"),
        cli::command<&define_compose_contract, &run_compose_contract>(
            "compose-contract", "print the instructions an agent starts with (what 'mosaic yolo' gives the runtime)",
            contract_help, "compose-contract <runtime> [--json]"),
    };
    static constexpr std::array services{
        cli::Service<Deps>{"fleet.status", "the fleet status document (as 'mosaic fleet status --json')", &serve_status},
        cli::Service<Deps>{"fleet.doctor", "check the roster, tmux, the user's systemd, the units and the runtimes",
                           &serve_doctor},
        cli::Service<Deps>{"fleet.roster", "the roster: socket, host, runtimes and each agent's session and unit",
                           &serve_roster},
        cli::Service<Deps>{"fleet.ps", "the fleet ps document (as 'mosaic fleet ps --json')", &serve_ps},
        cli::Service<Deps>{"fleet.verify", "the fleet verify document (as 'mosaic fleet verify --json')",
                           &serve_verify},
        cli::Service<Deps>{"fleet.restart", "restart one agent's unit under the restart lock", &serve_restart},
        cli::Service<Deps>{"fleet.complete", "values for shell completion: the roster's agent names", &serve_complete},
    };
    static std::unique_ptr<Deps> make_deps(const Context& ctx) { return fleet::make_deps(ctx); }

    using TablePlugin::TablePlugin;
};

}  // namespace mosaic::fleet

MOSAIC_PLUGIN(mosaic::fleet::FleetPlugin)
