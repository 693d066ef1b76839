#include "fleet_doctor.hpp"

#include <set>

#include <mosaic/error.hpp>
#include <mosaic/support/text.hpp>

#include "roster.hpp"
#include "systemctl.hpp"
#include "yolo.hpp"

namespace mosaic::fleet {

namespace {

doctor::Check systemd_check(support::CommandRunner& runner) {
    support::Command cmd;
    cmd.argv = {"systemctl", "--user", "show-environment"};
    auto r = runner.run(cmd);
    if (r.ok()) return {"systemd", true, "the user's systemd answers", ""};
    if (r.spawn_failed) return {"systemd", false, "'systemctl' is not on PATH", "install systemd (the fleet runs under it)"};
    std::string err = support::trim_end(r.err);
    if (user_systemd_unreachable(err)) return {"systemd", false, err, user_systemd_hint()};
    return {"systemd", false, err.empty() ? "systemctl exited with status " + std::to_string(r.exit_code) : err, ""};
}

doctor::Check units_check(const std::filesystem::path& unit_dir) {
    std::string missing;
    for (const char* unit : {holder_unit, agent_unit_template})
        if (!std::filesystem::exists(unit_dir / unit)) missing += (missing.empty() ? "'" : ", '") + (unit_dir / unit).string() + "'";
    if (!missing.empty()) return {"units", false, "missing " + missing, "run 'mosaic fleet install-systemd'"};
    return {"units", true, "installed in '" + unit_dir.string() + "'", ""};
}

// Each runtime `mosaic yolo` would start for the roster's agents.
doctor::Check runtimes_check(const Roster& roster, const std::string& path_env) {
    std::set<std::string> runtimes;
    for (const auto& a : roster.agents) runtimes.insert(a.runtime);
    std::string found, missing;
    for (const auto& rt : runtimes) {
        std::string program = rt;
        try {
            program = yolo_argv(rt, std::nullopt, {}).front();
        } catch (const Error&) {
        }
        bool on_path = support::find_program(program, path_env).has_value();
        (on_path ? found : missing) += ((on_path ? found : missing).empty() ? "'" : ", '") + program + "'";
    }
    if (!missing.empty())
        return {"runtimes", false, "not on PATH: " + missing,
                "install them, or set MOSAIC_AGENT_COMMAND in the agents' env files"};
    return {"runtimes", true, runtimes.empty() ? "no agents yet" : "on PATH: " + found, ""};
}

}  // namespace

std::vector<doctor::Check> check_fleet(const DoctorInputs& in, support::CommandRunner& runner) {
    std::vector<doctor::Check> checks;
    std::optional<Roster> roster;
    try {
        roster = load_roster(in.roster_path);
        std::size_t n = roster->agents.size();
        checks.push_back({"roster", true, std::to_string(n) + (n == 1 ? " agent in '" : " agents in '") + in.roster_path.string() + "'", ""});
    } catch (const Error& e) {
        checks.push_back({"roster", false, e.what(),
                          e.code() == exit_refused ? "run 'mosaic fleet init --write'" : "fix '" + in.roster_path.string() + "'"});
    }
    auto tmux = support::find_program("tmux", in.path_env);
    checks.push_back(tmux ? doctor::Check{"tmux", true, *tmux, ""}
                          : doctor::Check{"tmux", false, "'tmux' is not on PATH", "install tmux (apt install tmux)"});
    checks.push_back(systemd_check(runner));
    checks.push_back(units_check(in.unit_dir));
    if (roster) checks.push_back(runtimes_check(*roster, in.path_env));
    return checks;
}

}  // namespace mosaic::fleet
