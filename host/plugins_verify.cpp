// `mosaic plugins verify`: each plugin is loaded for real, in a child process of its own, and
// checked against what its manifest promises. A crash, a hang or an abort while loading is
// contained in the child and reported as that plugin's failure; the other plugins are still
// checked.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include <nlohmann/json.hpp>

#include <mosaic/doctor.hpp>
#include <mosaic/plugin_abi.h>
#include <mosaic/support/json.hpp>

#include "manifest.hpp"

#include "app.hpp"
#include "commands.hpp"
#include "loader.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace {

const char* const verify_help =
    "usage: mosaic plugins verify [NAME...] [--json] [--timeout SECONDS]\n"
    "\n"
    "Loads each plugin found on the search path (or the ones named), each in a child process\n"
    "of its own so a crash is contained, and checks it as the host would use it:\n"
    "  manifest      the manifest is valid, its plugin usable (no collision, no service\n"
    "                outside its namespace)\n"
    "  exports       the library exports mosaic_plugin_query and nothing else\n"
    "  library       it loads; its descriptor has the host's ABI major and no newer minor,\n"
    "                and says what the manifest says (name, version, commands, services)\n"
    "  command tree  (ABI 1.1) describe() gives valid trees, the ones the manifest holds\n"
    "  start         init() succeeds\n"
    "  doctor        a declared '<plugin>.doctor' service answers as docs/services.md says\n"
    "A crash, or no answer within the timeout (default 10 s), is a failure of that plugin.\n"
    "\n"
    "exit status: 0 when every check passed, 1 when any failed, 2 for an unknown NAME.\n"
    "\n"
    "options:\n"
    "  --json               print one JSON document: {\"ok\": bool, \"plugins\": [{\"plugin\",\n"
    "                       \"manifest\", \"library\", \"ok\", \"checks\": [{\"name\", \"ok\", \"detail\"}]}]}\n"
    "  --timeout SECONDS    how long one plugin may take (1 to 600)\n";

using Check = doctor::Check;

// What the child tells the parent: one JSON object per line, {"stage": "..."} before each
// step (so a crash can be placed) and {"check": {...}} after it.
class Report {
public:
    explicit Report(int fd) : fd_(fd) {}
    void stage(const std::string& what) { line({{"stage", what}}); }
    void check(const Check& c) { line({{"check", doctor::to_json({c})["checks"][0]}}); }
    void done() { line({{"done", true}}); }

private:
    void line(const nlohmann::json& j) {
        std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        for (std::size_t at = 0; at < text.size();) {
            ssize_t n = ::write(fd_, text.data() + at, text.size() - at);
            if (n <= 0) return;
            at += static_cast<std::size_t>(n);
        }
    }
    int fd_;
};

void check_exports(const PluginEntry& p, Report& report) {
    report.stage("reading its exported symbols");
    std::vector<std::string> names;
    try {
        names = exported_symbols(p.library_path);
    } catch (const std::exception& e) {
        return report.check({"exports", false, e.what(), ""});
    }
    std::sort(names.begin(), names.end());
    bool has_entry = std::binary_search(names.begin(), names.end(), std::string(MOSAIC_PLUGIN_QUERY_SYMBOL));
    std::erase(names, std::string(MOSAIC_PLUGIN_QUERY_SYMBOL));
    if (!has_entry)
        return report.check({"exports", false, "it does not export " MOSAIC_PLUGIN_QUERY_SYMBOL, "declare it with MOSAIC_PLUGIN()"});
    if (names.empty()) return report.check({"exports", true, MOSAIC_PLUGIN_QUERY_SYMBOL " alone", ""});
    std::string some;
    for (std::size_t i = 0; i < names.size() && i < 5; ++i) some += (i ? ", " : "") + names[i];
    if (names.size() > 5) some += ", ...";
    report.check({"exports", false,
                  std::to_string(names.size()) + " symbol(s) besides " MOSAIC_PLUGIN_QUERY_SYMBOL ": " + some,
                  "link with mosaic_add_plugin(), whose version script exports the entry point alone"});
}

// ABI 1.1: describe() gives a valid tree for each command, and the manifest holds that tree
// (the manifest file itself: discovery's copy leaves trees out).
void check_tree(const PluginEntry& p, const mosaic_plugin_v1& d, Report& report) {
    if (!MOSAIC_ABI_HAS_FIELD(&d, mosaic_plugin_v1, describe) || d.describe == nullptr) return;
    report.stage("describing its commands");
    manifest::Manifest on_file, described;
    try {
        on_file = manifest::load(p.manifest_path);
        described = on_file;
        for (auto& c : described.commands) c.tree.clear();
        manifest::describe_trees(d, described);
    } catch (const std::exception& e) {
        return report.check({"command tree", false, e.what(), ""});
    }
    auto as_json = [](const std::string& tree) { return tree.empty() ? nlohmann::json() : nlohmann::json::parse(tree); };
    for (std::size_t i = 0; i < on_file.commands.size() && i < described.commands.size(); ++i)
        if (as_json(on_file.commands[i].tree) != as_json(described.commands[i].tree))
            return report.check({"command tree", false,
                                 "the manifest's tree of command '" + on_file.commands[i].name + "' is not the one describe() gives",
                                 "write the manifest again: mosaic-plugin-manifest " + p.library_path + " --output " + p.manifest_path});
    report.check({"command tree", true, "describe() gives the trees the manifest holds", ""});
}

