// profiles.hpp - `mosaic fleet init`: starter rosters ("profiles") and writing one.
//
// Each profile is roster text with comments, validated by parse_roster() (the parser user
// rosters go through) before it is printed or written.
//   minimal            one claude agent
//   software-delivery  a planner (orchestrator) with coding workers and a reviewer
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::fleet {

// minimal, software-delivery
std::vector<std::string> roster_profile_names();

// The profile's roster text. Throws mosaic::Error(exit_usage) for an unknown name, listing the
// known ones.
std::string roster_profile(const std::string& name);

struct InitOptions {
    std::string profile = "minimal";
    bool write = false;  // false: only return the text
    bool force = false;  // replace an existing roster (kept as roster.yaml.mosaic-bak-<stamp>)
};

struct InitResult {
    std::string text;                         // the roster (validated)
    bool written = false;
    std::optional<std::filesystem::path> backup;  // where the replaced roster was kept
};

// Validates the profile; with `write`, writes `roster_path` with write_roster().
InitResult init_roster(const InitOptions& options, const std::filesystem::path& roster_path);

// The comment and settings every generated roster starts with, up to its `agents:`; `command`
// is the command line that wrote it ("mosaic fleet init --profile minimal").
std::string roster_header(const std::string& command);

struct WriteResult {
    std::optional<std::filesystem::path> backup;  // where the replaced roster was kept
};

// Writes `text` to `roster_path` atomically under the roster's file lock (membership.hpp). An
// existing file without `force`, or a directory others can write, throws
// mosaic::Error(exit_refused) and is left alone; with `force` the old file is kept beside it as
// roster.yaml.mosaic-bak-<stamp>.
WriteResult write_roster(const std::filesystem::path& roster_path, const std::string& text, bool force);

}  // namespace mosaic::fleet
