// commands.hpp - the fleet plugin's wiring: one options struct, one define_* (its CLI11
// options) and one run_* per subcommand of `mosaic fleet` and for `mosaic yolo`, in the
// shape of mosaic/cli.hpp. The tables that name them are in plugin.cpp. Only these files
// print; every decision lives in the domain files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/cli.hpp>

#include "contract.hpp"
#include "control.hpp"
#include "deps.hpp"
#include "profiles.hpp"
#include "ps.hpp"
#include "restart.hpp"

namespace mosaic::fleet {

// cmd_roster.cpp: init, add, remove
void define_init(CLI::App& app, InitOptions& o);
int run_init(const InitOptions& o, Deps& d);

// "kept the previous roster as ..." (with a backup), "wrote <roster> (<what>); next: ...".
void report_roster_written(const Context& ctx, const std::filesystem::path& roster, const WriteResult& written,
                           const std::string& what);

struct AddCommand {
    Agent agent;
    std::string model, working_dir, reports_to;
    bool no_start = false, no_gateway = false;
};
void define_add(CLI::App& app, AddCommand& o);
int run_add(const AddCommand& o, Deps& d);

struct RemoveCommand {
    std::string name;
    bool no_stop = false, no_gateway = false;
};
void define_remove(CLI::App& app, RemoveCommand& o);
int run_remove(const RemoveCommand& o, Deps& d);

// cmd_profiles.cpp: profile list, profile show, provision
struct ProfileListCommand { bool json = false; };
void define_profile_list(CLI::App& app, ProfileListCommand& o);
int run_profile_list(const ProfileListCommand& o, Deps& d);

struct ProfileShowCommand {
    std::string id;
    bool json = false;
};
void define_profile_show(CLI::App& app, ProfileShowCommand& o);
int run_profile_show(const ProfileShowCommand& o, Deps& d);

struct ProvisionCommand {
    std::string profile;
    bool full = false, write = false, force = false;
};
void define_provision(CLI::App& app, ProvisionCommand& o);
int run_provision(const ProvisionCommand& o, Deps& d);

// cmd_units.cpp: install-systemd, start, stop, status, restart
struct InstallSystemdCommand { bool no_gateway = false; };
void define_install_systemd(CLI::App& app, InstallSystemdCommand& o);
int run_install_systemd(const InstallSystemdCommand& o, Deps& d);
int run_start(const cli::NoOptions& o, Deps& d);
int run_stop(const cli::NoOptions& o, Deps& d);

struct StatusCommand { bool json = false; };
void define_status(CLI::App& app, StatusCommand& o);
int run_status(const StatusCommand& o, Deps& d);

struct RestartCommand {
    std::string agent;
    int max_wait_s = 60;
};
void define_restart(CLI::App& app, RestartCommand& o);
int run_restart(const RestartCommand& o, Deps& d);

// One line per unit, failures on stderr; mosaic::Error(exit_failed) naming the failed units.
int report_units(const Context& ctx, const std::string& verb, const FleetReport& r);

// cmd_agents.cpp: ps, launch, heartbeat, yolo
struct PsCommand { bool json = false; };
void define_ps(CLI::App& app, PsCommand& o);
int run_ps(const PsCommand& o, Deps& d);

struct LaunchCommand { std::string agent; };
void define_launch(CLI::App& app, LaunchCommand& o);
int run_launch(const LaunchCommand& o, Deps& d);

struct HeartbeatCommand {
    std::string agent;
    long pid = 0;
};
void define_heartbeat(CLI::App& app, HeartbeatCommand& o);
int run_heartbeat_command(const HeartbeatCommand& o, Deps& d);

struct YoloCommand {
    std::string runtime, model;
    std::vector<std::string> args;
    bool no_contract = false;
};
void define_yolo(CLI::App& app, YoloCommand& o);
int run_yolo_command(const YoloCommand& o, Deps& d);

// cmd_contract.cpp: compose-contract, and the contract `yolo` hands its runtime
struct ComposeContractCommand {
    std::string runtime;
    bool json = false;
};
void define_compose_contract(CLI::App& app, ComposeContractCommand& o);
int run_compose_contract(const ComposeContractCommand& o, Deps& d);
// The contract for `runtime` in this environment (MOSAIC_AGENT_NAME, the roster when there
// is one) and how the runtime gets it (contract.hpp).
ContractDelivery yolo_contract(const std::string& runtime, Deps& d);

// What `fleet ps` shows, collected with the settings of the environment (cmd_agents.cpp).
PsReport ps_report(Deps& d);

// cmd_verify.cpp: verify
struct VerifyCommand { bool json = false; };
void define_verify(CLI::App& app, VerifyCommand& o);
int run_verify(const VerifyCommand& o, Deps& d);

// services.cpp
nlohmann::json serve_status(const nlohmann::json& in, Deps& d);
nlohmann::json serve_doctor(const nlohmann::json& in, Deps& d);
nlohmann::json serve_roster(const nlohmann::json& in, Deps& d);
nlohmann::json serve_ps(const nlohmann::json& in, Deps& d);
nlohmann::json serve_verify(const nlohmann::json& in, Deps& d);
nlohmann::json serve_restart(const nlohmann::json& in, Deps& d);
// Completion (docs/services.md): {"what": "agent", "prefix": "co"} -> {"values": [names]}.
nlohmann::json serve_complete(const nlohmann::json& in, Deps& d);

}  // namespace mosaic::fleet
