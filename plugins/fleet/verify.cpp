#include "verify.hpp"

namespace mosaic::fleet {

bool VerifyReport::ok() const { return problem_count() == 0; }

std::size_t VerifyReport::problem_count() const {
    std::size_t n = fleet_problems.size();
    for (const auto& a : agents) n += a.problems.size();
    return n;
}

namespace {

bool fresh(Readiness r) { return r == Readiness::working || r == Readiness::idle || r == Readiness::stuck; }

std::string socket_words(const PsReport& ps) {
    return ps.socket_name ? "socket '" + *ps.socket_name + "'" : std::string("the default socket");
}

void judge_tmux(const PsRow& row, const PsReport& ps, std::vector<std::string>& problems) {
    if (!row.session_exists) return;  // tmux could not be asked: a fleet problem
    if (!*row.session_exists) {
        problems.push_back("no tmux session '" + row.session + "' on " + socket_words(ps));
        return;
    }
    if (!row.pane) problems.push_back("tmux session '" + row.session + "' has no pane");
    else if (row.pane->dead) problems.push_back("the pane of tmux session '" + row.session + "' is dead");
}

void judge_unit(const PsRow& row, std::vector<std::string>& problems) {
    if (!row.unit) return;  // systemd could not be read: a fleet problem
    if (!row.unit->enabled())
        problems.push_back("unit " + row.unit->unit + " is not enabled (unit file state '" + row.unit->unit_file_state +
                           "'); run 'systemctl --user enable " + row.unit->unit + "'");
}

void judge_heartbeat(const PsRow& row, std::vector<std::string>& problems) {
    if (fresh(row.readiness)) return;
    std::string age = row.heartbeat_age_s ? ", last beat " + format_age(*row.heartbeat_age_s) + " ago" : ", no beat";
    problems.push_back("no fresh heartbeat (readiness " + to_string(row.readiness) + age + ")");
}

}  // namespace

VerifyReport verify_fleet(const PsReport& ps) {
    VerifyReport report;
    if (ps.systemd_error) report.fleet_problems.push_back("cannot read the unit states: " + *ps.systemd_error);
    if (ps.tmux_error) report.fleet_problems.push_back("cannot read tmux: " + *ps.tmux_error);
    for (const auto& row : ps.rows) {
        if (!row.managed) continue;
        AgentVerdict v{row.name, {}};
        judge_tmux(row, ps, v.problems);
        judge_unit(row, v.problems);
        judge_heartbeat(row, v.problems);
        report.agents.push_back(std::move(v));
    }
    return report;
}

nlohmann::json verify_json(const VerifyReport& report, const PsReport& ps) {
    nlohmann::json agents = nlohmann::json::array();
    for (const auto& a : report.agents)
        agents.push_back({{"name", a.name}, {"ok", a.problems.empty()}, {"problems", a.problems}});
    return {{"ok", report.ok()},
            {"roster", ps.roster_path},
            {"socket_name", ps.socket_name ? nlohmann::json(*ps.socket_name) : nlohmann::json()},
            {"problems", report.fleet_problems},
            {"agents", agents}};
}

}  // namespace mosaic::fleet
