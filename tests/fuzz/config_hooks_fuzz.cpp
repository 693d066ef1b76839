// Fuzz target: config-hooks' two files, $CLAUDE_HOME/hooks-config.json and settings.json, read
// with JsonDocument::load, validated (validate_hooks_config / validate_settings, whose errors
// locate the bad value in the text), then put through every pure operation the commands run:
// toggle_hooks (disable / enable), add_mosaic_groups (install), remove_mosaic_groups
// (uninstall) and mirror_into_settings (the sync into settings.json).
//
// Input: <hooks-config.json text> "\n=====\n" <settings.json text> ["\n=====\n" <target>].
// Without a target, every event and id in hooks-config.json is toggled.
//
// Checks (docs/behaviour.md, "config hooks"): only mosaic::Error escapes, with a message naming the file; every
// document Mosaic would write validates again; disable then enable gives back the same
// document (as JSON: key order and an empty section are formatting); each direction is
// idempotent; install and uninstall keep every group that is not Mosaic's; the settings
// mirror keeps every other key and every user hook, in order, is idempotent, mirrors exactly
// the enabled Mosaic hooks, and removing it leaves no Mosaic hook behind.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <mosaic/error.hpp>

#include "fuzz_support.hpp"
#include "hook_catalogue.hpp"
#include "hooks_config.hpp"
#include "json_document.hpp"
#include "settings_mirror.hpp"

using namespace mosaic::config_hooks;
using mosaic::Error;

