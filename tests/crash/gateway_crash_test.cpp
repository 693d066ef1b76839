// Headless `mosaic gateway install` (README's Docker/CI variables, a free loopback port, a fake
// systemctl that fails so the daemon is a detached process), SIGKILLed while it writes the
// configuration, starts the daemon and bootstraps the admin. Each iteration starts from no
// install. After the kill, each of .env, mosaic.config.json and meta.json is either missing
// (it did not exist before) or valid; the same install, run again, exits 0 and leaves a
// healthy gateway with an admin; `mosaic gateway stop` then leaves no daemon behind.
//
// Two ways to pick the kill point: a random delay (as for the other commands), and "right
// after file X appears" (inotify on <home>/gateway), which lands in the short windows between
// two writes that a random delay rarely hits.
#include "crash_harness.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>

using mosaic::testing::MosaicTestEnv;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A port the kernel just handed out on 127.0.0.1 (never 14242, the real gateway's).
int free_port() {
    for (;;) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        ::close(fd);
        int port = ntohs(a.sin_port);
        if (port != 14242 && port != 0) return port;
    }
}

const std::vector<std::string> install{"gateway", "install"};

class CrashGatewayInstall : public ::testing::Test {
protected:
    MosaicTestEnv world;
    fs::path dir = world.mosaic_home / "gateway";
    fs::path env_file = dir / ".env", config_file = dir / "mosaic.config.json", meta_file = dir / "meta.json",
             pid_file = dir / "gateway.pid";
    int port = 0;

    CrashGatewayInstall() {
        crash::prepare_world(world);
        world.env["MOSAIC_ASSUME_YES"] = "1";
        world.env["MOSAIC_ADMIN_NAME"] = "Admin";
        world.env["MOSAIC_ADMIN_EMAIL"] = "admin@example.com";
        world.env["MOSAIC_ADMIN_PASSWORD"] = "securepass123";
        world.write_script("systemctl", "#!/bin/sh\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n");
    }
    ~CrashGatewayInstall() override { stop_daemons(); }

    // A fresh start: no daemon, no install, a new port.
    void reset() {
        stop_daemons();
        fs::remove_all(dir);
        port = free_port();
        world.env["MOSAIC_GATEWAY_PORT"] = std::to_string(port);
    }

    // Stops every daemon this test caused: `mosaic gateway stop`, then the pid file, then any
    // process whose command line names our temp root (a daemon whose pid file was never
    // written). Returns how many the last two steps had to kill.
    int stop_daemons() {
        if (fs::exists(env_file) && fs::exists(config_file)) crash::run_to_end(world, {"gateway", "stop"});
        int killed = 0;
        if (auto text = crash::read_if_exists(pid_file)) {
            pid_t pid = static_cast<pid_t>(std::atol(text->c_str()));
            std::string cmdline = pid > 0 ? crash::slurp("/proc/" + std::to_string(pid) + "/cmdline") : "";
            if (pid > 0 && cmdline.find(world.root.string()) != std::string::npos && ::kill(pid, SIGKILL) == 0) ++killed;
        }
        return killed + crash::kill_processes_mentioning(world.root.string());
    }

    // "" when every file present is valid (what a kill may leave).
    std::string check_present_files() const {
        if (auto t = crash::read_if_exists(env_file)) {
            std::string why = crash::check_env_file(*t, {"MOSAIC_GATEWAY_HOST", "MOSAIC_GATEWAY_PORT", "MOSAIC_STORAGE_TIER",
                                                         "MOSAIC_CORS_ORIGIN", "MOSAIC_AUTH_SECRET"});
            if (why.empty() && t->find("MOSAIC_GATEWAY_PORT=" + std::to_string(port) + "\n") == std::string::npos)
                why = "not our port";
            if (!why.empty()) return "'" + env_file.string() + "': " + why + "\n" + *t;
        }
        for (const auto& f : {config_file, meta_file})
            if (auto t = crash::read_if_exists(f)) {
                std::string why = crash::check_json_object(*t);
                if (why.empty() && f == config_file && json::parse(*t).value("port", 0) != port) why = "not our port";
                if (!why.empty()) return "'" + f.string() + "': " + why + "\n" + *t;
            }
        if (auto t = crash::read_if_exists(pid_file)) {
            bool digits = t->size() >= 2 && t->back() == '\n' &&
                          t->find_first_not_of("0123456789") == t->size() - 1;
            if (!digits) return "'" + pid_file.string() + "' is not a pid and a newline: '" + *t + "'";
        }
        return "";
    }

