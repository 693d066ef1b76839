// End to end: the built `mosaic` with the fleet plugin, a fake systemctl first on PATH and
// real tmux on a private socket.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
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

// Polls `pred` every 100 ms for up to `limit` (each poll may run `mosaic fleet ps`).
template <class Pred>
bool poll_until(Pred pred, std::chrono::seconds limit = std::chrono::seconds(30)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred();
}

// The heartbeat file, read as the e2e test's own JSON (not through the plugin's parser).
struct Beat {
    long long ts = 0;
    long pid = 0;
    std::string status;
};
std::optional<Beat> beat_in(const std::filesystem::path& file) {
    auto j = nlohmann::json::parse(read_text(file), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("ts") || !j.contains("pid") || !j.contains("status"))
        return std::nullopt;
    return Beat{j["ts"].get<long long>(), j["pid"].get<long>(), j["status"].get<std::string>()};
}

bool exited(const std::filesystem::path& file) {
    auto beat = beat_in(file);
    return beat && beat->status == "exited";
}

}  // namespace

TEST_F(FleetE2E, FiveConcurrentRestartsRunFiveNonInterleavedSequences) {
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
    auto r = env.mosaic({"fleet", "install-systemd"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string unit = read_text(env.home / ".config/systemd/user/mosaic-agent@.service");
    EXPECT_THAT(unit, HasSubstr("ExecStart=" + std::filesystem::canonical(mosaic::test_paths::mosaic_exe).string() +
                                " --mosaic-home " + env.mosaic_home.string() + " fleet launch -- %i"));
    EXPECT_THAT(read_text(env.mosaic_home / "fleet/agents/a.env"), HasSubstr("MOSAIC_AGENT_NAME=a\n"));
}

TEST_F(FleetE2E, ProvisionWritesARosterThatInstallSystemdTakes) {
    auto r = env.mosaic({"fleet", "provision", "--profile", "software-delivery", "--write"});
    EXPECT_EQ(r.exit_code, 3) << r.err;  // the fixture's roster is there
    r = env.mosaic({"fleet", "provision", "--profile", "software-delivery", "--write", "--force"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = env.mosaic({"fleet", "install-systemd", "--no-gateway"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (std::string name : {"planner", "coder-1", "coder-2", "reviewer"})
        EXPECT_THAT(read_text(env.mosaic_home / "fleet/agents" / (name + ".env")), HasSubstr("MOSAIC_AGENT_NAME=" + name + "\n"));
}

TEST_F(FleetE2E, YoloExecsTheRuntimeWithItsFlags) {
    env.write_script("claude", "#!/bin/sh\necho \"claude $*\"\n");
    auto r = env.mosaic({"yolo", "claude", "--model", "opus", "--", "--resume", "x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "claude --dangerously-skip-permissions --model opus --resume x\n");
    r = env.mosaic({"yolo", "codex"});
    EXPECT_EQ(r.exit_code, 69);
    EXPECT_THAT(r.err, HasSubstr("'codex'"));
}

TEST_F(FleetE2E, PsShowsLaunchedAgentsWorkingAndAKilledOneDeadOnceItsHeartbeatStops) {
    if (!fleet_test::have_program("tmux")) GTEST_SKIP() << "tmux is not installed";
    env.env["MOSAIC_AGENT_COMMAND"] = "sleep 600";
    env.env["MOSAIC_HEARTBEAT_INTERVAL"] = "1";
    for (const char* agent : {"a", "b"}) {
        auto r = env.mosaic({"fleet", "launch", agent});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_THAT(r.out, HasSubstr(std::string("started the heartbeat of '") + agent + "'"));
        EXPECT_EQ(r.err, "");
    }
    const auto run = env.mosaic_home / "fleet/run";
    nlohmann::json doc;
    auto ps = [&] {
        auto r = env.mosaic({"fleet", "ps", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        doc = nlohmann::json::parse(r.out, nullptr, false);
        return !doc.is_discarded();
    };
    auto readiness = [&](std::size_t i) { return doc["agents"][i]["readiness"].get<std::string>(); };

    ASSERT_TRUE(poll_until([&] { return ps() && readiness(0) == "working" && readiness(1) == "working"; })) << doc.dump(2);
    ASSERT_EQ(doc["agents"].size(), 2u) << doc.dump(2);  // the holder-less socket has only our two sessions
    const long pane_a = doc["agents"][0]["pane"]["pid"].get<long>();
    ASSERT_TRUE(beat_in(run / "a.hb"));
    EXPECT_EQ(beat_in(run / "a.hb")->pid, pane_a);
    EXPECT_EQ(doc["agents"][0]["heartbeat"]["status"], "alive");
    EXPECT_EQ(doc["agents"][0]["managed"], true);
    EXPECT_EQ(doc["agents"][0]["source"], "roster");
    EXPECT_THAT(doc["agents"][0]["flags"], ::testing::Contains("DRIFT"));  // sleep is not claude

    ASSERT_EQ(::kill(static_cast<pid_t>(pane_a), SIGKILL), 0);
    ASSERT_TRUE(poll_until([&] { return exited(run / "a.hb"); })) << read_text(run / "a.hb");  // a's heartbeat stopped
    ASSERT_TRUE(poll_until([&] { return ps() && readiness(0) == "dead"; })) << doc.dump(2);
    EXPECT_EQ(doc["agents"][0]["session_exists"], false);
    EXPECT_EQ(readiness(1), "working");
    // b's sidecar keeps beating.
    ASSERT_TRUE(beat_in(run / "b.hb"));
    const long long ts = beat_in(run / "b.hb")->ts;
    EXPECT_TRUE(poll_until([&] {
        auto beat = beat_in(run / "b.hb");
        return beat && beat->ts > ts;
    }));

    // The table says the same (the fake systemctl knows nothing about agent units).
    auto table = env.mosaic({"fleet", "ps"});
    EXPECT_THAT(table.out, ::testing::ContainsRegex("\na +claude +worker +unknown/unknown unknown +- +[0-9]+s dead +-\n"))
        << table.out;
    EXPECT_THAT(table.out,
                ::testing::ContainsRegex("\nb +codex +worker +unknown/unknown unknown +[0-9]+ sleep +[0-9]+s working +DRIFT\n"))
        << table.out;

    // Ending the tmux server ends b's pane and with it b's sidecar, before the home goes away.
    tmux.run({"kill-server"});
    EXPECT_TRUE(poll_until([&] { return exited(run / "b.hb"); }));
}

TEST_F(FleetE2E, HeartbeatRunDirVariableIsReadAlikeBySidecarAndPs) {
    if (!fleet_test::have_program("tmux")) GTEST_SKIP() << "tmux is not installed";
    // A mosaic home other than the default, given by flag, and a run dir of its own.
    const auto home = env.root / "custom home";
    std::filesystem::create_directories(home / "fleet");
    std::filesystem::copy_file(env.mosaic_home / "fleet/roster.yaml", home / "fleet/roster.yaml");
    const auto run = env.root / "beats";
    env.env["MOSAIC_HEARTBEAT_RUN_DIR"] = run.string();
    env.env["MOSAIC_AGENT_COMMAND"] = "sleep 600";
    env.env["MOSAIC_HEARTBEAT_INTERVAL"] = "1";
    auto r = env.mosaic({"--mosaic-home", home.string(), "fleet", "launch", "b"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json doc;
    ASSERT_TRUE(poll_until([&] {
        auto p = env.mosaic({"--mosaic-home", home.string(), "fleet", "ps", "--json"});
        doc = nlohmann::json::parse(p.out, nullptr, false);
        return !doc.is_discarded() && doc["agents"][1]["readiness"] == "working";
    })) << doc.dump(2);
    EXPECT_EQ(doc["run_dir"], run.string());
    EXPECT_TRUE(std::filesystem::exists(run / "b.hb"));
    EXPECT_FALSE(std::filesystem::exists(home / "fleet/run/b.hb"));
    EXPECT_FALSE(std::filesystem::exists(env.mosaic_home / "fleet/run/b.hb"));
    EXPECT_EQ(doc["agents"][0]["readiness"], "dead");  // a was never launched: no beat, no session

    tmux.run({"kill-server"});
    EXPECT_TRUE(poll_until([&] { return exited(run / "b.hb"); }));
}

TEST_F(FleetE2E, YoloPassesFlagsToFakeClaudeAndCodex) {
    env.write_script("claude", "#!/bin/sh\nprintf '%s|' claude \"$@\"; echo\n");
    env.write_script("codex", "#!/bin/sh\nprintf '%s|' codex \"$@\"; echo\n");
    auto r = env.mosaic({"yolo", "codex", "--model", "gpt-5", "--", "exec", "two words"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "codex|--dangerously-bypass-approvals-and-sandbox|--model|gpt-5|exec|two words|\n");
    r = env.mosaic({"yolo", "claude"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "claude|--dangerously-skip-permissions|\n");
    r = env.mosaic({"yolo", "gemini"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("known runtimes: claude, codex, opencode, pi"));
}

// The contract reaches each runtime where that runtime reads extra instructions. Each fake
// reads it back the way its runtime would and prints it: claude and pi the value of
// --append-system-prompt; codex the TOML value of `-c developer_instructions=...` (parsed
// with Python's tomllib); opencode the files OPENCODE_CONFIG_CONTENT's `instructions` names.
TEST_F(FleetE2E, YoloHandsEachRuntimeTheContractWhereItReadsExtraInstructions) {
    if (!fleet_test::have_program("python3")) GTEST_SKIP() << "needs python3";
    write_text(env.mosaic_home / "AGENTS.md", "Work \"carefully\"; $(no shell) \\ here.\n");
    write_text(env.mosaic_home / "AGENTS.local.md", "Metric units, always.\n");
    write_text(env.mosaic_home / "SOUL.md", "Calm — and brief.\n");
    env.env["MOSAIC_AGENT_NAME"] = "b";
    auto composed = env.mosaic({"compose-contract", "codex"});
    ASSERT_EQ(composed.exit_code, 0) << composed.err;
    const std::string contract = composed.out;
    EXPECT_THAT(contract, HasSubstr("Work \"carefully\"; $(no shell) \\ here.\n\nMetric units, always.\n\nCalm — and brief.\n"));
    EXPECT_THAT(contract, HasSubstr("You are agent `b` (class worker, runtime codex)"));
    EXPECT_THAT(contract, HasSubstr("| a | worker | claude |"));
    EXPECT_THAT(contract, HasSubstr("tmux -L " + tmux.name()));

    const std::string head = "#!/usr/bin/env python3\nimport json, os, sys\nargs = sys.argv[1:]\n";
    const std::string flag_value = "print(args[args.index('--append-system-prompt') + 1], end='')\n";
    env.write_script("claude", head + flag_value);
    env.write_script("pi", head + flag_value);
    env.write_script("codex", head + "import tomllib\nkv = args[args.index('-c') + 1]\n"
                                     "print(tomllib.loads(kv)['developer_instructions'], end='')\n");
    env.write_script("opencode", head + "cfg = json.loads(os.environ['OPENCODE_CONFIG_CONTENT'])\n"
                                        "print(cfg['theme'] + '|', end='')\n"
                                        "print(''.join(open(f).read() for f in cfg['instructions']), end='')\n");
    env.env["OPENCODE_CONFIG_CONTENT"] = R"({"theme": "mine"})";
    for (const char* rt : {"claude", "pi", "codex"}) {
        auto r = env.mosaic({"yolo", rt});
        EXPECT_EQ(r.exit_code, 0) << rt << r.err;
        EXPECT_EQ(r.out, contract) << rt;
    }
    auto r = env.mosaic({"yolo", "opencode"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "mine|" + contract);

    env.write_script("claude", "#!/bin/sh\nprintf '%s|' claude \"$@\"; echo\n");
    r = env.mosaic({"yolo", "claude", "--no-contract"});
    EXPECT_EQ(r.out, "claude|--dangerously-skip-permissions|\n");
}

TEST_F(FleetE2E, LaunchOfARuntimeNotOnPathExits69AndLeavesNoSession) {
    auto tmux_program = mosaic::support::find_program("tmux");
    if (!tmux_program) GTEST_SKIP() << "tmux is not installed";
    std::filesystem::create_symlink(*tmux_program, env.bin / "tmux");
    env.env["PATH"] = env.bin.string();  // tmux and the fake systemctl, and surely no codex
    auto r = env.mosaic({"fleet", "launch", "b"});
    EXPECT_EQ(r.exit_code, 69);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "mosaic: error: runtime 'codex' of agent 'b' needs 'codex', which is not on PATH; install it, "
                     "or set MOSAIC_AGENT_COMMAND\n");
    EXPECT_FALSE(tmux.run({"has-session", "-t", "=b"}).ok());
}