void check_doctor(Session& session, const PluginEntry& p, Report& report) {
    const std::string service = doctor::service_name(p.name);
    bool declared = std::any_of(p.manifest->services.begin(), p.manifest->services.end(),
                                [&](const manifest::Service& s) { return s.name == service; });
    if (!declared) return;
    report.stage("serving '" + service + "'");
    std::string reply;
    int rc = session.runtime().call_service_of(p, service, "{}", reply);
    if (rc != 0) return report.check({"doctor", false, "'" + service + "' failed (exit " + std::to_string(rc) + "): " + reply, ""});
    try {
        auto checks = doctor::from_json(support::parse_json_limited(reply));
        report.check({"doctor", true, "'" + service + "' answers " + std::to_string(checks.size()) + " check(s) as the contract says", ""});
    } catch (const std::exception& e) {
        report.check({"doctor", false, "'" + service + "' does not answer as docs/services.md says: " + e.what(), ""});
    }
}

// The child: every check that needs the library.
void check_in_child(Session& session, const PluginEntry& p, Report& report) {
    check_exports(p, report);
    report.stage("loading");
    LoadResult loaded = load_plugin(p.library_path, *p.manifest);
    if (!loaded.descriptor) return report.check({"library", false, loaded.error, ""});
    const mosaic_plugin_v1& d = *loaded.descriptor;
    report.check({"library", true,
                  "loads, ABI " + std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor) +
                      ", agrees with its manifest",
                  ""});
    check_tree(p, d, report);
    report.stage("starting");
    std::string error;
    if (int rc = session.runtime().start(p, error); rc != 0)
        return report.check({"start", false, error.empty() ? "init() returned " + std::to_string(rc) : error, ""});
    report.check({"start", true, "init() succeeded", ""});
    check_doctor(session, p, report);
    report.stage("stopping");
    session.runtime().shutdown_all();
}

struct Outcome {
    const PluginEntry* plugin;
    std::vector<Check> checks;
    bool ok() const {
        return std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok; });
    }
};

// What the manifest alone says; false when the library must not even be tried.
bool check_manifest(const PluginEntry& p, std::vector<Check>& checks) {
    const std::string why = std::string(status_text(p.status)) + (p.detail.empty() ? "" : ": " + p.detail);
    switch (p.status) {
        case PluginStatus::ok: checks.push_back({"manifest", true, "valid, the plugin is usable", ""}); return true;
        case PluginStatus::shadowed:
        case PluginStatus::disabled: checks.push_back({"manifest", true, why + " (not used)", ""}); return true;
        case PluginStatus::command_collision:
        case PluginStatus::foreign_service: checks.push_back({"manifest", false, why, ""}); return true;
        default: checks.push_back({"manifest", false, why, ""}); return false;
    }
}

// Reads the child's report until it closes its end or `deadline` passes. Returns the stage it
// was in last, and whether it said it was done.
std::pair<std::string, bool> read_report(int fd, std::chrono::steady_clock::time_point deadline, std::vector<Check>& checks,
                                         bool& timed_out) {
    std::string buffer, stage = "loading";
    bool done = false;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd pfd{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) == 0) return timed_out = true, std::pair{stage, done};
        char chunk[4096];
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return {stage, done};
        buffer.append(chunk, static_cast<std::size_t>(n));
        for (std::size_t nl; (nl = buffer.find('\n')) != std::string::npos; buffer.erase(0, nl + 1)) {
            auto j = nlohmann::json::parse(buffer.substr(0, nl), nullptr, false);
            if (j.contains("stage")) stage = j["stage"].get<std::string>();
            else if (j.contains("check")) checks.push_back(doctor::from_json({{"checks", {j["check"]}}})[0]);
            else if (j.contains("done")) done = true;
        }
    }
}

std::string signal_name(int sig) {
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
}

