// What the user reads at the end: the closing line and the summary. Pure text.
#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "answers.hpp"
#include "apply.hpp"
#include "existing.hpp"

namespace mosaic::wizard {

// "Mosaic is ready." only when the gateway stage ran and ended healthy and bootstrapped;
// otherwise a line saying what was (not) done.
std::string closing_line(const ApplyReport& report, const std::set<Stage>& stages);

// The admin token banner (shown once, when the admin was just created), else "".
std::string token_banner(const ApplyReport& report);

// One line per area: configuration, agent, provider, hooks, gateway, admin. Names the
// package of every skipped stage. Never contains a key or a password.
std::string render_summary(const Answers& answers, const Existing& existing, const ApplyReport& report,
                           const std::set<Stage>& stages, const std::filesystem::path& home,
                           const std::string& settings_location);

// The detection shown before the menu.
std::string render_detection(const Existing& existing);

}  // namespace mosaic::wizard