namespace {

const fs::path home = "/h/.config/mosaic";
constexpr const char* sections[] = {"hooks", "disabled"};

nlohmann::json plain(const ojson& v) { return nlohmann::json::parse(v.dump()); }

// As JSON, with an empty top-level "hooks" or "disabled" section counted as absent.
nlohmann::json normal(const ojson& v) {
    nlohmann::json j = plain(v);
    if (j.is_object())
        for (const char* s : sections)
            if (j.contains(s) && j[s].is_object() && j[s].empty()) j.erase(s);
    return j;
}

// The text Mosaic would write, read back and validated as the commands would.
void check_rereads(const ojson& value, void (*validate)(const JsonDocument&), const std::string& what) {
    JsonDocument doc{"/fuzz/" + what, true, value.dump(2) + "\n", ojson()};
    doc.value = ojson::parse(doc.text);
    FUZZ_CHECK(doc.value == value, what + " does not read back as written");
    try {
        validate(doc);
    } catch (const Error& e) {
        FUZZ_CHECK(false, what + " as written does not validate: " + e.what());
    }
}

bool is_mosaic_hook(const ojson& hook) {
    auto c = hook.find("command");
    return c != hook.end() && c->is_string() && is_mosaic_command(c->get<std::string>(), home);
}

// remove_mosaic_groups' notion of "Mosaic's group".
bool is_mosaic_group(const ojson& g) {
    auto id = g.find("id");
    if (id != g.end() && id->is_string()) {
        for (const auto& ours : mosaic_hook_ids())
            if (*id == ours) return true;
    }
    auto hooks = g.find("hooks");
    if (hooks == g.end() || !hooks->is_array() || hooks->empty()) return false;
    for (const auto& h : *hooks)
        if (!is_mosaic_hook(h)) return false;
    return true;
}

// hooks-config.json: the groups that are not Mosaic's, per section and event, in order.
std::map<std::string, std::vector<ojson>> user_groups(const ojson& doc) {
    std::map<std::string, std::vector<ojson>> out;
    if (!doc.is_object()) return out;
    for (const char* section : sections) {
        auto s = doc.find(section);
        if (s == doc.end() || !s->is_object()) continue;
        for (const auto& [event, groups] : s->items())
            for (const auto& g : groups)
                if (!is_mosaic_group(g)) out[std::string(section) + "/" + event].push_back(g);
    }
    return out;
}

std::size_t mosaic_groups(const ojson& doc) {
    std::size_t n = 0;
    for (const char* section : sections) {
        auto s = doc.find(section);
        if (s == doc.end() || !s->is_object()) continue;
        for (const auto& [event, groups] : s->items())
            for (const auto& g : groups) n += is_mosaic_group(g);
    }
    return n;
}

// The top-level keys other than `except`, in order.
std::vector<std::pair<std::string, ojson>> other_keys(const ojson& doc, std::vector<std::string> except) {
    std::vector<std::pair<std::string, ojson>> out;
    if (!doc.is_object()) return out;
    for (const auto& [k, v] : doc.items())
        if (std::find(except.begin(), except.end(), k) == except.end()) out.emplace_back(k, v);
    return out;
}

// settings.json: per event, the user's hooks in order (with the other keys of the group they
// sit in); a group without a "hooks" array counts as a whole.
std::map<std::string, std::vector<ojson>> user_hooks(const ojson& settings) {
    std::map<std::string, std::vector<ojson>> out;
    auto h = settings.find("hooks");
    if (h == settings.end() || !h->is_object()) return out;
    for (const auto& [event, groups] : h->items()) {
        for (const auto& g : groups) {
            auto inner = g.find("hooks");
            if (inner == g.end() || !inner->is_array()) {
                out[event].push_back(g);
                continue;
            }
            ojson keys = g;
            keys.erase("hooks");
            bool any = false;
            for (const auto& hook : *inner)
                if (!is_mosaic_hook(hook)) {
                    out[event].push_back(hook);
                    any = true;
                }
            if (any) out[event].push_back(keys);
        }
        if (out.count(event) && out[event].empty()) out.erase(event);
    }
    return out;
}

// The Mosaic hooks in a document's "hooks" section: settings.json's mirror, or the enabled
// groups of hooks-config.json.
std::size_t mosaic_hook_count(const ojson& doc) {
    std::size_t n = 0;
    auto h = doc.find("hooks");
    if (h == doc.end() || !h->is_object()) return 0;
    for (const auto& [event, groups] : h->items())
        for (const auto& g : groups)
            if (auto inner = g.find("hooks"); inner != g.end() && inner->is_array())
                for (const auto& hook : *inner) n += is_mosaic_hook(hook);
    return n;
}

void check_mirror(const ojson& settings, const ojson& config, const std::string& what) {
    ojson m = mirror_into_settings(settings, config, home);
    check_rereads(m, validate_settings, "settings.json mirrored from " + what);
    FUZZ_CHECK(other_keys(m, {"hooks"}) == other_keys(settings, {"hooks"}), "the mirror changed a key other than hooks");
    FUZZ_CHECK(user_hooks(m) == user_hooks(settings), "the mirror changed a user hook (" + what + ")");
    FUZZ_CHECK(mirror_into_settings(m, config, home) == m, "the mirror is not idempotent (" + what + ")");
    FUZZ_CHECK(mosaic_hook_count(m) == mosaic_hook_count(config), "the mirror does not hold exactly the enabled Mosaic hooks");
    ojson removed = mirror_into_settings(m, ojson(), home);
    FUZZ_CHECK(mosaic_hook_count(removed) == 0, "a Mosaic hook survived its removal");
    FUZZ_CHECK(user_hooks(removed) == user_hooks(settings), "removing the mirror changed a user hook");
}

// Ids and events as toggle_hooks sees them (groups in either section).
void inventory(const ojson& doc, std::vector<std::string>& targets, std::map<std::string, int>& id_count,
               bool& has_position) {
    for (const char* section : sections) {
        auto s = doc.find(section);
        if (s == doc.end()) continue;
        for (const auto& [event, groups] : s->items()) {
            if (!groups.empty() && std::find(targets.begin(), targets.end(), event) == targets.end())
                targets.push_back(event);
            for (const auto& g : groups) {
                if (g.contains("mosaic-position")) has_position = true;
                auto id = g.find("id");
                if (id == g.end() || !id->is_string() || id->get<std::string>().empty()) continue;
                std::string i = id->get<std::string>();
                if (id_count[i]++ == 0 && std::find(targets.begin(), targets.end(), i) == targets.end())
                    targets.push_back(i);
            }
        }
    }
}

bool section_has(const ojson& doc, const char* section, const std::string& event) {
    auto s = doc.find(section);
    if (s == doc.end()) return false;
    auto e = s->find(event);
    return e != s->end() && !e->empty();
}

bool has_id(const ojson& doc, const char* section, const std::string& id) {
    auto s = doc.find(section);
    if (s == doc.end()) return false;
    for (const auto& [event, groups] : s->items())
        for (const auto& g : groups)
            if (g.contains("id") && g["id"] == id) return true;
    return false;
}

void check_toggle(const ojson& doc, const std::string& target, const std::vector<std::string>& known_targets,
                  bool has_position) {
    ToggleResult off;
    try {
        off = toggle_hooks(doc, target, false, "/fuzz/hooks-config.json");
    } catch (const Error& e) {
        bool known = std::find(known_targets.begin(), known_targets.end(), target) != known_targets.end();
        FUZZ_CHECK(!known, "toggle refused a target that exists: " + std::string(e.what()));
        return;
    }
    check_rereads(off.doc, validate_hooks_config, "hooks-config.json after disable " + target);
    FUZZ_CHECK(other_keys(off.doc, {"hooks", "disabled"}) == other_keys(doc, {"hooks", "disabled"}),
               "disable changed a key it does not own");
    auto again = toggle_hooks(off.doc, target, false, "/fuzz/hooks-config.json");
    FUZZ_CHECK(!again.changed && again.doc == off.doc, "disable is not idempotent: " + target);
    auto on = toggle_hooks(off.doc, target, true, "/fuzz/hooks-config.json");
    check_rereads(on.doc, validate_hooks_config, "hooks-config.json after enable " + target);
    auto on_again = toggle_hooks(on.doc, target, true, "/fuzz/hooks-config.json");
    FUZZ_CHECK(!on_again.changed && on_again.doc == on.doc, "enable is not idempotent: " + target);

    // Lossless when nothing of the target was disabled before and no group carries a stale
    // "mosaic-position" of its own.
    bool is_event = false;
    for (const char* s : sections) is_event = is_event || section_has(doc, s, target);
    bool lossless = !has_position;
    if (is_event) lossless = lossless && !section_has(doc, "disabled", target);
    else lossless = lossless && has_id(doc, "hooks", target) && !has_id(doc, "disabled", target);
    if (lossless)
        FUZZ_CHECK(normal(on.doc) == normal(doc), "disable then enable '" + target + "' changed the document:\n" +
                                                      doc.dump() + "\n->\n" + on.doc.dump());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto parts = mosaic::fuzz::split(mosaic::fuzz::as_string(data, size), "\n=====\n", 3);
    const fs::path dir = mosaic::fuzz::scratch_dir();
    mosaic::fuzz::write_bytes(dir / "hooks-config.json", parts[0]);
    if (parts.size() > 1) mosaic::fuzz::write_bytes(dir / "settings.json", parts[1]);
    else fs::remove(dir / "settings.json");

    JsonDocument config, settings;
    try {
        config = JsonDocument::load(dir / "hooks-config.json");
        validate_hooks_config(config);
    } catch (const Error& e) {
        FUZZ_CHECK(std::string(e.what()).find((dir / "hooks-config.json").string()) != std::string::npos,
                   std::string("error does not name the file: ") + e.what());
        return 0;
    }
    bool settings_ok = true;
    try {
        settings = JsonDocument::load(dir / "settings.json");
        validate_settings(settings);
    } catch (const Error& e) {
        FUZZ_CHECK(std::string(e.what()).find((dir / "settings.json").string()) != std::string::npos,
                   std::string("error does not name the file: ") + e.what());
        settings_ok = false;
    }

    const ojson& doc = config.value;
    (void)list_hooks(doc);

    // disable / enable
    std::vector<std::string> targets;
    std::map<std::string, int> id_count;
    bool has_position = false;
    inventory(doc, targets, id_count, has_position);
    if (parts.size() > 2) {
        check_toggle(doc, parts[2], targets, has_position);
    } else {
        for (std::size_t i = 0; i < targets.size() && i < 16; ++i)
            check_toggle(doc, targets[i], targets, has_position);
    }

    // install
    ojson installed = add_mosaic_groups(doc, home);
    check_rereads(installed, validate_hooks_config, "hooks-config.json after install");
    FUZZ_CHECK(is_mosaic_managed(installed), "install did not mark the file");
    FUZZ_CHECK(add_mosaic_groups(installed, home) == installed, "install is not idempotent");
    FUZZ_CHECK(user_groups(installed) == user_groups(doc), "install changed a group that is not Mosaic's");
    FUZZ_CHECK(other_keys(installed, {"hooks", "disabled", "mosaic-managed", "schema"}) ==
                   other_keys(doc, {"hooks", "disabled", "mosaic-managed", "schema"}),
               "install changed a key it does not own");

    // uninstall
    for (const ojson* d : std::initializer_list<const ojson*>{&doc, &installed}) {
        auto remaining = remove_mosaic_groups(*d, home);
        if (!remaining) {
            FUZZ_CHECK(user_groups(*d).empty(), "uninstall removed a file that holds user groups");
            continue;
        }
        check_rereads(*remaining, validate_hooks_config, "hooks-config.json after uninstall");
        FUZZ_CHECK(mosaic_groups(*remaining) == 0, "a Mosaic group survived uninstall");
        FUZZ_CHECK(user_groups(*remaining) == user_groups(doc), "uninstall changed a group that is not Mosaic's");
    }

    // settings.json
    if (settings_ok) {
        check_mirror(settings.value, doc, "hooks-config.json");
        check_mirror(settings.value, installed, "the installed hooks-config.json");
        check_mirror(settings.value, ojson(), "nothing");
    }
    return 0;
}
