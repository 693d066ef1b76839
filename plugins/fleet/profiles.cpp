#include "profiles.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/file_lock.hpp>

#include "roster.hpp"

namespace mosaic::fleet {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHeader =
    "# Mosaic fleet roster, written by '%s'.\n"
    "# Agent names: letters, digits, '_', '.', '-'. Runtimes: claude, codex, opencode, pi.\n"
    "# Agents start in 'working_directory' (their own, else defaults.working_directory, else ~).\n"
    "# Note: 'mosaic fleet add' and 'mosaic fleet remove' rewrite this file and drop comments.\n"
    "version: 1\n"
    "transport: tmux\n"
    "tmux: { socket_name: mosaic-fleet, holder_session: _holder }\n"
    "# defaults: { working_directory: ~/src }\n"
    "runtimes:\n"
    "  claude: { reset_command: /clear }\n";

std::string header(const std::string& profile) { return roster_header("mosaic fleet init --profile " + profile); }

}  // namespace

std::string roster_header(const std::string& command) {
    std::string text = kHeader;
    text.replace(text.find("%s"), 2, command);
    return text;
}

std::vector<std::string> roster_profile_names() { return {"minimal", "software-delivery"}; }

std::string roster_profile(const std::string& name) {
    if (name == "minimal")
        return header(name) +
               "agents:\n"
               "  - { name: agent-1, runtime: claude }\n";
    if (name == "software-delivery")
        return header(name) +
               "agents:\n"
               "  # plans the work and hands it out\n"
               "  - { name: planner, runtime: claude, class: orchestrator, model_hint: opus }\n"
               "  # implement\n"
               "  - { name: coder-1, runtime: codex, class: worker }\n"
               "  - { name: coder-2, runtime: codex, class: worker }\n"
               "  # reviews what the coders deliver\n"
               "  - { name: reviewer, runtime: claude, class: reviewer }\n";
    std::string known;
    for (const auto& n : roster_profile_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(exit_usage, "unknown profile '" + name + "'; known profiles: " + known);
}

WriteResult write_roster(const fs::path& roster_path, const std::string& text, bool force) {
    support::require_private_directory(roster_path.parent_path());
    support::FileLock lock(support::lock_path_for(roster_path));  // the lock of every roster writer
    std::error_code ec;
    bool exists = fs::exists(fs::symlink_status(roster_path, ec));
    if (exists && !force)
        throw Error(exit_refused, "'" + roster_path.string() + "' already exists; pass --force to replace it");
    WriteResult result;
    if (exists) {
        auto old = support::read_file(roster_path);
        fs::path backup = roster_path;
        backup += ".mosaic-bak-" + support::utc_stamp();
        support::write_file_atomic(backup, old.value_or(""));
        result.backup = backup;
    }
    support::write_file_atomic(roster_path, text, {.mode = 0644});
    return result;
}

InitResult init_roster(const InitOptions& options, const fs::path& roster_path) {
    InitResult result;
    result.text = roster_profile(options.profile);
    parse_roster(result.text, "profile '" + options.profile + "'");
    if (!options.write) return result;
    result.backup = write_roster(roster_path, result.text, options.force).backup;
    result.written = true;
    return result;
}

}  // namespace mosaic::fleet
