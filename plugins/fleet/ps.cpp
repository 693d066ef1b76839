#include "ps.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/table.hpp>
#include <mosaic/support/text.hpp>

#include "yolo.hpp"

namespace mosaic::fleet {

namespace {

std::string failure(const support::ProcessResult& r, const std::string& program) {
    std::string err = support::trim_end(r.err);
    if (!err.empty()) return err;
    return program + " exited with status " + std::to_string(r.exit_code);
}

struct TmuxView {
    std::optional<std::set<std::string>> sessions;  // nullopt: tmux could not be asked
    std::vector<std::string> order;                  // sessions in tmux's order
    std::map<std::string, TmuxPane> first_pane;      // session -> its first listed pane
    std::optional<std::string> error;
};

TmuxView read_tmux(const std::optional<std::string>& socket, support::CommandRunner& runner) {
    TmuxView view;
    support::Command ls;
    ls.argv = tmux_list_sessions_argv(socket);
    auto r = runner.run(ls);
    if (!r.ok()) {
        if (!r.spawn_failed && tmux_no_server(r.err)) view.sessions.emplace();
        else view.error = "tmux list-sessions: " + failure(r, "tmux");
        return view;
    }
    view.order = parse_tmux_sessions(r.out);
    view.sessions.emplace(view.order.begin(), view.order.end());
    if (view.order.empty()) return view;
    support::Command lp;
    lp.argv = tmux_list_panes_argv(socket);
    auto p = runner.run(lp);
    if (!p.ok()) {
        view.error = "tmux list-panes: " + failure(p, "tmux");
        return view;
    }
    for (auto& pane : parse_tmux_panes(p.out)) view.first_pane.emplace(pane.session, pane);  // keeps the first
    return view;
}

void fill_from_tmux(PsRow& row, const TmuxView& tmux, std::chrono::system_clock::time_point now) {
    if (tmux.sessions) row.session_exists = tmux.sessions->count(row.session) > 0;
    if (auto it = tmux.first_pane.find(row.session); it != tmux.first_pane.end()) {
        row.pane = it->second;
        if (row.pane->activity > 0) row.quiet_s = age_seconds(row.pane->activity, now);
    }
}

nlohmann::json optional_string(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); }

}  // namespace

std::vector<std::string> ps_flags(const PsRow& row) {
    std::vector<std::string> flags;
    if (row.managed && row.runtime && row.pane && !row.pane->dead && !row.pane->command.empty()) {
        auto names = runtime_process_names(*row.runtime);
        if (std::find(names.begin(), names.end(), row.pane->command) == names.end()) flags.push_back("DRIFT");
    }
    if (row.unit && row.unit->active_state == "active" && !row.unit->enabled()) flags.push_back("BOOT-ENABLE");
    if (!row.managed) flags.push_back("UNMANAGED");
    if (row.readiness == Readiness::idle) flags.push_back("IDLE");
    if (row.readiness == Readiness::stuck) flags.push_back("STUCK");
    return flags;
}

namespace {

void classify(PsRow& row, const PsDeps& deps, std::chrono::system_clock::time_point now,
              const ReadinessThresholds& thresholds) {
    ReadinessInput in;
    in.heartbeat = row.heartbeat;
    if (row.heartbeat && row.heartbeat->status == heartbeat_alive)
        in.heartbeat_pid_alive = deps.inspector.start_time(row.heartbeat->pid).has_value();
    in.session_exists = row.session_exists;
    in.pane = row.pane;
    row.readiness = classify_readiness(in, now, thresholds);
    row.flags = ps_flags(row);
}

// The agent's heartbeat file, if any; a file that is not a heartbeat is a warning.
void read_beat(PsRow& row, const std::filesystem::path& file, std::chrono::system_clock::time_point now,
               std::vector<std::string>& warnings) {
    try {
        if (auto text = support::read_file(file)) {
            row.heartbeat = parse_heartbeat(*text);
            if (!row.heartbeat) warnings.push_back("ignoring '" + file.string() + "': not a heartbeat record");
        }
    } catch (const Error& e) {
        warnings.push_back(std::string("ignoring '") + file.string() + "': " + e.what());
    }
    if (row.heartbeat) row.heartbeat_age_s = age_seconds(row.heartbeat->ts, now);
}

}  // namespace

PsReport collect_ps(const Roster& roster, const std::string& roster_path, const PsSettings& settings, PsDeps& deps) {
    PsReport report;
    report.roster_path = roster_path;
    report.socket_name = roster.socket_name;
    report.holder_session = roster.holder_session;
    report.host = deps.inspector.host();
    report.run_dir = settings.run_dir;
    report.thresholds = settings.thresholds;
    const auto now = deps.clock.now();

    std::vector<std::string> units;
    for (const auto& a : roster.agents) units.push_back(agent_unit(a.name));
    std::optional<UnitQuery> systemd;
    if (!units.empty()) {
        systemd = query_units(units, deps.runner);
        report.systemd_error = systemd->error;
    }
    TmuxView tmux = read_tmux(roster.socket_name, deps.runner);
    report.tmux_error = tmux.error;

    std::set<std::string> roster_sessions{roster.holder_session};
    for (const auto& a : roster.agents) {
        PsRow row;
        row.name = a.name;
        row.runtime = a.runtime;
        row.agent_class = a.agent_class;
        row.host = report.host;
        row.session = tmux_session_name(a.name);
        roster_sessions.insert(row.session);
        if (systemd && !systemd->error) row.unit = systemd->units.at(agent_unit(a.name));
        fill_from_tmux(row, tmux, now);
        read_beat(row, heartbeat_path(settings.run_dir, a.name), now, report.warnings);
        classify(row, deps, now, settings.thresholds);
        report.rows.push_back(std::move(row));
    }
    for (const auto& session : tmux.order) {
        if (roster_sessions.count(session)) continue;
        PsRow row;
        row.name = session;
        row.managed = false;
        row.source = "tmux";
        row.host = report.host;
        row.session = session;
        fill_from_tmux(row, tmux, now);
        classify(row, deps, now, settings.thresholds);
        report.rows.push_back(std::move(row));
    }
    if (settings.restart_lock) report.restart = restart_in_progress(*settings.restart_lock, deps.clock, deps.inspector);
    return report;
}

