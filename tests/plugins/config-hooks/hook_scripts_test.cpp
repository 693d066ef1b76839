// The real hook scripts, installed through the plugin and fed the JSON Claude Code sends on
// stdin; checked by exit code and stderr as Claude Code reads them.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <mosaic/support/process.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "test_util.hpp"

using mosaic::testing::FakeHost;
using nlohmann::json;
using namespace config_hooks_test;

namespace {

class HookScript : public ::testing::Test {
protected:
    void SetUp() override {
        auto r = host.run("config", {"hooks", "install"});
        ASSERT_EQ(r.code, 0) << r.error;
        fs::create_directories(bin);
    }

    // Runs an installed hook the way Claude Code does: the payload on stdin, in `cwd`.
    mosaic::support::ProcessResult run(const std::string& hook, const std::string& payload,
                                       std::map<std::string, std::string> extra_env = {}) {
        mosaic::support::Command cmd;
        cmd.argv = {(host.home / "hooks" / hook).string()};
        cmd.inherit_env = false;
        cmd.env = {{"HOME", (host.root / "home").string()}, {"PATH", bin.string() + ":/usr/bin:/bin"}};
        for (auto& [k, v] : extra_env) cmd.env[k] = v;
        cmd.stdin_data = payload;
        cmd.cwd = host.root.string();
        return mosaic::support::PosixSpawnRunner().run(cmd);
    }

    // What Claude Code sends for PreToolUse/PostToolUse.
    json payload(const std::string& event, const std::string& tool, const json& tool_input) {
        return {{"session_id", "5f1d2c3b-aaaa-bbbb-cccc-0123456789ab"},
                {"transcript_path", (host.claude_home / "projects/-work-app/5f1d.jsonl").string()},
                {"cwd", (host.root / "work/app").string()},
                {"permission_mode", "default"},
                {"hook_event_name", event},
                {"tool_name", tool},
                {"tool_input", tool_input}};
    }

    void write_exe(const fs::path& p, const std::string& body) {
        spit(p, body);
        ::chmod(p.c_str(), 0755);
    }

    FakeHost host;
    fs::path bin = host.root / "fake-bin";
};

}  // namespace

TEST_F(HookScript, PreventMemoryWriteBlocksWriteToTheMemoryIndex) {
    auto target = host.claude_home / "projects/-home-dev-src-app/memory/MEMORY.md";
    auto r = run("prevent-memory-write",
                 payload("PreToolUse", "Write", {{"file_path", target.string()}, {"content", "# notes\n"}}).dump());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "prevent-memory-write: blocked Write of '" + target.string() + "'")) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(HookScript, PreventMemoryWriteBlocksEditAndMultiEditToo) {
    auto target = (host.claude_home / "projects/-x/memory/MEMORY.md").string();
    EXPECT_EQ(run("prevent-memory-write", payload("PreToolUse", "Edit", {{"file_path", target}, {"old_string", "a"},
                                                                          {"new_string", "b"}}).dump()).exit_code, 2);
    EXPECT_EQ(run("prevent-memory-write",
                  payload("PreToolUse", "MultiEdit", {{"file_path", target}, {"edits", json::array()}}).dump())
                  .exit_code,
              2);
}

TEST_F(HookScript, PreventMemoryWriteSeesThroughRelativeAndDotDotPaths) {
    fs::create_directories(host.root / "work/app");
    auto rel = fs::relative(host.claude_home / "projects/p/memory/MEMORY.md", host.root / "work/app");
    EXPECT_EQ(run("prevent-memory-write", payload("PreToolUse", "Write", {{"file_path", rel.string()}}).dump()).exit_code, 2);
    auto dotted = (host.claude_home / "projects/p/../p/./memory//MEMORY.md").string();
    EXPECT_EQ(run("prevent-memory-write", payload("PreToolUse", "Write", {{"file_path", dotted}}).dump()).exit_code, 2);
}

TEST_F(HookScript, PreventMemoryWriteHandlesEscapedCharactersInPaths) {
    // Quotes, backslashes, unicode (sent as \u escapes by some encoders, raw UTF-8 by others).
    std::string project = "-home-d\"e\\v-caf\xc3\xa9-\xf0\x9f\x98\x80";
    auto target = (host.claude_home / "projects" / project / "memory/MEMORY.md").string();
    json p = payload("PreToolUse", "Write", {{"content", "\"file_path\": \"/tmp/x\""}, {"file_path", target}});
    auto raw = run("prevent-memory-write", p.dump());
    EXPECT_EQ(raw.exit_code, 2) << raw.err;
    auto ascii = run("prevent-memory-write", p.dump(-1, ' ', true));  // \u00e9 and surrogate pairs
    EXPECT_EQ(ascii.exit_code, 2) << ascii.err;
    EXPECT_TRUE(contains(ascii.err, target)) << ascii.err;
}

