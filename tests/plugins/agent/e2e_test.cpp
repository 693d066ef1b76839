// End to end: the built `mosaic` with the fleet and agent plugins built in this tree, a fake
// systemctl first on PATH, and real tmux on a private socket whose agent panes run small fake
// runtimes: one that logs and echoes each line it reads, one that leaves what it is typed as
// a "> " draft, one that shows nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "private_tmux.hpp"
#include "pty_session.hpp"
#include "test_env.hpp"

using mosaic::testing::MosaicTestEnv;
using mosaic::testing::PrivateTmux;
using ::testing::HasSubstr;

namespace {

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

// Polls `pred` every 50 ms for up to `limit`: waiting on real processes, never a timing assertion.
template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit = std::chrono::seconds(30)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
}

struct AgentE2E : ::testing::Test {
    MosaicTestEnv env;
    PrivateTmux tmux;
    std::filesystem::path echo_log = env.root / "echo.log";
    std::filesystem::path systemctl_log = env.root / "systemctl.log";

    AgentE2E() {
        env.use_built_plugins();
        write(env.mosaic_home / "fleet/roster.yaml",
              "version: 1\ntmux: { socket_name: " + tmux.name() + " }\nruntimes:\n  fake: { reset_command: /clear }\n"
              "agents:\n  - { name: echo, runtime: fake }\n  - { name: draft, runtime: fake }\n"
              "  - { name: blank, runtime: fake }\n  - { name: plain, runtime: other }\n");
        write(env.root / "echo.sh", "echo 'echo runtime ready'\n"
                                    "while IFS= read -r line; do\n"
                                    "  printf '%s\\n' \"$line\" >> '" + echo_log.string() + "'\n"
                                    "  printf 'got: %s\\n' \"$line\"\n"
                                    "done\n");
        write(env.root / "draft.sh", "stty -icanon -echo\nprintf '> '\n"
                                     "while IFS= read -r -n1 -d '' c; do\n"
                                     "  case \"$c\" in $'\\n'|$'\\r') ;; *) printf '%s' \"$c\";; esac\n"
                                     "done\n");
        write(env.root / "blank.sh", "stty -echo\nexec sleep 600\n");
        env.write_script("systemctl", "#!/bin/sh\necho \"$*\" >> '" + systemctl_log.string() + "'\n");
    }
    static void write(const std::filesystem::path& p, const std::string& text) {
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    bool start(const std::string& session, const std::string& shell) {
        return tmux.run({"new-session", "-d", "-s", session, "-x", "200", "-y", "50",
                         shell + " " + (env.root / (session + ".sh")).string()})
            .ok();
    }
    std::string pane(const std::string& session) {
        return tmux.run({"capture-pane", "-p", "-t", "=" + session + ":0.0"}).out;
    }
    // The fleet's host name, as `agent roster --json` reports it (asked once).
    std::string host() {
        if (host_name.empty()) {
            auto r = env.mosaic({"agent", "roster", "--json"});
            host_name = nlohmann::json::parse(r.out)["host"].get<std::string>();
        }
        return host_name;
    }
    std::string host_name;
    std::string preamble(const std::string& agent) { return "[" + host() + ":operator -> " + host() + ":" + agent + "] "; }
};

#define REQUIRE_TMUX() \
    if (!mosaic::testing::have_program("tmux")) GTEST_SKIP() << "tmux is not installed"

}  // namespace

