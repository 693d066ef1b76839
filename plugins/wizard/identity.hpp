// Agent identity: what the agent is for, and the name proposed for it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mosaic::wizard {

inline constexpr const char* default_agent_name = "Mosaic";
inline constexpr const char* default_intent = "general";

struct Intent {
    const char* id;             // stored as agent.intent; MOSAIC_AGENT_INTENT takes it
    const char* title;          // shown in the menu
    const char* proposed_name;  // offered as the agent name
};

// general, software-dev, devops, research, content, custom (in that order).
const std::vector<Intent>& intents();
const Intent* find_intent(std::string_view id);
std::string intent_ids_joined();  // "general, software-dev, ..." for error messages

// The name offered for `intent`: keeps `current` when the user chose a name of their own,
// otherwise the intent's proposal.
std::string proposed_name(std::string_view intent, std::string_view current);

}  // namespace mosaic::wizard