void verify_in_child(Session& session, const PluginEntry& p, int timeout_s, std::vector<Check>& checks) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return checks.push_back({"library", false, "cannot make a pipe: " + std::string(std::strerror(errno)), ""});
    pid_t pid = ::fork();
    if (pid < 0) return checks.push_back({"library", false, "cannot fork: " + std::string(std::strerror(errno)), ""});
    if (pid == 0) {
        ::close(fds[0]);
        int null = ::open("/dev/null", O_RDWR);
        for (int fd : {0, 1, 2}) ::dup2(null, fd);  // the plugin's own output and crash line go nowhere
        Report report(fds[1]);
        check_in_child(session, p, report);
        report.done();
        ::_exit(0);
    }
    ::close(fds[1]);
    bool timed_out = false;
    auto [stage, done] = read_report(fds[0], std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s), checks, timed_out);
    ::close(fds[0]);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (timed_out)
        checks.push_back({"time", false, "no answer within " + std::to_string(timeout_s) + " s while " + stage, "see what the plugin does at load and in init()"});
    else if (WIFSIGNALED(status))
        checks.push_back({"crash", false, "crashed with " + signal_name(WTERMSIG(status)) + " while " + stage, ""});
    else if (!done)
        checks.push_back({"crash", false, "the process ended (exit " + std::to_string(WEXITSTATUS(status)) + ") while " + stage, ""});
}

std::string render_outcomes(const std::vector<Outcome>& outcomes, bool ok) {
    std::vector<doctor::Row> rows;
    for (const auto& o : outcomes)
        for (const auto& c : o.checks) rows.push_back({o.plugin->name, c});
    std::string out = rows.empty() ? "no plugin found; run 'mosaic plugins list'\n" : doctor::render(rows, output::color(MOSAIC_STDOUT));
    out += ok ? "\n" + output::paint("every plugin passed", Tone::ok, MOSAIC_STDOUT) + "\n"
              : "\n" + output::paint("some plugins failed", Tone::bad, MOSAIC_STDOUT) + "\n";
    return out;
}

std::string json_outcomes(const std::vector<Outcome>& outcomes, bool ok) {
    nlohmann::json plugins = nlohmann::json::array();
    for (const auto& o : outcomes)
        plugins.push_back({{"plugin", o.plugin->name},
                           {"manifest", o.plugin->manifest_path},
                           {"library", o.plugin->library_path.empty() ? nlohmann::json() : nlohmann::json(o.plugin->library_path)},
                           {"ok", o.ok()},
                           {"checks", doctor::to_json(o.checks)["checks"]}});
    return nlohmann::json{{"ok", ok}, {"plugins", plugins}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

struct VerifyOptions {
    bool json = false;
    int timeout_s = 10;
    std::vector<std::string> names;
};

// Returns the exit status of a usage error, or 0.
int parse_verify(const std::vector<std::string>& args, VerifyOptions& o) {
    for (std::size_t i = 2; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--json") o.json = true;
        else if (a == "--timeout" && i + 1 < args.size()) {
            const std::string& v = args[++i];
            o.timeout_s = v.size() <= 3 && !v.empty() && std::all_of(v.begin(), v.end(), ::isdigit) ? std::stoi(v) : 0;
            if (o.timeout_s < 1 || o.timeout_s > 600)
                return Session::error("invalid value '" + escape_for_message(v) + "' for '--timeout': a whole number of seconds from 1 to 600"), MOSAIC_EXIT_USAGE;
        } else if (!a.empty() && a[0] == '-') {
            return Session::error("unknown option '" + escape_for_message(a) + "' for 'plugins verify'; run 'mosaic plugins verify --help'"), MOSAIC_EXIT_USAGE;
        } else o.names.push_back(a);
    }
    return 0;
}

}  // namespace

int run_plugins_verify(Session& session, const std::vector<std::string>& args) {
    if (std::find_if(args.begin() + 2, args.end(), [](const std::string& a) { return a == "-h" || a == "--help"; }) != args.end())
        return output::out(verify_help), 0;
    VerifyOptions o;
    if (int rc = parse_verify(args, o)) return rc;
    const Discovery& d = session.discovery();
    std::vector<std::string> known;
    for (const auto& p : d.plugins) known.push_back(p.name);
    for (const auto& n : o.names)
        if (std::find(known.begin(), known.end(), n) == known.end()) {
            auto guess = closest_match(n, known);
            Session::error("no plugin named '" + escape_for_message(n) + "' was found" + (guess ? "; did you mean '" + *guess + "'?" : "; run 'mosaic plugins list'"));
            return MOSAIC_EXIT_USAGE;
        }
    std::vector<Outcome> outcomes;
    for (const auto& p : d.plugins) {
        if (!o.names.empty() && std::find(o.names.begin(), o.names.end(), p.name) == o.names.end()) continue;
        Outcome& outcome = outcomes.emplace_back(Outcome{&p, {}});
        if (check_manifest(p, outcome.checks)) verify_in_child(session, p, o.timeout_s, outcome.checks);
    }
    bool ok = std::all_of(outcomes.begin(), outcomes.end(), [](const Outcome& x) { return x.ok(); });
    output::out(o.json ? json_outcomes(outcomes, ok) : render_outcomes(outcomes, ok));
    return ok ? 0 : MOSAIC_EXIT_FAILED;
}

}  // namespace mosaic::host