TEST_F(AgentE2E, AVerifiedMessageArrivesLiterallyNeverThroughAShell) {
    REQUIRE_TMUX();
    ASSERT_TRUE(start("echo", "sh"));
    ASSERT_TRUE(eventually([&] { return pane("echo").find("echo runtime ready") != std::string::npos; }));
    const std::string message = "tab\there 'single' \"double\" $(touch " + (env.root / "pwned").string() +
                                ") `id` ; semi; \\n ünïcødé ✓ -n ;";
    auto r = env.mosaic({"agent", "send", "echo", "--message", message, "--verify"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "delivered to 'echo': accepted\n");
    ASSERT_TRUE(eventually([&] { return !read_text(echo_log).empty(); }));
    EXPECT_EQ(read_text(echo_log), preamble("echo") + message + "\n");
    EXPECT_FALSE(std::filesystem::exists(env.root / "pwned"));

    auto tail = env.mosaic({"agent", "tail", "echo", "-n", "3"});
    ASSERT_EQ(tail.exit_code, 0) << tail.err;
    EXPECT_THAT(tail.out, HasSubstr("got: " + preamble("echo")));
}

TEST_F(AgentE2E, NewlinesInAMessageArriveAsTheirOwnLines) {
    REQUIRE_TMUX();
    ASSERT_TRUE(start("echo", "sh"));
    ASSERT_TRUE(eventually([&] { return pane("echo").find("echo runtime ready") != std::string::npos; }));
    auto r = env.mosaic({"agent", "send", "echo", "--message", "first line\nsecond line", "--class", "human"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(eventually([&] { return lines_of(read_text(echo_log)).size() == 2; }));
    auto lines = lines_of(read_text(echo_log));
    EXPECT_EQ(lines[0], "[" + host() + ":operator -> " + host() + ":echo class=human] first line");
    EXPECT_EQ(lines[1], "second line");
}

TEST_F(AgentE2E, TwentyConcurrentSendsToOneAgentArriveWholeAndNotInterleaved) {
    REQUIRE_TMUX();
    ASSERT_TRUE(start("echo", "sh"));
    ASSERT_TRUE(eventually([&] { return pane("echo").find("echo runtime ready") != std::string::npos; }));
    std::vector<std::string> messages;
    for (int i = 0; i < 20; ++i) messages.push_back("message " + std::to_string(i) + " " + std::string(150, static_cast<char>('a' + i % 26)) + ";");
    std::vector<mosaic::support::ProcessResult> results(20);
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] { results[i] = env.mosaic({"agent", "send", "echo", "--message", messages[i]}); });
    for (auto& t : threads) t.join();
    for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(eventually([&] { return lines_of(read_text(echo_log)).size() >= 20; })) << read_text(echo_log);
    auto lines = lines_of(read_text(echo_log));
    EXPECT_EQ(lines.size(), 20u);
    std::set<std::string> expected, got(lines.begin(), lines.end());
    for (const auto& m : messages) expected.insert(preamble("echo") + m);
    EXPECT_EQ(got, expected);
}

TEST_F(AgentE2E, ADraftAndABlankPaneAreReportedAndExitOne) {
    REQUIRE_TMUX();
    ASSERT_TRUE(start("draft", "bash"));
    ASSERT_TRUE(start("blank", "sh"));
    // The prompt "> " (capture-pane drops the trailing space).
    ASSERT_TRUE(eventually([&] { return pane("draft").find(">") != std::string::npos; }));
    auto draft = env.mosaic({"agent", "send", "draft", "--message", "hello", "--verify", "--verify-timeout", "1600"});
    EXPECT_EQ(draft.exit_code, 1) << draft.out;
    EXPECT_THAT(draft.err, HasSubstr("was left as unsubmitted draft"));
    EXPECT_THAT(pane("draft"), HasSubstr("> " + preamble("draft") + "hello"));

    auto blank = env.mosaic({"agent", "send", "blank", "--message", "hello", "--verify", "--verify-timeout", "1200"});
    EXPECT_EQ(blank.exit_code, 1) << blank.out;
    EXPECT_THAT(blank.err, HasSubstr("could not verify delivery to 'blank': its pane shows nothing"));
    auto tail = env.mosaic({"agent", "tail", "blank"});
    EXPECT_EQ(tail.exit_code, 0);
    EXPECT_EQ(tail.out, "");
    EXPECT_THAT(tail.err, HasSubstr("the pane of 'blank' shows nothing"));
}

TEST_F(AgentE2E, ResetSendsTheResetCommandOrRestartsTheUnitThroughTheFleet) {
    REQUIRE_TMUX();
    ASSERT_TRUE(start("echo", "sh"));
    ASSERT_TRUE(eventually([&] { return pane("echo").find("echo runtime ready") != std::string::npos; }));
    auto r = env.mosaic({"agent", "reset", "echo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(eventually([&] { return read_text(echo_log) == "/clear\n"; })) << read_text(echo_log);
    auto restart = env.mosaic({"agent", "reset", "plain"});
    ASSERT_EQ(restart.exit_code, 0) << restart.err;
    EXPECT_EQ(read_text(systemctl_log), "--user restart mosaic-agent@plain.service\n");
    EXPECT_FALSE(std::filesystem::exists(env.mosaic_home / "fleet/run/restart.lock"));
}

TEST_F(AgentE2E, InvalidInputSendsNothingAndAMissingSessionIsNamed) {
    REQUIRE_TMUX();
    ASSERT_TRUE(start("echo", "sh"));
    ASSERT_TRUE(eventually([&] { return pane("echo").find("echo runtime ready") != std::string::npos; }));
    auto bad = env.mosaic({"agent", "send", "echo", "--message", "x", "--class", "loud"});
    EXPECT_EQ(bad.exit_code, 2);
    auto missing = env.mosaic({"agent", "send", "draft", "--message", "x"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_THAT(missing.err, HasSubstr("agent 'draft' has no tmux session 'draft' on socket '" + tmux.name() + "'"));
    // A pane's input is ordered: had the refused send typed anything, it would come first.
    ASSERT_EQ(env.mosaic({"agent", "send", "echo", "--message", "after"}).exit_code, 0);
    ASSERT_TRUE(eventually([&] { return !read_text(echo_log).empty(); }));
    EXPECT_EQ(read_text(echo_log), preamble("echo") + "after\n");
}

TEST_F(AgentE2E, WithoutTheFleetPluginItNamesThePackage) {
    env.env["MOSAIC_PLUGINS_DISABLE"] = "fleet";
    auto r = env.mosaic({"agent", "roster"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_THAT(r.err, HasSubstr("mosaic-plugin-fleet"));
}

TEST_F(AgentE2E, WatchAttachesReadOnlyAndItsViewerIsGoneAfterDetach) {
    REQUIRE_TMUX();
    ASSERT_TRUE(start("echo", "sh"));
    ASSERT_TRUE(eventually([&] { return pane("echo").find("echo runtime ready") != std::string::npos; }));
    mosaic::testing::PtySession watch(env.env, {"agent", "watch", "echo"}, env.root, "xterm");
    ASSERT_TRUE(watch.started());
    ASSERT_TRUE(watch.expect("echo runtime ready")) << watch.transcript;
    auto viewer = [&] {
        for (const auto& s : lines_of(tmux.run({"list-sessions", "-F", "#{session_name}"}).out))
            if (s.rfind("echo-watch-", 0) == 0) return s;
        return std::string();
    };
    ASSERT_FALSE(viewer().empty());
    EXPECT_EQ(tmux.run({"list-clients", "-F", "#{client_readonly}"}).out, "1\n");
    ASSERT_TRUE(tmux.run({"detach-client", "-s", "=" + viewer()}).ok());
    EXPECT_EQ(watch.wait_exit(), 0) << watch.transcript;
    EXPECT_EQ(viewer(), "");
    EXPECT_THAT(tmux.run({"list-sessions", "-F", "#{session_name}"}).out, HasSubstr("echo\n"));
}
