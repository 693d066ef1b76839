#include "section.hpp"

namespace mosaic::wizard {

const std::vector<Section>& all_sections() {
    static const std::vector<Section> sections{Section::quick_start, Section::providers, Section::identity,
                                               Section::hooks, Section::gateway};
    return sections;
}

std::string section_id(Section s) {
    switch (s) {
        case Section::quick_start: return "quick-start";
        case Section::providers: return "providers";
        case Section::identity: return "identity";
        case Section::hooks: return "hooks";
        case Section::gateway: return "gateway";
    }
    return "";
}

std::string section_title(Section s) {
    switch (s) {
        case Section::quick_start: return "Quick Start";
        case Section::providers: return "Providers";
        case Section::identity: return "Agent Identity";
        case Section::hooks: return "Hooks";
        case Section::gateway: return "Gateway";
    }
    return "";
}

std::optional<Section> parse_section(std::string_view id) {
    for (Section s : all_sections())
        if (section_id(s) == id) return s;
    return std::nullopt;
}

std::vector<std::string> section_ids() {
    std::vector<std::string> ids;
    for (Section s : all_sections()) ids.push_back(section_id(s));
    return ids;
}

std::set<Stage> all_stages() { return {Stage::provider, Stage::config, Stage::hooks, Stage::gateway}; }

std::set<Stage> stages_for(Section s) {
    switch (s) {
        case Section::quick_start: return all_stages();
        // The provider name and the skip mark are configuration too.
        case Section::providers: return {Stage::provider, Stage::config};
        case Section::identity: return {Stage::config};
        case Section::hooks: return {Stage::hooks};
        case Section::gateway: return {Stage::gateway};
    }
    return {};
}

std::set<Section> sections_done_by(const std::set<Stage>& completed) {
    std::set<Section> done;
    for (Section s : all_sections()) {
        bool all = true;
        for (Stage st : stages_for(s)) all = all && completed.count(st) > 0;
        if (all) done.insert(s);
    }
    return done;
}

}  // namespace mosaic::wizard
