#include "hooks_config.hpp"

#include <algorithm>

#include <mosaic/error.hpp>

#include "hook_catalogue.hpp"

namespace mosaic::config_hooks {

namespace {

constexpr const char* position_key = "mosaic-position";
constexpr const char* sections[] = {"hooks", "disabled"};

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out.empty() ? "none" : out;
}

std::string group_id(const ojson& group) {
    auto it = group.find("id");
    return it != group.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Events that have at least one group (in either section) and every id, in file order.
void inventory(const ojson& doc, std::vector<std::string>& events, std::vector<std::string>& ids) {
    for (const char* section : sections) {
        auto s = doc.find(section);
        if (s == doc.end()) continue;
        for (const auto& [event, groups] : s->items()) {
            if (groups.empty()) continue;
            if (std::find(events.begin(), events.end(), event) == events.end()) events.push_back(event);
            for (const auto& g : groups) {
                std::string id = group_id(g);
                if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
            }
        }
    }
}

ojson& section_of(ojson& doc, const char* name) {
    if (!doc.contains(name)) doc[name] = ojson::object();
    return doc[name];
}

void erase_if_empty(ojson& section, const std::string& event) {
    auto it = section.find(event);
    if (it != section.end() && it->empty()) section.erase(event);
}

// Inserts `group` into `list` at its remembered position (clamped), forgetting the position.
void reinsert(ojson& list, ojson group) {
    std::size_t at = list.size();
    if (auto p = group.find(position_key); p != group.end()) {
        if (p->is_number_integer() && p->get<long long>() >= 0)
            at = std::min<std::size_t>(static_cast<std::size_t>(p->get<long long>()), list.size());
        group.erase(position_key);
    }
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), std::move(group));
}

bool all_commands_mosaic(const ojson& group, const fs::path& home) {
    auto hooks = group.find("hooks");
    if (hooks == group.end() || !hooks->is_array() || hooks->empty()) return false;
    for (const auto& h : *hooks) {
        auto c = h.find("command");
        if (c == h.end() || !c->is_string() || !is_mosaic_command(c->get<std::string>(), home)) return false;
    }
    return true;
}

}  // namespace

const std::vector<std::string>& claude_hook_events() {
    static const std::vector<std::string> events{"PreToolUse",   "PostToolUse", "UserPromptSubmit",
                                                 "Stop",         "SubagentStop", "SessionStart",
                                                 "SessionEnd",   "Notification", "PreCompact"};
    return events;
}

void validate_hooks_config(const JsonDocument& doc) {
    const ojson& v = doc.value;
    if (!v.is_object()) doc.wrong_type({}, "an object");
    for (const char* section : sections) {
        const ojson* s = doc.object_at(v, section, {section});
        if (!s) continue;
        for (const auto& [event, groups] : s->items()) {
            if (!groups.is_array()) doc.wrong_type({section, event}, "an array of hook groups");
            for (std::size_t i = 0; i < groups.size(); ++i) {
                std::string gi = std::to_string(i);
                const ojson& g = groups[i];
                if (!g.is_object()) doc.wrong_type({section, event, gi}, "an object");
                doc.string_at(g, "id", {section, event, gi, "id"});
                doc.string_at(g, "matcher", {section, event, gi, "matcher"});
                const ojson* inner = doc.array_at(g, "hooks", {section, event, gi, "hooks"});
                if (!inner) continue;
                for (std::size_t j = 0; j < inner->size(); ++j) {
                    std::string hj = std::to_string(j);
                    if (!(*inner)[j].is_object()) doc.wrong_type({section, event, gi, "hooks", hj}, "an object");
                    doc.string_at((*inner)[j], "command", {section, event, gi, "hooks", hj, "command"});
                }
            }
        }
    }
}

bool is_mosaic_managed(const ojson& doc) {
    auto it = doc.find("mosaic-managed");
    return it != doc.end() && it->is_boolean() && it->get<bool>();
}

std::vector<HookRow> list_hooks(const ojson& doc) {
    std::vector<HookRow> rows;
    for (const char* section : sections) {
        auto s = doc.find(section);
        if (s == doc.end()) continue;
        for (const auto& [event, groups] : s->items()) {
            for (const auto& g : groups) {
                HookRow base{event, group_id(g), g.value("matcher", std::string()), "", section == sections[0]};
                auto inner = g.find("hooks");
                if (inner == g.end() || inner->empty()) {
                    rows.push_back(base);
                    continue;
                }
                for (const auto& h : *inner) {
                    HookRow row = base;
                    row.command = h.value("command", std::string());
                    rows.push_back(row);
                }
            }
        }
    }
    return rows;
}