TEST_F(HookScript, PreventMemoryWriteAllowsEverythingElse) {
    auto c = host.claude_home;
    for (const auto& path : {c / "projects/p/memory/notes.md", c / "projects/p/MEMORY.md",
                             c / "projects/a/b/memory/MEMORY.md", host.root / "work/app/memory/MEMORY.md",
                             c / "projects/p/memory/MEMORY.md.bak"}) {
        auto r = run("prevent-memory-write", payload("PreToolUse", "Write", {{"file_path", path.string()}}).dump());
        EXPECT_EQ(r.exit_code, 0) << path << r.err;
    }
    // A file mentioning the memory path in its content, and a Read of the memory file.
    auto memory = (c / "projects/p/memory/MEMORY.md").string();
    auto mention = payload("PreToolUse", "Write", {{"content", "{\"file_path\": \"" + memory + "\"}"},
                                                   {"file_path", (host.root / "doc.md").string()}});
    EXPECT_EQ(run("prevent-memory-write", mention.dump()).exit_code, 0);
    EXPECT_EQ(run("prevent-memory-write", payload("PreToolUse", "Read", {{"file_path", memory}}).dump()).exit_code, 0);
    EXPECT_EQ(run("prevent-memory-write", payload("PreToolUse", "Bash", {{"command", "ls"}}).dump()).exit_code, 0);
}

TEST_F(HookScript, PreventMemoryWriteAlsoGuardsTheDefaultClaudeHome) {
    auto other = host.root / "home/.claude-elsewhere";
    auto target = (host.root / "home/.claude/projects/p/memory/MEMORY.md").string();
    // host.claude_home is <root>/home/.claude, so use CLAUDE_CONFIG_DIR for a second location.
    auto r = run("prevent-memory-write",
                 payload("PreToolUse", "Write", {{"file_path", (other / "projects/p/memory/MEMORY.md").string()}}).dump(),
                 {{"CLAUDE_CONFIG_DIR", other.string()}});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(run("prevent-memory-write", payload("PreToolUse", "Write", {{"file_path", target}}).dump()).exit_code, 2);
}

TEST_F(HookScript, PreventMemoryWriteInputThatIsNotJsonIsANonBlockingError) {
    auto r = run("prevent-memory-write", "{\"tool_name\": \"Write\", ");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "not valid JSON")) << r.err;
}

TEST_F(HookScript, TypecheckIgnoresNonTypescriptFiles) {
    write_exe(bin / "tsc", "#!/bin/sh\necho called >> \"" + (host.root / "tsc.log").string() + "\"\nexit 1\n");
    spit(host.root / "work/app/tsconfig.json", "{}");
    auto r = run("typecheck", payload("PostToolUse", "Write", {{"file_path", (host.root / "work/app/a.js").string()}}).dump());
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_FALSE(fs::exists(host.root / "tsc.log"));
}

TEST_F(HookScript, TypecheckNeverFailsWithoutTsconfigOrTsc) {
    auto file = (host.root / "work/app/src/a.ts").string();
    write_exe(bin / "tsc", "#!/bin/sh\nexit 1\n");
    EXPECT_EQ(run("typecheck", payload("PostToolUse", "Write", {{"file_path", file}}).dump()).exit_code, 0);  // no tsconfig
    fs::remove(bin / "tsc");
    spit(host.root / "work/app/tsconfig.json", "{}");
    auto r = run("typecheck", payload("PostToolUse", "Edit", {{"file_path", file}}).dump());  // no tsc
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(HookScript, TypecheckRunsTscNoEmitInTheProjectAndPassesWhenClean) {
    auto log = host.root / "tsc.log";
    write_exe(bin / "tsc", "#!/bin/sh\necho \"$PWD $*\" > \"" + log.string() + "\"\nexit 0\n");
    spit(host.root / "work/app/tsconfig.json", "{}");
    auto file = (host.root / "work/app/src/deep/b.tsx").string();
    auto r = run("typecheck", payload("PostToolUse", "Write", {{"file_path", file}}).dump());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(slurp(log), (host.root / "work/app").string() + " --noEmit -p " +
                              (host.root / "work/app/tsconfig.json").string() + "\n");
}

TEST_F(HookScript, TypecheckReportsTscErrorsWithExit2) {
    write_exe(bin / "tsc", "#!/bin/sh\necho \"src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\"\nexit 2\n");
    spit(host.root / "work/app/tsconfig.json", "{}");
    auto r = run("typecheck",
                 payload("PostToolUse", "Write", {{"file_path", (host.root / "work/app/src/a.ts").string()}}).dump());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "error TS2322")) << r.err;
    EXPECT_TRUE(contains(r.err, "typecheck: 'tsc --noEmit' found errors")) << r.err;
}

TEST_F(HookScript, TypecheckPrefersTheProjectsOwnTsc) {
    write_exe(bin / "tsc", "#!/bin/sh\necho global >&2\nexit 1\n");
    write_exe(host.root / "work/app/node_modules/.bin/tsc", "#!/bin/sh\nexit 0\n");
    spit(host.root / "work/app/tsconfig.json", "{}");
    auto r = run("typecheck",
                 payload("PostToolUse", "Write", {{"file_path", (host.root / "work/app/x.ts").string()}}).dump());
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(HookScript, LargeContentIsHandled) {
    std::string content;
    for (int i = 0; i < 20000; ++i) content += "line \"" + std::to_string(i) + "\" \\ with escapes\n";
    auto target = (host.claude_home / "projects/p/memory/MEMORY.md").string();
    auto r = run("prevent-memory-write",
                 payload("PreToolUse", "Write", {{"content", content}, {"file_path", target}}).dump());
    EXPECT_EQ(r.exit_code, 2) << r.err;
}
