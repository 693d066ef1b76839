// The `doctor` built-in: every usable plugin that provides the doctor service
// ("<plugin>.doctor", mosaic/doctor.hpp, docs/services.md) is asked for its checks, and one
// table says what is wrong and what to do about it. A plugin that cannot be used is a failed
// check of its own.
#include <nlohmann/json.hpp>

#include <mosaic/doctor.hpp>
#include <mosaic/plugin_abi.h>

#include "app.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace {

const char* const doctor_help =
    "usage: mosaic doctor [--json]\n"
    "\n"
    "Asks every installed plugin that can check itself (it provides the service\n"
    "'<plugin>.doctor') for its checks, and prints them in one table: PLUGIN CHECK STATUS\n"
    "DETAIL, with what to do under each failure. A plugin that cannot be used is a failure too.\n"
    "exit status: 0 when every check is ok, 1 when any failed.\n"
    "\n"
    "options:\n"
    "  --json   print one JSON document: {\"ok\": bool, \"plugins\": [{\"plugin\", \"ok\", \"checks\": [...]}],\n"
    "           \"without_doctor\": [...]}\n";

struct PluginChecks {
    std::string plugin;
    std::vector<doctor::Check> checks;
};

std::vector<doctor::Check> ask(Session& session, const PluginEntry& p) {
    const std::string service = doctor::service_name(p.name);
    std::string reply;
    int rc = session.runtime().call_service(service, "{}", reply);
    if (rc != 0) return {{"doctor", false, reply, "run 'mosaic plugins list'"}};
    try {
        return doctor::from_json(nlohmann::json::parse(reply));
    } catch (const std::exception& e) {
        return {{"doctor", false, "'" + service + "' answered something else than checks: " + e.what(), ""}};
    }
}

bool provides_doctor(const PluginEntry& p) {
    for (const auto& s : p.manifest->services)
        if (s.name == doctor::service_name(p.name)) return true;
    return false;
}

}  // namespace

int run_doctor(Session& session, const std::vector<std::string>& args) {
    bool json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--json") json = true;
        else if (args[i] == "-h" || args[i] == "--help") return output::out(doctor_help), 0;
        else {
            Session::error("unknown argument '" + escape_for_message(args[i]) + "' for 'doctor'; run 'mosaic doctor --help'");
            return MOSAIC_EXIT_USAGE;
        }
    }
    std::vector<PluginChecks> results;
    std::vector<std::string> without;
    for (const auto& p : session.discovery().plugins) {
        if (p.status == PluginStatus::shadowed || p.status == PluginStatus::disabled) continue;
        if (p.status != PluginStatus::ok) {
            results.push_back({p.name, {{"plugin", false, std::string(status_text(p.status)) + ": " + p.detail,
                                         "run 'mosaic plugins list'"}}});
        } else if (provides_doctor(p)) {
            results.push_back({p.name, ask(session, p)});
        } else {
            without.push_back(p.name);
        }
    }
    bool ok = true;
    std::vector<doctor::Row> rows;
    nlohmann::json plugins = nlohmann::json::array();
    for (auto& r : results) {
        bool plugin_ok = true;
        for (const auto& c : r.checks) plugin_ok = plugin_ok && c.ok;
        ok = ok && plugin_ok;
        nlohmann::json j = doctor::to_json(r.checks);
        plugins.push_back({{"plugin", r.plugin}, {"ok", plugin_ok}, {"checks", j["checks"]}});
        for (auto& c : r.checks) rows.push_back({r.plugin, std::move(c)});
    }
    if (json) {
        nlohmann::json doc{{"ok", ok}, {"plugins", plugins}, {"without_doctor", without}};
        output::out(doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    } else {
        output::out(rows.empty() ? "no installed plugin can check itself\n" : doctor::render(rows, output::color(MOSAIC_STDOUT)));
        std::string names;
        for (const auto& n : without) names += (names.empty() ? "" : ", ") + n;
        if (!names.empty()) output::out("\nno checks from: " + names + "\n");
        output::out(ok ? "\n" + output::paint("everything is ok", Tone::ok, MOSAIC_STDOUT) + "\n"
                       : "\n" + output::paint("some checks failed", Tone::bad, MOSAIC_STDOUT) + "; see 'fix:' above\n");
    }
    return ok ? 0 : MOSAIC_EXIT_FAILED;
}

}  // namespace mosaic::host
