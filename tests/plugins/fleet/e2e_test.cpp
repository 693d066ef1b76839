// End to end: the built `mosaic` with the fleet plugin, a fake systemctl first on PATH and
// real tmux on a private socket.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "fleet_test_support.hpp"
#include "test_env.hpp"

using fleet_test::lines_of;
using fleet_test::read_text;
using fleet_test::write_text;
using mosaic::testing::MosaicTestEnv;
using ::testing::HasSubstr;

namespace {

// Skips while build/bin/mosaic is still the placeholder host that prints nothing.
bool host_is_stub(const MosaicTestEnv& env) {
    auto r = env.mosaic({"--help"});
    return r.out.empty() && r.err.empty();
}

#define SKIP_IF_STUB_HOST(env) \
    if (host_is_stub(env)) GTEST_SKIP() << "the mosaic host is still the placeholder; rerun once host/ is built"

struct FleetE2E : ::testing::Test {
    MosaicTestEnv env;
    fleet_test::PrivateTmux tmux;
    std::filesystem::path calls = env.root / "systemctl.log";

    FleetE2E() {
        env.use_built_plugins();
        write_text(env.mosaic_home / "fleet/roster.yaml",
                   "version: 1\ntmux: { socket_name: " + tmux.name() +
                       ", holder_session: _holder }\nagents:\n  - { name: a, runtime: claude, working_directory: " +
                       env.root.string() + " }\n  - { name: b, runtime: codex, working_directory: " + env.root.string() +
                       " }\n");
        // What the units would do, done by a fake systemctl: the holder restart recreates the
        // tmux server, an agent restart runs `mosaic fleet launch`. Each call logs
        // "<ns> <caller pid> <argv>"; restarts take a little time so overlaps would show.
        env.write_script("systemctl", "#!/bin/sh\n"
                                      "log='" + calls.string() + "'\n"
                                      "echo \"$(date +%s%N) $PPID begin $*\" >> \"$log\"\n"
                                      "case \"$2 $3\" in\n"
                                      "  'restart mosaic-tmux-holder.service')\n"
                                      "    tmux -L '" + tmux.name() + "' kill-server 2>/dev/null\n"
                                      // systemd waits for the old server's cgroup to empty before
                                      // starting again; the fake retries while the server dies.
                                      "    n=0; until tmux -L '" + tmux.name() + "' new-session -d -s _holder 'sleep 600'; do\n"
                                      "      n=$((n+1)); [ $n -lt 100 ] || exit 1; sleep 0.02; done;;\n"
                                      "  restart\\ mosaic-agent@*)\n"
                                      "    agent=${3#mosaic-agent@}; agent=${agent%.service}\n"
                                      "    tmux -L '" + tmux.name() + "' kill-session -t \"=$agent\" 2>/dev/null\n"
                                      "    MOSAIC_AGENT_COMMAND='sleep 600' '" + mosaic::test_paths::mosaic_exe +
                                      "' fleet launch \"$agent\" >/dev/null || exit 1;;\n"
                                      "  show\\ *) printf 'Id=mosaic-tmux-holder.service\\nActiveState=active\\nSubState=exited\\n';;\n"
                                      "esac\n"
                                      "sleep 0.05\n"
                                      "echo \"$(date +%s%N) $PPID end $*\" >> \"$log\"\n");
    }
};

}  // namespace

