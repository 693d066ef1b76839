// The wizard's sections and the apply stages each one feeds.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mosaic::wizard {

enum class Section { quick_start, providers, identity, hooks, gateway };

// Apply stages, in the order they run (docs/behaviour.md, "wizard").
enum class Stage { provider, config, hooks, gateway };

// In menu order.
const std::vector<Section>& all_sections();

// "quick-start", "providers", ... (what --section takes and what wizard.sections_done stores).
std::string section_id(Section s);
// "Quick Start", "Agent Identity", ...
std::string section_title(Section s);
std::optional<Section> parse_section(std::string_view id);
std::vector<std::string> section_ids();

// Stages a section's answers are applied by (quick-start: all of them).
std::set<Stage> stages_for(Section s);
std::set<Stage> all_stages();

// Sections that count as done once `completed` stages have run.
std::set<Section> sections_done_by(const std::set<Stage>& completed);

}  // namespace mosaic::wizard
