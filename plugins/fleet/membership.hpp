// membership.hpp - fleet add / remove: edit the roster (atomically, after validating the
// result), keep the agent's env file in step, and start or stop its unit.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <mosaic/support/process.hpp>

#include "control.hpp"
#include "roster.hpp"
#include "systemd_units.hpp"

namespace mosaic::fleet {

struct AddOptions {
    Agent agent;
    bool start = true;
    ExtraAgentEnv extra_env;  // the gateway's model access (systemd_units.hpp), when given
};

struct MembershipPaths {
    std::filesystem::path roster;      // <home>/fleet/roster.yaml
    std::filesystem::path mosaic_home;
    std::string user_home;
};

// Both hold the roster's file lock (support::FileLock on "<fleet>/.roster.yaml.lock", the
// lock `mosaic config set` uses for its file) from reading the roster to writing it and the
// env file, so concurrent adds and removes never lose one another's agents; and both refuse
// (exit_refused) a fleet or agents directory others can write (support::insecure_directory).

// Validates the name, the runtime (a known runtime or one the roster's `runtimes` names)
// and uniqueness (exit_usage / exit_refused) and that its reports_to, if any, is an agent of
// the roster (exit_usage), writes the roster and the env file, then
// starts mosaic-agent@<name>.service unless told not to. Returns the start outcome (empty
// report when not started). A roster that does not exist yet is created.
FleetReport add_agent(const AddOptions& options, const MembershipPaths& paths, support::CommandRunner& runner);

// Stops the agent's unit first (unless `stop` is false; a failed stop leaves the roster as it
// was and is reported), then removes the agent from the roster. The env file is kept when it
// holds lines the user wrote, else removed; the lines fleet wrote (model access included) go.
// An agent others report to (reports_to) is refused (exit_refused) before anything is stopped.
FleetReport remove_agent(const std::string& name, bool stop, const MembershipPaths& paths,
                         support::CommandRunner& runner);

// Throws mosaic::Error(exit_refused) when the roster's or the env files' directory, or one
// above them, can be written by others.
void require_private_fleet_dirs(const MembershipPaths& paths);

}  // namespace mosaic::fleet
