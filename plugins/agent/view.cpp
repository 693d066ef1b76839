#include "view.hpp"

#include <mosaic/support/table.hpp>

namespace mosaic::agent {

namespace {

nlohmann::json optional_json(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); }

const nlohmann::json* ps_row(const nlohmann::json& ps, const std::string& name) {
    if (!ps.contains("agents") || !ps["agents"].is_array()) return nullptr;
    for (const auto& row : ps["agents"])
        if (row.is_object() && row.value("managed", true) && row.value("name", "") == name) return &row;
    return nullptr;
}

nlohmann::json join_agent(const AgentInfo& a, const nlohmann::json* row) {
    nlohmann::json j = {{"name", a.name},
                        {"runtime", a.runtime},
                        {"class", a.agent_class},
                        {"model_hint", optional_json(a.model_hint)},
                        {"session", a.session},
                        {"unit", a.unit},
                        {"reset_command", optional_json(a.reset_command)},
                        {"session_exists", nullptr},
                        {"unit_state", nullptr},
                        {"pane", nullptr},
                        {"heartbeat", nullptr},
                        {"readiness", "unknown"},
                        {"flags", nlohmann::json::array()}};
    if (!row) return j;
    j["session_exists"] = row->value("session_exists", nlohmann::json());
    j["unit_state"] = row->value("unit", nlohmann::json());
    j["pane"] = row->value("pane", nlohmann::json());
    j["heartbeat"] = row->value("heartbeat", nlohmann::json());
    j["readiness"] = row->value("readiness", std::string("unknown"));
    j["flags"] = row->value("flags", nlohmann::json::array());
    return j;
}

std::string text_of(const nlohmann::json& j, const char* key, const std::string& absent = "-") {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : absent;
}

std::string session_cell(const nlohmann::json& a) {
    const auto& e = a["session_exists"];
    return a["session"].get<std::string>() + (e.is_boolean() ? (e.get<bool>() ? " up" : " down") : " ?");
}

support::Cell unit_cell(const nlohmann::json& a) {
    const auto& u = a["unit_state"];
    if (!u.is_object()) return {"-"};
    std::string state = text_of(u, "active_state", "?") + "/" + text_of(u, "sub_state", "?");
    bool enabled = u.value("enabled", false);
    return {state + (enabled ? " enabled" : " not-enabled"), state.rfind("active/", 0) == 0 && enabled ? Tone::ok : Tone::warn};
}

std::string pane_cell(const nlohmann::json& a) {
    const auto& p = a["pane"];
    if (!p.is_object()) return "-";
    if (p.value("dead", false)) return "dead";
    return std::to_string(p.value("pid", 0L)) + " " + text_of(p, "command", "?");
}

std::string heartbeat_cell(const nlohmann::json& a) {
    const auto& h = a["heartbeat"];
    if (!h.is_object()) return "-";
    return std::to_string(h.value("age_s", 0LL)) + "s " + text_of(h, "status", "?");
}

support::Cell readiness_cell(const nlohmann::json& a) {
    std::string r = text_of(a, "readiness", "unknown");
    Tone tone = r == "working" ? Tone::ok : (r == "dead" || r == "stuck") ? Tone::bad : Tone::warn;
    return {r, tone};
}

std::string flags_cell(const nlohmann::json& a) {
    std::string out;
    for (const auto& f : a["flags"])
        if (f.is_string()) out += (out.empty() ? "" : ",") + f.get<std::string>();
    return out.empty() ? "-" : out;
}

}  // namespace

nlohmann::json joined_view(const FleetRoster& roster, const nlohmann::json& ps, const std::optional<std::string>& only) {
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& a : roster.agents)
        if (!only || a.name == *only) agents.push_back(join_agent(a, ps_row(ps, a.name)));
    return {{"roster", roster.roster_path},
            {"host", roster.host},
            {"socket_name", optional_json(roster.socket_name)},
            {"systemd_error", ps.value("systemd_error", nlohmann::json())},
            {"tmux_error", ps.value("tmux_error", nlohmann::json())},
            {"agents", agents}};
}

std::string render_roster_table(const nlohmann::json& view, bool color) {
    std::vector<support::Row> rows{{"NAME", "RUNTIME", "CLASS", "MODEL", "SESSION", "RESET"}};
    for (const auto& a : view["agents"])
        rows.push_back({text_of(a, "name"), text_of(a, "runtime"), text_of(a, "class"), text_of(a, "model_hint"),
                        session_cell(a), text_of(a, "reset_command", "restart")});
    return support::render_table(rows, color);
}

std::string render_status_table(const nlohmann::json& view, bool color) {
    std::vector<support::Row> rows{{"NAME", "SESSION", "UNIT", "PANE", "HB", "READINESS", "FLAGS"}};
    for (const auto& a : view["agents"])
        rows.push_back({text_of(a, "name"), session_cell(a), unit_cell(a), pane_cell(a), heartbeat_cell(a),
                        readiness_cell(a), flags_cell(a)});
    return support::render_table(rows, color);
}

}  // namespace mosaic::agent
