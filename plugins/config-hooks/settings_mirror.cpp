#include "settings_mirror.hpp"

#include <algorithm>
#include <map>

#include "hook_catalogue.hpp"

namespace mosaic::config_hooks {

namespace {

bool is_mosaic_hook(const ojson& hook, const fs::path& home) {
    auto c = hook.find("command");
    return c != hook.end() && c->is_string() && is_mosaic_command(c->get<std::string>(), home);
}

// The groups to mirror for each event, in hooks-config order.
std::vector<std::pair<std::string, std::vector<ojson>>> wanted_groups(const ojson& hooks_config,
                                                                      const fs::path& home) {
    std::vector<std::pair<std::string, std::vector<ojson>>> out;
    if (!hooks_config.is_object()) return out;
    auto hooks = hooks_config.find("hooks");
    if (hooks == hooks_config.end() || !hooks->is_object()) return out;
    for (const auto& [event, groups] : hooks->items()) {
        std::vector<ojson> mirrored;
        for (const auto& g : groups) {
            auto inner = g.find("hooks");
            if (inner == g.end()) continue;
            ojson kept = ojson::array();
            for (const auto& h : *inner)
                if (is_mosaic_hook(h, home)) kept.push_back(h);
            if (kept.empty()) continue;
            ojson group = ojson::object();
            if (auto m = g.find("matcher"); m != g.end()) group["matcher"] = *m;
            group["hooks"] = std::move(kept);
            mirrored.push_back(std::move(group));
        }
        if (!mirrored.empty()) out.emplace_back(event, std::move(mirrored));
    }
    return out;
}

}  // namespace

void validate_settings(const JsonDocument& doc) {
    const ojson& v = doc.value;
    if (!v.is_object()) doc.wrong_type({}, "an object");
    const ojson* hooks = doc.object_at(v, "hooks", {"hooks"});
    if (!hooks) return;
    for (const auto& [event, groups] : hooks->items()) {
        if (!groups.is_array()) doc.wrong_type({"hooks", event}, "an array of hook groups");
        for (std::size_t i = 0; i < groups.size(); ++i) {
            std::string gi = std::to_string(i);
            if (!groups[i].is_object()) doc.wrong_type({"hooks", event, gi}, "an object");
            const ojson* inner = doc.array_at(groups[i], "hooks", {"hooks", event, gi, "hooks"});
            if (!inner) continue;
            for (std::size_t j = 0; j < inner->size(); ++j)
                if (!(*inner)[j].is_object()) doc.wrong_type({"hooks", event, gi, "hooks", std::to_string(j)}, "an object");
        }
    }
}

ojson mirror_into_settings(const ojson& settings, const ojson& hooks_config, const fs::path& mosaic_home) {
    ojson out = settings.is_object() ? settings : ojson::object();
    auto wanted = wanted_groups(hooks_config, mosaic_home);
    bool had_hooks = out.contains("hooks");
    ojson& hooks = out["hooks"];
    if (!hooks.is_object()) hooks = ojson::object();

    // 1. Take Mosaic's hooks out, remembering where the first of its groups stood per event.
    std::map<std::string, std::size_t> slot;
    std::vector<std::string> emptied;
    bool removed_any = false;
    for (auto& [event, groups] : hooks.items()) {
        ojson kept = ojson::array();
        bool removed_here = false;
        for (const auto& g : groups) {
            auto inner = g.find("hooks");
            if (inner == g.end() || !inner->is_array()) {
                kept.push_back(g);
                continue;
            }
            ojson mine_removed = ojson::array();
            for (const auto& h : *inner)
                if (!is_mosaic_hook(h, mosaic_home)) mine_removed.push_back(h);
            if (mine_removed.size() == inner->size()) {
                kept.push_back(g);
                continue;
            }
            removed_here = true;
            if (!slot.count(event)) slot[event] = kept.size();
            if (mine_removed.empty()) continue;  // a group of Mosaic's alone: drop it
            ojson partial = g;
            partial["hooks"] = std::move(mine_removed);
            kept.push_back(std::move(partial));
        }
        if (removed_here) {
            removed_any = true;
            if (kept.empty()) emptied.push_back(event);
        }
        groups = std::move(kept);
    }

    // 2. Put the wanted groups back, where Mosaic's were or else at the end.
    for (auto& [event, groups] : wanted) {
        auto e = std::find(emptied.begin(), emptied.end(), event);
        if (e != emptied.end()) emptied.erase(e);
        if (!hooks.contains(event)) hooks[event] = ojson::array();
        ojson& list = hooks[event];
        std::size_t at = slot.count(event) ? std::min(slot[event], list.size()) : list.size();
        for (auto& g : groups) list.insert(list.begin() + static_cast<std::ptrdiff_t>(at++), std::move(g));
    }

    // 3. Containers that only Mosaic's entries filled go with them.
    for (const auto& e : emptied) hooks.erase(e);
    if (hooks.empty() && (!had_hooks || removed_any) && wanted.empty()) out.erase("hooks");
    return out;
}

}  // namespace mosaic::config_hooks