namespace {

// toggle_hooks for an event: the whole list moves.
void toggle_event(ToggleResult& r, const std::string& event, bool enable) {
    r.subject = "event '" + event + "'";
    ojson& from = section_of(r.doc, enable ? "disabled" : "hooks");
    auto it = from.find(event);
    if (it == from.end() || it->empty()) return;  // already in the wanted state
    ojson moving = std::move(*it);
    from.erase(event);
    ojson& to = section_of(r.doc, enable ? "hooks" : "disabled");
    if (!to.contains(event)) to[event] = ojson::array();
    if (enable) {
        // Undo the disables in reverse order, each at the position it was taken from.
        for (auto g = moving.rbegin(); g != moving.rend(); ++g) reinsert(to[event], *g);
    } else {
        // Taken from the front one by one: each was at position 0 when it left.
        for (auto& g : moving) {
            g[position_key] = 0;
            to[event].push_back(g);
        }
    }
    r.changed = true;
    r.groups = moving.size();
}

// The groups with id `id` taken out of one event's list, in the order they must be put back.
std::vector<ojson> take_groups(ojson& groups, const std::string& id, bool enable) {
    std::vector<ojson> taken;
    if (enable) {
        // The last one disabled first, each back at the position it was taken from.
        for (std::size_t i = groups.size(); i-- > 0;) {
            if (group_id(groups[i]) != id) continue;
            taken.push_back(std::move(groups[i]));
            groups.erase(i);
        }
        return taken;
    }
    for (std::size_t i = 0; i < groups.size();) {
        if (group_id(groups[i]) != id) {
            ++i;
            continue;
        }
        ojson group = std::move(groups[i]);
        groups.erase(i);
        group[position_key] = i;  // where it was once the ones before it had left
        taken.push_back(std::move(group));
    }
    return taken;
}

// toggle_hooks for an id: every group with that id (ids are Mosaic's convention; nothing
// stops a user from copying a group without renaming it), so that doing it twice changes
// nothing.
void toggle_id(ToggleResult& r, const std::string& id, bool enable) {
    r.subject = "hook '" + id + "'";
    std::vector<std::pair<std::string, std::vector<ojson>>> moved;  // per event, in moving order
    ojson& from = section_of(r.doc, enable ? "disabled" : "hooks");
    for (auto& [event, groups] : from.items()) {
        std::vector<ojson> taken = take_groups(groups, id, enable);
        if (!taken.empty()) moved.emplace_back(event, std::move(taken));
    }
    for (const auto& [event, taken] : moved) erase_if_empty(from, event);
    // `from` is not used below: adding the other section may move it.
    for (auto& [event, taken] : moved) {
        ojson& to = section_of(r.doc, enable ? "hooks" : "disabled");
        if (!to.contains(event)) to[event] = ojson::array();
        for (auto& group : taken) {
            if (enable) reinsert(to[event], std::move(group));
            else to[event].push_back(std::move(group));
            ++r.groups;
        }
    }
    r.changed = r.groups > 0;  // nothing moved: only in the other section, already as wanted
}

}  // namespace

ToggleResult toggle_hooks(const ojson& doc, const std::string& target, bool enable, const fs::path& file) {
    std::vector<std::string> events, ids;
    inventory(doc, events, ids);
    ToggleResult r{doc, false, "", 0};
    if (std::find(events.begin(), events.end(), target) != events.end()) {
        toggle_event(r, target, enable);
        return r;
    }
    if (std::find(ids.begin(), ids.end(), target) != ids.end()) {
        toggle_id(r, target, enable);
        return r;
    }
    bool known_event = std::find(claude_hook_events().begin(), claude_hook_events().end(), target) !=
                       claude_hook_events().end();
    throw Error(exit_usage, (known_event ? "no hooks for event '" + target + "'"
                                         : "unknown hook event or id '" + target + "'") +
                                " in '" + file.string() + "'; events: " + join(events) + "; ids: " + join(ids));
}

ojson add_mosaic_groups(const ojson& doc, const fs::path& mosaic_home) {
    ojson out = doc.is_object() ? doc : ojson::object();
    if (out.empty()) {
        out = ojson{{"mosaic-managed", true}, {"schema", 1}, {"hooks", ojson::object()}, {"disabled", ojson::object()}};
    }
    out["mosaic-managed"] = true;
    if (!out.contains("schema")) out["schema"] = 1;
    section_of(out, "hooks");
    section_of(out, "disabled");

    for (const auto& spec : mosaic_hooks()) {
        ojson wanted = hook_group(spec, mosaic_home);
        bool found = false;
        for (const char* section : sections) {
            for (auto& [event, groups] : out[section].items()) {
                for (auto& g : groups) {
                    if (group_id(g) != spec.id) continue;
                    g["matcher"] = wanted["matcher"];
                    g["hooks"] = wanted["hooks"];
                    found = true;
                }
            }
        }
        if (found) continue;
        ojson& hooks = out["hooks"];
        if (!hooks.contains(spec.event)) hooks[spec.event] = ojson::array();
        hooks[spec.event].push_back(wanted);
    }
    return out;
}

std::optional<ojson> remove_mosaic_groups(const ojson& doc, const fs::path& mosaic_home) {
    ojson out = doc;
    std::vector<std::string> ours = mosaic_hook_ids();
    for (const char* section : sections) {
        auto s = out.find(section);
        if (s == out.end() || !s->is_object()) continue;
        std::vector<std::string> emptied;
        for (auto& [event, groups] : s->items()) {
            std::size_t before = groups.size();
            ojson kept = ojson::array();
            for (auto& g : groups) {
                bool mine = std::find(ours.begin(), ours.end(), group_id(g)) != ours.end() ||
                            all_commands_mosaic(g, mosaic_home);
                if (!mine) kept.push_back(g);
            }
            if (kept.size() != before && kept.empty()) emptied.push_back(event);
            groups = std::move(kept);
        }
        for (const auto& e : emptied) s->erase(e);
    }
    // Nothing left but the skeleton install writes: the file is install's alone.
    bool only_skeleton = is_mosaic_managed(out);
    for (const auto& [key, value] : out.items()) {
        if (key == "mosaic-managed" || key == "schema") continue;
        if ((key == "hooks" || key == "disabled") && value.is_object() && value.empty()) continue;
        only_skeleton = false;
    }
    if (only_skeleton) return std::nullopt;
    return out;
}

}  // namespace mosaic::config_hooks
