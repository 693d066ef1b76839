#include "identity.hpp"

namespace mosaic::wizard {

const std::vector<Intent>& intents() {
    static const std::vector<Intent> list{
        {"general", "General assistant", "Mosaic"},
        {"software-dev", "Software development", "Mosaic Dev"},
        {"devops", "DevOps and operations", "Mosaic Ops"},
        {"research", "Research", "Mosaic Research"},
        {"content", "Content and writing", "Mosaic Writer"},
        {"custom", "Custom", "Mosaic"},
    };
    return list;
}

const Intent* find_intent(std::string_view id) {
    for (const auto& i : intents())
        if (id == i.id) return &i;
    return nullptr;
}

std::string intent_ids_joined() {
    std::string out;
    for (const auto& i : intents()) out += (out.empty() ? "" : ", ") + std::string(i.id);
    return out;
}

std::string proposed_name(std::string_view intent, std::string_view current) {
    bool current_is_a_proposal = current.empty();
    for (const auto& i : intents()) current_is_a_proposal = current_is_a_proposal || current == i.proposed_name;
    if (!current_is_a_proposal) return std::string(current);
    const Intent* i = find_intent(intent);
    return i ? i->proposed_name : default_agent_name;
}

}  // namespace mosaic::wizard
