#include "heartbeat.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/json.hpp>

namespace mosaic::fleet {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string render_heartbeat(const Heartbeat& beat) {
    nlohmann::json j = {{"ts", beat.ts}, {"pid", beat.pid}, {"status", beat.status}};
    if (beat.interval_s > 0) j["interval_s"] = beat.interval_s;
    return j.dump() + "\n";
}

std::optional<Heartbeat> parse_heartbeat(const std::string& text) {
    auto doc = support::try_parse_json(text, {8, true});
    if (!doc || !doc->is_object()) return std::nullopt;
    const nlohmann::json& j = *doc;
    auto ts = j.find("ts"), pid = j.find("pid"), status = j.find("status");
    if (ts == j.end() || pid == j.end() || status == j.end()) return std::nullopt;
    if (!ts->is_number_integer() || !pid->is_number_integer() || !status->is_string()) return std::nullopt;
    Heartbeat beat{ts->get<long long>(), pid->get<long>(), status->get<std::string>()};
    if (beat.ts < 0 || beat.pid <= 0 || beat.status.empty()) return std::nullopt;
    if (auto interval = j.find("interval_s"); interval != j.end()) {
        if (!interval->is_number_integer() || interval->get<long long>() <= 0) return std::nullopt;
        beat.interval_s = interval->get<long long>();
    }
    return beat;
}

fs::path heartbeat_run_dir(const fs::path& mosaic_home, const std::optional<std::string>& run_dir_env) {
    if (run_dir_env && !run_dir_env->empty()) {
        fs::path dir(*run_dir_env);
        if (!dir.is_absolute())
            throw Error(exit_usage, "MOSAIC_HEARTBEAT_RUN_DIR must be an absolute path, got '" + *run_dir_env + "'");
        return dir.lexically_normal();
    }
    return mosaic_home / "fleet/run";
}

fs::path heartbeat_path(const fs::path& run_dir, const std::string& agent) { return run_dir / (agent + ".hb"); }

seconds heartbeat_interval(const std::optional<std::string>& interval_env) {
    if (!interval_env || interval_env->empty()) return seconds(default_heartbeat_interval_s);
    const std::string& v = *interval_env;
    if (v.size() <= 6 && v.find_first_not_of("0123456789") == std::string::npos) {
        long n = std::stol(v);
        if (n >= 1 && n <= 86400) return seconds(n);
    }
    throw Error(exit_usage, "MOSAIC_HEARTBEAT_INTERVAL must be a whole number of seconds from 1 to 86400, got '" + v + "'");
}

namespace {

long long unix_seconds(const support::Clock& clock) {
    return std::chrono::duration_cast<seconds>(clock.now().time_since_epoch()).count();
}

// The pid a readable heartbeat file names, if any.
std::optional<long> file_pid(const fs::path& file) {
    std::optional<std::string> text;
    try {
        text = support::read_file(file);
    } catch (const Error&) {
        return std::nullopt;
    }
    if (!text) return std::nullopt;
    auto beat = parse_heartbeat(*text);
    if (!beat) return std::nullopt;
    return beat->pid;
}

}  // namespace

HeartbeatEnd run_heartbeat(const HeartbeatOptions& o, const support::Clock& clock, support::Sleeper& sleeper,
                           const ProcessInspector& inspector) {
    if (!valid_agent_name(o.agent))
        throw Error(exit_usage, invalid_agent_name_message(o.agent));
    if (o.pid <= 0) throw Error(exit_usage, "--pid must be a positive process id, got " + std::to_string(o.pid));
    if (o.interval < seconds(1)) throw Error(exit_usage, "the heartbeat interval must be at least 1 second");

    const fs::path dir = o.file.parent_path();
    auto write = [&](const char* status) {
        support::write_file_atomic(o.file, render_heartbeat({unix_seconds(clock), o.pid, status, o.interval.count()}), {.mode = 0644});
    };
    auto superseded = [&] {
        auto pid = file_pid(o.file);
        return pid && *pid != o.pid;
    };
    auto dir_gone = [&] {
        std::error_code ec;
        return !fs::is_directory(dir, ec);
    };

    support::make_dirs(dir);
    const auto started = inspector.start_time(o.pid);
    auto alive = [&] {
        auto t = inspector.start_time(o.pid);
        return t && t == started;
    };
    auto finish = [&]() -> HeartbeatEnd {
        if (dir_gone()) return HeartbeatEnd::run_dir_removed;
        if (superseded()) return HeartbeatEnd::superseded;
        write(heartbeat_exited);
        return HeartbeatEnd::process_exited;
    };
    if (!started) return finish();

    const milliseconds poll = std::min<milliseconds>(o.interval, seconds(1));
    while (true) {
        if (dir_gone()) return HeartbeatEnd::run_dir_removed;
        if (superseded()) return HeartbeatEnd::superseded;
        write(heartbeat_alive);
        const auto next = clock.now() + o.interval;
        while (clock.now() < next) {
            if (!alive()) return finish();
            auto left = std::chrono::duration_cast<milliseconds>(next - clock.now());
            sleeper.sleep_for(std::max(milliseconds(1), std::min(poll, left)));
        }
        if (!alive()) return finish();
    }
}

std::vector<std::string> heartbeat_sidecar_argv(const std::string& mosaic_exe, const std::string& mosaic_home,
                                                const std::string& agent, long pid) {
    return {mosaic_exe, "--mosaic-home", mosaic_home, "fleet", "heartbeat", agent, "--pid", std::to_string(pid)};
}

}  // namespace mosaic::fleet
