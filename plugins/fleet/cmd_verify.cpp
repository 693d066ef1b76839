// `mosaic fleet verify`: every roster agent has its session, a live pane, an enabled unit and
// a fresh heartbeat, or exit 1 with the list of what is wrong.
#include "commands.hpp"

#include "verify.hpp"

namespace mosaic::fleet {

void define_verify(CLI::App& app, VerifyCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

int run_verify(const VerifyCommand& o, Deps& d) {
    PsReport ps = ps_report(d);
    VerifyReport report = verify_fleet(ps);
    if (o.json) {
        d.ctx.out(verify_json(report, ps).dump(2) + "\n");
    } else {
        for (const auto& p : report.fleet_problems) d.ctx.out("fleet: " + p + "\n");
        for (const auto& a : report.agents) {
            if (a.problems.empty()) d.ctx.out(a.name + ": " + d.ctx.paint("ok", Tone::ok) + "\n");
            for (const auto& p : a.problems) d.ctx.out(a.name + ": " + d.ctx.paint(p, Tone::bad) + "\n");
        }
    }
    if (report.ok()) return 0;
    std::size_t bad = 0;
    for (const auto& a : report.agents) bad += a.problems.empty() ? 0 : 1;
    throw Error(exit_failed, "fleet verify found " + std::to_string(report.problem_count()) + " problem" +
                                 (report.problem_count() == 1 ? "" : "s") + " (" + std::to_string(bad) + " of " +
                                 std::to_string(report.agents.size()) + " agents)");
}

}  // namespace mosaic::fleet
