#include <gtest/gtest.h>

#include <mosaic/support/process.hpp>

using namespace mosaic::support;

TEST(PosixSpawnRunner, CapturesStdoutStderrAndExitCode) {
    PosixSpawnRunner r;
    auto res = r.run({{"sh", "-c", "echo out; echo err >&2; exit 3"}});
    EXPECT_EQ(res.exit_code, 3);
    EXPECT_EQ(res.out, "out\n");
    EXPECT_EQ(res.err, "err\n");
    EXPECT_FALSE(res.spawn_failed);
}

TEST(PosixSpawnRunner, FeedsStdinAndDrainsLargeOutputWithoutDeadlock) {
    PosixSpawnRunner r;
    std::string big(1 << 20, 'x');
    Command c{{"cat"}};
    c.stdin_data = big;
    auto res = r.run(c);
    EXPECT_EQ(res.exit_code, 0);
    EXPECT_EQ(res.out.size(), big.size());
}

TEST(PosixSpawnRunner, PassesEnvironmentAndWorkingDirectory) {
    PosixSpawnRunner r;
    Command c{{"sh", "-c", "echo \"$MOSAIC_X $(pwd)\""}};
    c.env["MOSAIC_X"] = "value";
    c.cwd = "/";
    EXPECT_EQ(r.run(c).out, "value /\n");
}

TEST(PosixSpawnRunner, InheritEnvFalseGivesOnlyTheGivenVariables) {
    PosixSpawnRunner r;
    Command c{{"/usr/bin/env"}};
    c.inherit_env = false;
    c.env = {{"ONLY", "1"}};
    EXPECT_EQ(r.run(c).out, "ONLY=1\n");
}

TEST(PosixSpawnRunner, MissingProgramIsASpawnFailureNotACrash) {
    PosixSpawnRunner r;
    auto res = r.run({{"mosaic-no-such-program-xyz"}});
    EXPECT_TRUE(res.spawn_failed);
    EXPECT_EQ(res.exit_code, 127);
    EXPECT_NE(res.err.find("mosaic-no-such-program-xyz"), std::string::npos);
}

TEST(PosixSpawnRunner, ReportsDeathBySignalAs128PlusSignal) {
    PosixSpawnRunner r;
    EXPECT_EQ(r.run({{"sh", "-c", "kill -9 $$"}}).exit_code, 137);
}

TEST(FakeRunner, RecordsCommandsAndAnswersFromRules) {
    FakeRunner f;
    f.on({"systemctl", "--user", "is-active"}, {3, "inactive\n", "", false});
    auto a = f.run({{"systemctl", "--user", "is-active", "x.service"}});
    auto b = f.run({{"tmux", "ls"}});
    EXPECT_EQ(a.exit_code, 3);
    EXPECT_EQ(a.out, "inactive\n");
    EXPECT_EQ(b.exit_code, 0);
    EXPECT_EQ(f.argv_lines(), (std::vector<std::string>{"systemctl --user is-active x.service", "tmux ls"}));
}

TEST(FindProgram, UsesTheGivenPath) {
    EXPECT_EQ(find_program("sh", std::string("/bin")), "/bin/sh");
    EXPECT_FALSE(find_program("sh", std::string("/nonexistent")).has_value());
}

TEST(PosixSpawnRunner, ChildThatIgnoresStdinDoesNotKillTheCaller) {
    PosixSpawnRunner r;
    Command c{{"true"}};
    c.stdin_data = std::string(4 << 20, 'x');  // far more than a pipe buffer
    auto res = r.run(c);
    EXPECT_EQ(res.exit_code, 0);  // reaching this line means no SIGPIPE killed the test
}