TEST_F(FleetE2E, FiveConcurrentRestartsRunFiveNonInterleavedSequences) {
    SKIP_IF_STUB_HOST(env);
    if (!fleet_test::have_program("tmux")) GTEST_SKIP() << "tmux is not installed";
    std::vector<mosaic::support::ProcessResult> results(5);
    std::vector<std::thread> threads;
    for (int i = 0; i < 5; ++i) threads.emplace_back([&, i] { results[i] = env.mosaic({"fleet", "restart"}); });
    for (auto& t : threads) t.join();
    for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

    // Group by caller: each mosaic's six lines are contiguous and in order.
    auto lines = lines_of(read_text(calls));
    ASSERT_EQ(lines.size(), 30u) << read_text(calls);
    const std::vector<std::string> sequence{
        "begin --user restart mosaic-tmux-holder.service", "end --user restart mosaic-tmux-holder.service",
        "begin --user restart mosaic-agent@a.service",     "end --user restart mosaic-agent@a.service",
        "begin --user restart mosaic-agent@b.service",     "end --user restart mosaic-agent@b.service"};
    std::set<std::string> callers;
    for (std::size_t block = 0; block < 5; ++block) {
        std::string caller;
        for (std::size_t i = 0; i < sequence.size(); ++i) {
            const std::string& line = lines[block * 6 + i];
            auto first = line.find(' '), second = line.find(' ', first + 1);
            std::string pid = line.substr(first + 1, second - first - 1);
            if (i == 0) caller = pid;
            EXPECT_EQ(pid, caller) << "sequences interleave at line " << block * 6 + i << "\n" << read_text(calls);
            EXPECT_EQ(line.substr(second + 1), sequence[i]) << read_text(calls);
        }
        callers.insert(caller);
    }
    EXPECT_EQ(callers.size(), 5u);
    EXPECT_FALSE(std::filesystem::exists(env.mosaic_home / "fleet/run/restart.lock"));
    // The last sequence left the real fleet up.
    auto sessions = tmux.run({"list-sessions", "-F", "#{session_name}"});
    EXPECT_THAT(sessions.out, HasSubstr("_holder\n"));
    EXPECT_THAT(sessions.out, HasSubstr("a\n"));
    EXPECT_THAT(sessions.out, HasSubstr("b\n"));
}

TEST_F(FleetE2E, StatusJsonJoinsUnitsAndRealTmuxSessions) {
    SKIP_IF_STUB_HOST(env);
    if (!fleet_test::have_program("tmux")) GTEST_SKIP() << "tmux is not installed";
    ASSERT_TRUE(tmux.run({"new-session", "-d", "-s", "a", "sleep 600"}).ok());
    auto r = env.mosaic({"fleet", "status", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = nlohmann::json::parse(r.out);
    EXPECT_EQ(doc["holder"]["active_state"], "active");
    EXPECT_EQ(doc["agents"][0]["session"], true);
    EXPECT_EQ(doc["agents"][1]["session"], false);
    EXPECT_EQ(doc["agents"][1]["active_state"], "unknown");
}

TEST_F(FleetE2E, LaunchCreatesTheSessionOnceAndExits64WithoutAName) {
    SKIP_IF_STUB_HOST(env);
    if (!fleet_test::have_program("tmux")) GTEST_SKIP() << "tmux is not installed";
    env.env["MOSAIC_AGENT_COMMAND"] = "sleep 600";
    auto r = env.mosaic({"fleet", "launch", "a"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(tmux.run({"has-session", "-t", "=a"}).ok());
    r = env.mosaic({"fleet", "launch", "a"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("already exists"));
    r = env.mosaic({"fleet", "launch"});
    EXPECT_EQ(r.exit_code, 64);
}

TEST_F(FleetE2E, InstallSystemdNamesThisBinaryAndTheResolvedHome) {
    SKIP_IF_STUB_HOST(env);
    auto r = env.mosaic({"fleet", "install-systemd"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string unit = read_text(env.home / ".config/systemd/user/mosaic-agent@.service");
    EXPECT_THAT(unit, HasSubstr("ExecStart=" + std::filesystem::canonical(mosaic::test_paths::mosaic_exe).string() +
                                " --mosaic-home " + env.mosaic_home.string() + " fleet launch %i"));
    EXPECT_THAT(read_text(env.mosaic_home / "fleet/agents/a.env"), HasSubstr("MOSAIC_AGENT_NAME=a\n"));
}

TEST_F(FleetE2E, YoloExecsTheRuntimeWithItsFlags) {
    SKIP_IF_STUB_HOST(env);
    env.write_script("claude", "#!/bin/sh\necho \"claude $*\"\n");
    auto r = env.mosaic({"yolo", "claude", "--model", "opus", "--", "--resume", "x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "claude --dangerously-skip-permissions --model opus --resume x\n");
    r = env.mosaic({"yolo", "codex"});
    EXPECT_EQ(r.exit_code, 69);
    EXPECT_THAT(r.err, HasSubstr("'codex'"));
}
