// `mosaic gateway status|logs|doctor`: what the gateway is doing.
#include "commands.hpp"

#include <mosaic/doctor.hpp>
#include <mosaic/support/file.hpp>

#include "doctor.hpp"
#include "log_tail.hpp"
#include "status.hpp"

namespace mosaic::gateway {

namespace {

std::string running_text(const GatewayStatus& s) {
    if (!s.running) return "not running";
    if (s.via == "unmanaged") return "running (not started by 'mosaic gateway start': no pid file or unit)";
    return "running" + (s.pid ? " (pid " + std::to_string(*s.pid) + ", " + s.via + ")" : std::string());
}

// "models:  anthropic (key set) at <url>/anthropic -> https://api.anthropic.com" per provider.
std::string providers_text(const Context& ctx, const GatewayStatus& s) {
    std::string out;
    for (const auto& p : s.providers)
        out += "models:  " + p.name + " " +
               (p.key_set ? ctx.paint("(key set)", Tone::ok)
                          : ctx.paint("(no key: 'mosaic gateway config set " + p.name + "-api-key')", Tone::warn)) +
               " at " + p.route + " -> " + p.base_url + "\n";
    return out;
}

std::string status_text(const Context& ctx, const GatewayStatus& s) {
    if (!s.installed)
        return s.state == "partial" ? "gateway: partial install; run 'mosaic gateway uninstall'\n"
               : s.state == "interrupted" ? "gateway: interrupted install; run 'mosaic gateway install' to finish it\n"
                                          : "gateway: " + ctx.paint("not installed", Tone::warn) + "\n";
    std::string admin = !s.admin_exists ? "unknown (gateway not answering)" : *s.admin_exists ? "present" : "none yet";
    std::string token = s.token_stored ? "on file" : "not on file";
    if (!s.token_stored && s.admin_exists == true)
        token += " (get one: 'mosaic gateway login', then 'mosaic gateway config recover-token')";
    return "gateway: " + ctx.paint(running_text(s), s.running ? Tone::ok : Tone::bad) + ", " +
           ctx.paint(s.healthy ? "healthy" : "not healthy", s.healthy ? Tone::ok : Tone::bad) + "\n" +
           "url:     " + s.url + "\n" + "port:    " + std::to_string(s.port) + "\n" + "tier:    " + s.tier + "\n" +
           "admin:   " + admin + "\n" + "token:   " + token + "\n" + providers_text(ctx, s) +
           (s.problem.empty() ? std::string()
                              : "problem: " + s.problem + (s.port_holder ? "; port held by " + *s.port_holder : "") + "\n");
}

}  // namespace

void define_status(CLI::App& app, StatusCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

int run_status(const StatusCommand& o, Deps& d) {
    GatewayStatus s = current_status(d.gw);
    d.ctx.out(o.json ? status_json(s).dump(2) + "\n" : status_text(d.ctx, s));
    return status_exit_code(s);
}

void define_logs(CLI::App& app, LogsCommand& o) {
    app.add_option("-n,--lines", o.lines, "how many lines (default 50)")->check(cli::whole_number(1, 1000000));
    app.add_flag("-f,--follow", o.follow, "keep printing new lines until interrupted");
}

int run_logs(const LogsCommand& o, Deps& d) {
    const fs::path& log = d.paths.log_file;
    // One read for the tail and the offset to follow from: a line written in between is
    // neither lost nor shown twice.
    std::optional<std::string> text = support::read_file(log);
    if (!text && !o.follow) throw Error(exit_refused, "no log yet: '" + log.string() + "' does not exist");
    std::string out;
    for (const auto& l : last_lines(text.value_or(""), static_cast<std::size_t>(o.lines), false)) out += l + "\n";
    d.ctx.out(out);
    if (!o.follow) return 0;
    std::uintmax_t offset = text ? text->size() : 0;
    for (;;) {  // until interrupted (Ctrl-C ends the process); each write reaches the reader at once
        d.gw.sleeper.sleep_for(std::chrono::milliseconds(300));
        std::string more = read_new_bytes(log, offset);
        if (!more.empty()) d.ctx.out(more);
    }
}

void define_doctor(CLI::App& app, DoctorCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

int run_doctor_command(const DoctorCommand& o, Deps& d) {
    nlohmann::json j = doctor_reply(d);
    if (o.json) {
        d.ctx.out(j.dump(2) + "\n");
    } else {
        // The same reader and table as `mosaic doctor`, so both print a check alike.
        std::vector<doctor::Row> rows;
        for (auto& c : doctor::from_json(j)) rows.push_back({"", std::move(c)});
        d.ctx.out(doctor::render(rows, d.ctx.color()));
    }
    return j["ok"].get<bool>() ? 0 : 1;
}

}  // namespace mosaic::gateway
