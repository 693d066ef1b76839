#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "fleet_test_support.hpp"
#include "yolo.hpp"

using namespace mosaic::fleet;
using Argv = std::vector<std::string>;
using ::testing::HasSubstr;

namespace {
struct RecordingExec : Exec {
    std::string program;
    Argv argv;
    std::map<std::string, std::string> env;
    void exec(const std::string& p, const Argv& a, const std::map<std::string, std::string>& e) override {
        program = p;
        argv = a;
        env = e;
    }
};
}  // namespace

TEST(YoloArgv, EachRuntimeGetsItsPermissionFlag) {
    EXPECT_EQ(yolo_argv("claude", std::nullopt, {}), (Argv{"claude", "--dangerously-skip-permissions"}));
    EXPECT_EQ(yolo_argv("codex", std::nullopt, {}), (Argv{"codex", "--dangerously-bypass-approvals-and-sandbox"}));
    EXPECT_EQ(yolo_argv("opencode", std::nullopt, {}), (Argv{"opencode"}));
    EXPECT_EQ(yolo_argv("pi", std::nullopt, {}), (Argv{"pi"}));
}

TEST(YoloArgv, ModelFlagThenExtraArgs) {
    EXPECT_EQ(yolo_argv("claude", std::string("opus"), {"--resume", "x y"}),
              (Argv{"claude", "--dangerously-skip-permissions", "--model", "opus", "--resume", "x y"}));
    EXPECT_EQ(yolo_argv("pi", std::string("m"), {}), (Argv{"pi", "--model", "m"}));
}

TEST(YoloArgv, UnknownRuntimeListsTheKnownOnes) {
    try {
        yolo_argv("gemini", std::nullopt, {});
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_EQ(std::string(e.what()), "unknown runtime 'gemini'; known runtimes: claude, codex, opencode, pi");
    }
}

TEST(Yolo, RuntimeNotOnPathExits69NamingIt) {
    mosaic::testing::TempDir tmp;
    RecordingExec exec;
    try {
        run_yolo("codex", std::nullopt, {}, tmp.path().string(), exec);
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), 69);
        EXPECT_THAT(std::string(e.what()), HasSubstr("'codex'"));
    }
    EXPECT_TRUE(exec.program.empty());
}

TEST(Yolo, ExecsTheRuntimeFoundOnPath) {
    mosaic::testing::TempDir tmp;
    fleet_test::write_text(tmp.path() / "claude", "#!/bin/sh\n");
    ::chmod((tmp.path() / "claude").c_str(), 0755);
    RecordingExec exec;
    run_yolo("claude", std::string("sonnet"), {"-p"}, "/nonexistent:" + tmp.path().string(), exec,
             {{"ANTHROPIC_BASE_URL", "http://127.0.0.1:9/anthropic"}});
    EXPECT_EQ(exec.program, (tmp.path() / "claude").string());
    EXPECT_EQ(exec.argv, (Argv{"claude", "--dangerously-skip-permissions", "--model", "sonnet", "-p"}));
    EXPECT_EQ(exec.env, (std::map<std::string, std::string>{{"ANTHROPIC_BASE_URL", "http://127.0.0.1:9/anthropic"}}));
}