    // After the run that was not killed: a complete install, healthy, with an admin.
    void expect_final_state() {
        for (const auto& f : {env_file, config_file, meta_file}) EXPECT_TRUE(fs::exists(f)) << f;
        EXPECT_EQ(check_present_files(), "");
        auto meta = json::parse(crash::slurp(meta_file), nullptr, false);
        EXPECT_TRUE(meta.is_object() && meta.value("admin_exists", false)) << meta.dump(2);
        auto st = crash::run_to_end(world, {"gateway", "status", "--json"});
        EXPECT_EQ(st.exit_code, 0) << st.output;
        auto j = json::parse(st.output, nullptr, false);
        ASSERT_TRUE(j.is_object()) << st.output;
        EXPECT_EQ(j["healthy"], true) << st.output;
        EXPECT_EQ(j["admin_exists"], true) << st.output;
        EXPECT_EQ(j["port"], port) << st.output;
        EXPECT_EQ(j["via"], "process") << st.output;
    }

    // The same install, not killed; then its final state; then stop, which must leave no
    // daemon behind. Returns false (after recording a failure) when the install failed.
    bool rerun_and_check() {
        auto r = crash::run_to_end(world, install);
        EXPECT_EQ(r.exit_code, 0) << "the install after the kill failed:\n" << r.output;
        if (r.exit_code != 0) return false;
        expect_final_state();
        auto stop = crash::run_to_end(world, {"gateway", "stop"});
        EXPECT_EQ(stop.exit_code, 0) << stop.output;
        EXPECT_EQ(stop_daemons(), 0) << "a gateway daemon outlived 'mosaic gateway stop'";
        return true;
    }
};

// Runs `mosaic args` and SIGKILLs it as soon as `name` appears in `watched` (created or
// renamed into place) for the `occurrence`-th time; a `name` ending in '*' is a prefix.
// Returns whether it was killed that way.
bool run_and_kill_on_file(const MosaicTestEnv& world, const std::vector<std::string>& args, const fs::path& watched,
                          const std::string& name, int occurrence, std::string* output) {
    int in = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (in < 0 || ::inotify_add_watch(in, watched.c_str(), IN_CREATE | IN_MOVED_TO) < 0)
        throw std::runtime_error("inotify on " + watched.string());
    fs::path log = world.root / "killed-run.log";
    pid_t pid = crash::spawn_mosaic(world, args, log);
    bool hit = false;
    int seen = 0;
    alignas(inotify_event) char buf[8192];
    while (!hit) {
        pollfd p{in, POLLIN, 0};
        if (::poll(&p, 1, 50) == 0) {
            if (::waitpid(pid, nullptr, WNOHANG) == pid) break;  // ended without the event
            continue;
        }
        ssize_t n = ::read(in, buf, sizeof buf);
        for (ssize_t off = 0; off < n && !hit;) {
            auto* e = reinterpret_cast<inotify_event*>(buf + off);
            std::string got = e->len > 0 ? e->name : "";
            bool match = name.back() == '*' ? got.rfind(name.substr(0, name.size() - 1), 0) == 0 : got == name;
            if (match && ++seen == occurrence) hit = ::kill(-pid, SIGKILL) == 0;
            off += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
    }
    ::close(in);
    int code = 0;
    if (hit) crash::kill_and_reap(pid, &code);
    *output = crash::slurp(log);
    return hit;
}

}  // namespace