nlohmann::json ps_json(const PsReport& r) {
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& row : r.rows) {
        nlohmann::json j = {{"name", row.name},
                            {"runtime", optional_string(row.runtime)},
                            {"class", optional_string(row.agent_class)},
                            {"managed", row.managed},
                            {"source", row.source},
                            {"host", row.host},
                            {"session", row.session},
                            {"session_exists", row.session_exists ? nlohmann::json(*row.session_exists) : nlohmann::json()},
                            {"unit", nullptr},
                            {"pane", nullptr},
                            {"heartbeat", nullptr},
                            {"readiness", to_string(row.readiness)},
                            {"flags", row.flags}};
        if (row.unit)
            j["unit"] = {{"name", row.unit->unit},
                         {"load_state", row.unit->load_state},
                         {"active_state", row.unit->active_state},
                         {"sub_state", row.unit->sub_state},
                         {"unit_file_state", row.unit->unit_file_state},
                         {"enabled", row.unit->enabled()}};
        if (row.pane)
            j["pane"] = {{"pid", row.pane->pid},
                         {"command", row.pane->command},
                         {"dead", row.pane->dead},
                         {"quiet_s", row.quiet_s ? nlohmann::json(*row.quiet_s) : nlohmann::json()}};
        if (row.heartbeat)
            j["heartbeat"] = {{"ts", row.heartbeat->ts},
                              {"pid", row.heartbeat->pid},
                              {"status", row.heartbeat->status},
                              {"age_s", row.heartbeat_age_s.value_or(0)}};
        agents.push_back(std::move(j));
    }
    return {{"roster", r.roster_path},
            {"socket_name", optional_string(r.socket_name)},
            {"host", r.host},
            {"run_dir", r.run_dir.string()},
            {"thresholds",
             {{"heartbeat_interval_s", r.thresholds.interval.count()},
              {"idle_after_s", r.thresholds.idle_after.count()},
              {"stuck_after_s", r.thresholds.stuck_after.count()}}},
            {"systemd_error", optional_string(r.systemd_error)},
            {"tmux_error", optional_string(r.tmux_error)},
            {"warnings", r.warnings},
            {"restart", restart_json(r.restart)},
            {"agents", agents}};
}

std::string format_age(long long s) {
    if (s < 120) return fmt::format("{}s", s);
    if (s < 120 * 60) return fmt::format("{}m", s / 60);
    if (s < 48 * 3600) return fmt::format("{}h", s / 3600);
    return fmt::format("{}d", s / 86400);
}

namespace {

Tone readiness_tone(Readiness r) {
    switch (r) {
        case Readiness::working: return Tone::ok;
        case Readiness::stale:
        case Readiness::idle: return Tone::warn;
        case Readiness::stuck:
        case Readiness::dead: return Tone::bad;
        default: return Tone::plain;
    }
}

support::Row ps_row(const PsRow& row) {
    std::string unit = "-";
    Tone unit_tone = Tone::plain;
    if (row.unit) {
        unit = row.unit->active_state + "/" + row.unit->sub_state + " " +
               (row.unit->enabled() ? "enabled" : row.unit->unit_file_state);
        unit_tone = row.unit->active_state == "active" ? Tone::ok : row.unit->active_state == "failed" ? Tone::bad : Tone::plain;
    }
    std::string pane = "-";
    if (row.pane) {
        pane = std::to_string(row.pane->pid) + " " + (row.pane->command.empty() ? "?" : row.pane->command);
        if (row.pane->dead) pane += " dead";
    } else if (row.session_exists.value_or(false)) {
        pane = "?";
    }
    std::string hb = (row.heartbeat_age_s ? format_age(*row.heartbeat_age_s) : std::string("-")) + " " +
                     to_string(row.readiness);
    std::string flags;
    for (const auto& f : row.flags) flags += (flags.empty() ? "" : ",") + f;
    return {row.name, row.runtime.value_or("-"), row.agent_class.value_or("-"), {unit, unit_tone},
            {pane, row.pane && row.pane->dead ? Tone::bad : Tone::plain}, {hb, readiness_tone(row.readiness)},
            {flags.empty() ? "-" : flags, flags.empty() ? Tone::plain : Tone::warn}};
}

}  // namespace

std::string render_ps_table(const PsReport& r, bool color) {
    std::vector<support::Row> rows{{"NAME", "RUNTIME", "CLASS", "UNIT", "PANE", "HB", "FLAGS"}};
    for (const auto& row : r.rows) rows.push_back(ps_row(row));
    return (r.restart ? describe_restart(*r.restart) + "\n" : std::string()) + support::render_table(rows, color);
}

}  // namespace mosaic::fleet
