// What a user meets on the command line, driven as a user would: the built `mosaic` in a
// private world, on a pipe or on a pseudo-terminal. Output order and streaming, progress
// lines, colour, write errors, unknown subcommands, usage errors, global options anywhere,
// `mosaic doctor`.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>

#include "plugin_world.hpp"
#include "pty_session.hpp"

using namespace mosaic::testing;
using nlohmann::json;

namespace {

// A world with the first-party plugins built in this tree and, in its own --plugin-dir,
// whatever fixtures a test installs.
struct World {
    MosaicTestEnv env;
    fs::path plugins = env.root / "plugins";
    World() {
        env.use_built_plugins();
        env.env["MOSAIC_PLUGIN_PATH"] = plugins.string();
        fs::create_directories(plugins);
        // No user systemd in this world (and never the machine's).
        env.write_script("systemctl", "#!/bin/sh\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n");
    }
    mosaic::support::ProcessResult run(const std::vector<std::string>& args) const { return env.mosaic(args); }
    // stdout and stderr into one pipe, as `mosaic ... 2>&1 | cat` sees them.
    mosaic::support::ProcessResult run_merged(const std::vector<std::string>& args) const {
        std::vector<std::string> sh{"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", mosaic::test_paths::mosaic_exe};
        sh.insert(sh.end(), args.begin(), args.end());
        mosaic::support::Command cmd;
        cmd.argv = sh;
        cmd.env = env.env;
        cmd.inherit_env = false;
        cmd.cwd = env.root.string();
        return mosaic::support::PosixSpawnRunner().run(cmd);
    }
    std::string on_terminal(const std::vector<std::string>& args, const std::string& term = "xterm",
                            int* code = nullptr) const {
        PtySession s(env.env, args, env.root, term);
        int rc = s.wait_exit();
        if (code) *code = rc;
        return s.transcript;
    }
};

// `mosaic` with stdout on a pipe this test reads as it goes (no wait for the exit).
class Streaming {
public:
    Streaming(const MosaicTestEnv& env, const std::vector<std::string>& args) {
        int fds[2];
        if (::pipe(fds) != 0) return;
        std::vector<std::string> argv_s{mosaic::test_paths::mosaic_exe};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<std::string> env_s;
        for (const auto& [k, v] : env.env) env_s.push_back(k + "=" + v);
        std::vector<char*> argv, envp;
        for (auto& s : argv_s) argv.push_back(s.data());
        for (auto& s : env_s) envp.push_back(s.data());
        argv.push_back(nullptr);
        envp.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_addclose(&fa, fds[0]);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        if (::posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
        ::close(fds[1]);
        fd_ = fds[0];
    }
    ~Streaming() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (fd_ >= 0) ::close(fd_);
    }
    // Reads until `text` has arrived (bounded, so a stuck child fails instead of hanging).
    bool wait_for(const std::string& text) {
        auto deadline = std::chrono::steady_clock::now() + kExpectBound;
        while (out.find(text) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 200) <= 0) continue;
            char buf[4096];
            ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0) return false;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return true;
    }
    std::string out;

private:
    pid_t pid_ = -1;
    int fd_ = -1;
};

bool has_escape(const std::string& s) { return contains(s, "\033["); }

}  // namespace

TEST(OutputStreams, StdoutAndStderrKeepTheirOrderInOnePipe) {
    World w;
    install_fixture(w.plugins, "fixture-good");
    auto r = w.run_merged({"fixture-good", "interleave"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "one\nmosaic: warning: two\nthree\n");
}

TEST(OutputStreams, GatewayLogsFollowReachesAPipeLineByLine) {
    World w;
    fs::path log = w.env.mosaic_home / "gateway/gateway.log";
    fs::create_directories(log.parent_path());
    std::ofstream(log) << "first\nsecond\nthird\n";
    Streaming s(w.env, {"gateway", "logs", "-n", "2", "-f"});
    ASSERT_TRUE(s.wait_for("second\nthird\n")) << "got: '" << s.out << "'";
    EXPECT_EQ(s.out.find("first"), std::string::npos);
    std::ofstream(log, std::ios::app) << "fourth\n";
    EXPECT_TRUE(s.wait_for("fourth\n")) << "got: '" << s.out << "'";
}

TEST(OutputStreams, AWriteErrorOnStdoutIsAnError) {
    World w;
    mosaic::support::Command cmd;
    cmd.argv = {"/bin/sh", "-c", "exec \"$0\" --help > /dev/full", mosaic::test_paths::mosaic_exe};
    cmd.env = w.env.env;
    cmd.inherit_env = false;
    auto r = mosaic::support::PosixSpawnRunner().run(cmd);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "mosaic: error: cannot write to standard output: No space left on device\n");
}