TEST_F(CrashGatewayInstall, KilledAtRandomPointsLeavesValidFilesAndRerunSucceeds) {
    const std::uint64_t seed = crash::seed_for("gateway-install-random");
    SCOPED_TRACE(::testing::Message() << "MOSAIC_CRASH_SEED=" << seed);

    reset();
    auto first = crash::run_to_end(world, install);
    ASSERT_EQ(first.exit_code, 0) << first.output;
    expect_final_state();
    const auto typical = first.elapsed;

    const int n = crash::iterations(40, 4);
    crash::DelayPicker delays(seed, typical);
    int killed = 0;
    std::map<std::string, int> outcomes;
    for (int i = 0; i < n; ++i) {
        auto delay = delays.next();
        SCOPED_TRACE(::testing::Message() << "iteration " << i << ", kill after " << delay.count() << " us");
        reset();
        auto k = crash::run_and_kill(world, install, delay);
        if (k.killed) ++killed;
        else ASSERT_EQ(k.exit_code, 0) << k.output;
        ASSERT_EQ(check_present_files(), "");
        std::string left;
        for (const auto& f : {env_file, config_file, meta_file, pid_file})
            if (fs::exists(f)) left += (left.empty() ? "" : "+") + f.filename().string();
        ++outcomes[left.empty() ? "nothing" : left];
        if (!rerun_and_check() || HasFailure()) return;
    }
    crash::report("gateway install (random delays)", seed, n, killed, delays.max_us(), typical,
                  crash::leftover_temp_files(dir), outcomes);
}

TEST_F(CrashGatewayInstall, KilledRightAfterEachWriteLeavesValidFilesAndRerunSucceeds) {
    SCOPED_TRACE("kill points chosen by inotify; no random seed");
    // The order a fresh install touches <home>/gateway: .env, mosaic.config.json, meta.json,
    // gateway.log (opened for the daemon), the pid file's temporary (the daemon is running,
    // its pid not yet on file), gateway.pid, meta.json (service), meta.json (admin).
    const std::vector<std::pair<std::string, int>> points{
        {".env", 1},           {"mosaic.config.json", 1}, {"meta.json", 1}, {"gateway.log", 1},
        {".gateway.pid.tmp-*", 1}, {"gateway.pid", 1},    {"meta.json", 2}, {"meta.json", 3}};
    int hit = 0;
    for (const auto& [name, occurrence] : points) {
        SCOPED_TRACE(::testing::Message() << "killed right after '" << name << "' appeared (#" << occurrence << ")");
        reset();
        fs::create_directories(dir);
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
        std::string output;
        if (run_and_kill_on_file(world, install, dir, name, occurrence, &output)) ++hit;
        EXPECT_EQ(check_present_files(), "") << output;
        rerun_and_check();  // each kill point starts from scratch: go on after a failure
    }
    std::cout << "[crash] gateway install (after each write): " << hit << " of " << points.size()
              << " kill points reached\n";
}

TEST_F(CrashGatewayInstall, KilledPortChangeRightAfterEnvIsFinishedByTheRerun) {
    SCOPED_TRACE("kill point chosen by inotify; no random seed");
    reset();
    auto first = crash::run_to_end(world, install);
    ASSERT_EQ(first.exit_code, 0) << first.output;
    const std::string old_config = crash::slurp(config_file);

    // Reconfigure to a new port (stops the daemon, rewrites .env then mosaic.config.json),
    // killed the moment the new .env is in place.
    port = free_port();
    const std::vector<std::string> change{"gateway", "install", "--port", std::to_string(port)};
    std::string output;
    ASSERT_TRUE(run_and_kill_on_file(world, change, dir, ".env", 1, &output)) << output;
    EXPECT_EQ(crash::check_env_file(crash::slurp(env_file), {"MOSAIC_GATEWAY_PORT", "MOSAIC_AUTH_SECRET"}), "");
    EXPECT_EQ(crash::old_or_new(config_file, old_config, {}), "") << "expected the old mosaic.config.json";

    auto r = crash::run_to_end(world, change);
    ASSERT_EQ(r.exit_code, 0) << "the install after the kill failed:\n" << r.output;
    expect_final_state();  // includes: mosaic.config.json names the new port
    auto stop = crash::run_to_end(world, {"gateway", "stop"});
    EXPECT_EQ(stop.exit_code, 0) << stop.output;
    EXPECT_EQ(stop_daemons(), 0) << "a gateway daemon outlived 'mosaic gateway stop'";
}
