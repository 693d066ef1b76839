// `mosaic fleet install-systemd`, SIGKILLed at random points. The roster alternates between
// two versions (different tmux socket, models, working directories) so that every file the
// command owns - the two unit files and one .env per agent - has a known old and a known new
// version; every fifth iteration starts with the generated files removed (old = missing). A
// user line added to an agent's .env must survive every kill and every re-run.
#include "crash_harness.hpp"

using mosaic::testing::MosaicTestEnv;
namespace fs = std::filesystem;

namespace {

class CrashFleetInstallSystemd : public ::testing::Test {
protected:
    MosaicTestEnv world;
    fs::path unit_dir = world.home / ".config/systemd/user";
    fs::path agents_dir = world.mosaic_home / "fleet/agents";
    std::vector<std::string> agents{"planner", "coder-1", "coder.2", "reviewer"};
    // The private tmux socket the roster names (install-systemd never starts tmux itself).
    std::string socket = "mosaic-crash-" + world.root.filename().string();

    CrashFleetInstallSystemd() {
        crash::prepare_world(world);
        world.write_script("systemctl", "#!/bin/sh\nexit 0\n");
    }

    void write_roster(int version) {
        std::string wd = (world.root / (version == 0 ? "src-a" : "src-b")).string();
        std::string roster = "version: 1\ntransport: tmux\ntmux: { socket_name: " + socket + "-" +
                             std::to_string(version) + ", holder_session: _holder }\n" +
                             "defaults: { working_directory: " + wd + " }\nagents:\n";
        roster += "  - { name: planner, runtime: claude, class: orchestrator, model_hint: " +
                  std::string(version == 0 ? "opus" : "sonnet") + " }\n";
        roster += "  - { name: coder-1, runtime: codex }\n";
        roster += "  - { name: coder.2, runtime: opencode, model_hint: m" + std::to_string(version) + " }\n";
        roster += "  - { name: reviewer, runtime: pi, working_directory: " + wd + "/review }\n";
        crash::spit(world.mosaic_home / "fleet/roster.yaml", roster);
    }

    std::vector<fs::path> owned() const {
        std::vector<fs::path> files{unit_dir / "mosaic-tmux-holder.service", unit_dir / "mosaic-agent@.service"};
        for (const auto& a : agents) files.push_back(agents_dir / (a + ".env"));
        return files;
    }

    std::vector<std::optional<std::string>> snapshot() const {
        std::vector<std::optional<std::string>> out;
        for (const auto& f : owned()) out.push_back(crash::read_if_exists(f));
        return out;
    }

    // Removes every generated file but the .env the user edited.
    void remove_generated() {
        for (const auto& f : owned())
            if (f.filename() != "planner.env") fs::remove(f);
    }
};

const std::string user_line = "MY_SECRET_SAUCE='kept by every re-install'";

}  // namespace

TEST_F(CrashFleetInstallSystemd, KilledInstallLeavesOldOrNewFilesAndRerunSucceeds) {
    const std::uint64_t seed = crash::seed_for("fleet-install-systemd");
    SCOPED_TRACE(::testing::Message() << "MOSAIC_CRASH_SEED=" << seed);
    const std::vector<std::string> install{"fleet", "install-systemd"};

    // The user's own line, before Mosaic ever wrote the file.
    crash::spit(agents_dir / "planner.env", "# my additions\n" + user_line + "\n");

    // The two versions of every file, and the unkilled run time.
    std::vector<std::vector<std::optional<std::string>>> version(2);
    std::vector<crash::SteadyClock::duration> times;
    for (int i = 0; i < 4; ++i) {
        write_roster(i % 2);
        auto r = crash::run_to_end(world, install);
        ASSERT_EQ(r.exit_code, 0) << r.output;
        times.push_back(r.elapsed);
        if (i < 2) version[i % 2] = snapshot();
        else ASSERT_EQ(snapshot(), version[i % 2]) << "an unkilled install-systemd is not deterministic";
    }
    for (int v = 0; v < 2; ++v) {
        for (std::size_t f = 0; f < owned().size(); ++f) {
            ASSERT_TRUE(version[v][f]) << owned()[f];
            if (owned()[f].extension() == ".env") {
                EXPECT_EQ(crash::check_env_file(*version[v][f], {"MOSAIC_AGENT_NAME", "MOSAIC_AGENT_SESSION"}), "")
                    << *version[v][f];
            }
        }
        EXPECT_NE(version[v][2]->find(user_line + "\n"), std::string::npos) << *version[v][2];
        EXPECT_NE(version[v][0]->find(socket + "-" + std::to_string(v)), std::string::npos) << *version[v][0];
    }
    EXPECT_NE(version[0], version[1]);

    const int n = crash::iterations(300);
    crash::DelayPicker delays(seed, crash::median(times));
    int killed = 0;
    std::map<std::string, int> outcomes;
    for (int i = 0; i < n; ++i) {
        auto delay = delays.next();
        SCOPED_TRACE(::testing::Message() << "iteration " << i << ", kill after " << delay.count() << " us");
        write_roster(i % 2);
        if (i % 5 == 4) remove_generated();
        const auto before = snapshot();
        auto k = crash::run_and_kill(world, install, delay);
        if (k.killed) ++killed;
        else ASSERT_EQ(k.exit_code, 0) << k.output;
        for (std::size_t f = 0; f < owned().size(); ++f)
            ASSERT_EQ(crash::old_or_new(owned()[f], before[f], {*version[i % 2][f]}), "");
        auto after = snapshot();
        std::size_t changed = 0;
        for (std::size_t f = 0; f < after.size(); ++f) changed += after[f] != before[f];
        ++outcomes[changed == 0 ? "all old" : changed == after.size() ? "all new" : "some new, some old"];

        auto r = crash::run_to_end(world, install);
        ASSERT_EQ(r.exit_code, 0) << "the run after the kill failed:\n" << r.output;
        ASSERT_EQ(snapshot(), version[i % 2]);
    }
    crash::report("fleet install-systemd", seed, n, killed, delays.max_us(), crash::median(times),
                  crash::leftover_temp_files(unit_dir) + crash::leftover_temp_files(agents_dir), outcomes);
}