TEST(OutputStreams, AProgressLineLeftOpenIsEndedBeforeTheNextOutput) {
    World w;
    install_fixture(w.plugins, "fixture-good");
    int code = -1;
    std::string t = w.on_terminal({"fixture-good", "progress-open"}, "dumb", &code);
    EXPECT_EQ(code, 0);
    EXPECT_TRUE(contains(t, "\r\033[Kworking\r\nafter\r\n")) << t;
    EXPECT_EQ(not_at_line_start(t, "after"), "");
}

TEST(Colour, OnATerminalStatusWordsAndErrorsAreColoured) {
    World w;
    install_fixture(w.plugins, "fixture-good");
    std::string list = w.on_terminal({"plugins", "list"});
    EXPECT_TRUE(contains(list, "\033[32mok\033[0m")) << list;
    EXPECT_TRUE(contains(list, "\033[1mNAME\033[0m")) << list;
    int code = 0;
    std::string err = w.on_terminal({"nonexistent-command"}, "xterm", &code);
    EXPECT_EQ(code, 2);
    EXPECT_TRUE(contains(err, "mosaic: \033[31merror:\033[0m unknown command 'nonexistent-command'")) << err;
    EXPECT_EQ(w.on_terminal({"fixture-good", "color"}), "color\r\n");
}

TEST(Colour, PlainWithNoColorTheFlagTermDumbOrNoTerminal) {
    World w;
    install_fixture(w.plugins, "fixture-good");
    MosaicTestEnv& env = w.env;
    env.env["NO_COLOR"] = "1";
    EXPECT_FALSE(has_escape(w.on_terminal({"plugins", "list"})));
    EXPECT_EQ(w.on_terminal({"fixture-good", "color"}), "no color\r\n");
    env.env.erase("NO_COLOR");
    EXPECT_FALSE(has_escape(w.on_terminal({"--no-color", "plugins", "list"})));
    EXPECT_FALSE(has_escape(w.on_terminal({"plugins", "list", "--no-color"})));
    EXPECT_FALSE(has_escape(w.on_terminal({"plugins", "list"}, "dumb")));
    auto piped = w.run({"plugins", "list"});
    EXPECT_TRUE(contains(piped.out, "ok")) << piped.out;
    EXPECT_FALSE(has_escape(piped.out));
    EXPECT_EQ(w.run({"fixture-good", "color"}).out, "no color\n");
}

TEST(Colour, APluginsOwnTablesAreColouredOnATerminal) {
    World w;
    ASSERT_EQ(w.run({"config", "hooks", "install"}).exit_code, 0);
    std::string t = w.on_terminal({"config", "hooks", "list"});
    EXPECT_TRUE(contains(t, "\033[32menabled\033[0m")) << t;
    EXPECT_FALSE(has_escape(w.run({"config", "hooks", "list"}).out));
}

TEST(Subcommands, AnUnknownOneIsNamedWithASuggestion) {
    World w;
    auto r = w.run({"gateway", "bogus"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown command 'bogus' for 'mosaic gateway'; did you mean 'logs'?\n");
    r = w.run({"config", "hooks", "lst"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown command 'lst' for 'mosaic config hooks'; did you mean 'list'?\n");
    r = w.run({"config", "edit"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown command 'edit' for 'mosaic config'; run 'mosaic config --help' for its commands\n");
}

TEST(Subcommands, HelpAndNoSubcommandShowTheGroupsHelp) {
    World w;
    for (auto args : std::vector<std::vector<std::string>>{{"fleet", "help"}, {"fleet"}, {"fleet", "--help"}}) {
        auto r = w.run(args);
        EXPECT_EQ(r.exit_code, 0) << args.size();
        EXPECT_TRUE(contains(r.out, "usage: mosaic fleet <command> [options]")) << r.out;
        EXPECT_TRUE(contains(r.out, "\n  restart  ")) << r.out;
        EXPECT_EQ(r.err, "");
    }
    auto sub = w.run({"fleet", "help", "add"});
    EXPECT_EQ(sub.exit_code, 0);
    EXPECT_TRUE(contains(sub.out, "usage: mosaic fleet add")) << sub.out;
}

TEST(Subcommands, UsageErrorsAreHouseStyleAndPointToTheSubcommandsHelp) {
    World w;
    auto r = w.run({"fleet", "add", "x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: missing option '--runtime'; run 'mosaic fleet add --help'\n");
    r = w.run({"fleet", "restart", "--max-wait", "-1"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: invalid value for '--max-wait': must be a whole number from 0 to 86400 "
                     "seconds, not '-1'; run 'mosaic fleet restart --help'\n");
    r = w.run({"config", "get", "a", "b"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unexpected argument 'b'; run 'mosaic config get --help'\n");
    r = w.run({"gateway", "status", "--bogus"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: unknown option '--bogus'; run 'mosaic gateway status --help'\n");
}

TEST(Subcommands, ASubcommandsHelpIsItsOwnWithoutTheGroupsText) {
    World w;
    auto group = w.run({"fleet", "--help"});
    ASSERT_TRUE(contains(group.out, "environment: MOSAIC_HEARTBEAT_INTERVAL")) << group.out;
    for (const char* sub : {"add", "start", "status", "remove"}) {
        auto r = w.run({"fleet", sub, "--help"});
        EXPECT_EQ(r.exit_code, 0) << sub;
        EXPECT_FALSE(contains(r.out, "environment: MOSAIC_HEARTBEAT_INTERVAL")) << sub << ":\n" << r.out;
        EXPECT_FALSE(contains(r.out, "exit status: 0 ok")) << sub;
        EXPECT_LT(std::count(r.out.begin(), r.out.end(), '\n'), 20) << sub << ":\n" << r.out;
    }
}

TEST(GlobalOptions, WorkAfterTheCommandWordToo) {
    World w;
    install_fixture(w.plugins, "fixture-good");
    fs::path other = w.env.root / "other-home";
    auto r = w.run({"fixture-good", "--mosaic-home", other.string(), "path", "home"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, other.string() + "\n");
    fs::path hello = w.env.root / "hello-plugins";
    install_hello(hello);
    auto h = w.run({"hello", "--plugin-dir", hello.string(), "--shout"});
    EXPECT_EQ(h.exit_code, 0) << h.err;
    EXPECT_EQ(h.out, "HELLO, WORLD!\n");
    auto fleet = w.run({"fleet", "--mosaic-home", other.string(), "status"});
    EXPECT_EQ(fleet.exit_code, 3);
    EXPECT_TRUE(contains(fleet.err, (other / "fleet/roster.yaml").string())) << fleet.err;
}

TEST(Doctor, AsksEveryPluginThatCanCheckItselfAndSaysWhatToFix) {
    World w;
    install_fixture(w.plugins, "fixture-doctor");
    install_fixture(w.plugins, "fixture-good");
    auto r = w.run({"doctor", "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    json doc = json::parse(r.out);
    EXPECT_EQ(doc["ok"], false);
    std::map<std::string, json> by_plugin;
    for (const auto& p : doc["plugins"]) by_plugin[p["plugin"]] = p;
    for (const char* p : {"config-hooks", "fleet", "gateway", "fixture-doctor"}) EXPECT_TRUE(by_plugin.count(p)) << p;
    EXPECT_EQ(by_plugin["config-hooks"]["ok"], true) << by_plugin["config-hooks"].dump();
    EXPECT_EQ(by_plugin["gateway"]["checks"][0]["fix"], "run 'mosaic gateway install'");
    const json& fixture = by_plugin["fixture-doctor"]["checks"];
    ASSERT_EQ(fixture.size(), 2u);
    EXPECT_EQ(fixture[1], json({{"name", "gadget"}, {"ok", false}, {"detail", "stuck"}, {"fix", "oil it"}}));
    EXPECT_EQ(doc["without_doctor"], json({"fixture-good", "agent", "wizard"}));

    auto text = w.run({"doctor"});
    EXPECT_EQ(text.exit_code, 1);
    EXPECT_TRUE(contains(text.out, "fixture-doctor  gadget")) << text.out;
    EXPECT_TRUE(contains(text.out, "fix: oil it")) << text.out;
    EXPECT_TRUE(contains(text.out, "some checks failed")) << text.out;
}

TEST(Doctor, APluginThatCannotBeUsedIsAFailedCheck) {
    MosaicTestEnv env;
    install_fixture(env.system_plugins, "fixture-abi-major");
    auto r = env.mosaic({"doctor"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.out, "fixture-abi-major  plugin  FAIL")) << r.out;
    EXPECT_TRUE(contains(r.out, "fix: run 'mosaic plugins list'")) << r.out;
}

TEST(Doctor, EverythingOkExitsZero) {
    MosaicTestEnv env;
    install_fixture(env.system_plugins, "fixture-good");
    auto r = env.mosaic({"doctor"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "no installed plugin can check itself")) << r.out;
    EXPECT_TRUE(contains(r.out, "no checks from: fixture-good")) << r.out;
}
