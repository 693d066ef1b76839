// `mosaic config set` and `mosaic config hooks disable|enable`, SIGKILLed at random points.
// Each iteration flips the state (value A <-> value B, disabled <-> enabled), so "old" and
// "new" are two known byte strings taken from unkilled runs, and every file the command owns
// must be exactly one of them after the kill. The same command, run again, must exit 0 and
// leave exactly the new bytes.
#include "crash_harness.hpp"

using mosaic::testing::MosaicTestEnv;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string padding(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; s.size() < n; ++i) s += "line " + std::to_string(i) + " of the user's notes; ";
    return s;
}

class CrashConfigSet : public ::testing::Test {
protected:
    MosaicTestEnv world;
    fs::path file = world.mosaic_home / "mosaic.config.json";
    CrashConfigSet() { crash::prepare_world(world); }
};

class CrashConfigHooks : public ::testing::Test {
protected:
    MosaicTestEnv world;
    fs::path hooks_config = world.claude_home / "hooks-config.json";
    fs::path settings = world.claude_home / "settings.json";
    CrashConfigHooks() { crash::prepare_world(world); }
};

// Settings a real user has: permissions, model, env, their own hooks on Mosaic's events, and
// a long allow list so that a write takes a while.
json user_settings() {
    json allow = json::array();
    for (int i = 0; i < 3000; ++i) allow.push_back("Bash(tool-" + std::to_string(i) + " --flag:*)");
    json s = json::parse(R"JSON({
  "permissions": {"deny": ["Read(./.env)"], "defaultMode": "acceptEdits"},
  "model": "claude-sonnet-4-5",
  "env": {"CLAUDE_CODE_ENABLE_TELEMETRY": "0", "MY_FLAG": "1"},
  "hooks": {
    "PostToolUse": [
      {"matcher": "Write|Edit", "hooks": [{"type": "command", "command": "/usr/local/bin/user-format"}]}
    ],
    "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}]
  },
  "includeCoAuthoredBy": false
})JSON");
    s["permissions"]["allow"] = allow;
    return s;
}

}  // namespace

TEST_F(CrashConfigSet, KilledSetLeavesOldOrNewFileAndRerunSucceeds) {
    const std::uint64_t seed = crash::seed_for("config-set");
    SCOPED_TRACE(::testing::Message() << "MOSAIC_CRASH_SEED=" << seed);
    // User content that every write must keep, big enough that writing it takes a while.
    json user = {{"agent", {{"name", "Mosaic"}, {"intent", "keep me"}}},
                 {"custom", {{"list", {1, 2, 3}}, {"unicode", "h\u00e9llo"}}},
                 {"notes", padding(256 * 1024)}};
    crash::spit(file, user.dump(2) + "\n");

    const std::vector<std::string> values{"value-A", "value-B"};
    auto set = [&](int i) { return std::vector<std::string>{"config", "set", "agent.name", values[i % 2]}; };

    // The two versions of the file, and the unkilled run time.
    std::vector<std::string> version(2);
    std::vector<crash::SteadyClock::duration> times;
    for (int i = 0; i < 4; ++i) {
        auto r = crash::run_to_end(world, set(i));
        ASSERT_EQ(r.exit_code, 0) << r.output;
        times.push_back(r.elapsed);
        if (i < 2) version[i % 2] = crash::slurp(file);
        else ASSERT_EQ(crash::slurp(file), version[i % 2]) << "an unkilled set is not deterministic";
    }
    for (int v = 0; v < 2; ++v) {
        ASSERT_EQ(crash::check_json_object(version[v]), "");
        json j = json::parse(version[v]);
        EXPECT_EQ(j["agent"]["name"], values[v]);
        EXPECT_EQ(j["agent"]["intent"], "keep me");
        EXPECT_EQ(j["custom"], user["custom"]);
        EXPECT_EQ(j["notes"], user["notes"]);
    }

    const int n = crash::iterations(300);
    crash::DelayPicker delays(seed, crash::median(times));
    int killed = 0;
    std::map<std::string, int> outcomes;
    for (int i = 0; i < n; ++i) {
        auto delay = delays.next();
        SCOPED_TRACE(::testing::Message() << "iteration " << i << ", kill after " << delay.count() << " us");
        const std::string before = crash::slurp(file);  // version[(i + 1) % 2]
        auto k = crash::run_and_kill(world, set(i), delay);
        if (k.killed) ++killed;
        else ASSERT_EQ(k.exit_code, 0) << k.output;
        ASSERT_EQ(crash::old_or_new(file, before, {version[i % 2]}), "");
        ++outcomes[crash::slurp(file) == before ? "left old" : "left new"];

        auto r = crash::run_to_end(world, set(i));
        ASSERT_EQ(r.exit_code, 0) << "the run after the kill failed:\n" << r.output;
        ASSERT_EQ(crash::slurp(file), version[i % 2]);
    }
    crash::report("config set", seed, n, killed, delays.max_us(), crash::median(times),
                  crash::leftover_temp_files(world.mosaic_home), outcomes);
}

TEST_F(CrashConfigHooks, KilledDisableEnableLeaveOldOrNewFilesAndRerunSucceeds) {
    const std::uint64_t seed = crash::seed_for("config-hooks");
    SCOPED_TRACE(::testing::Message() << "MOSAIC_CRASH_SEED=" << seed);
    const json user = user_settings();
    crash::spit(settings, user.dump(2) + "\n");
    {
        auto r = crash::run_to_end(world, {"config", "hooks", "install"});
        ASSERT_EQ(r.exit_code, 0) << r.output;
    }
    const std::string hooks_dir = (world.mosaic_home / "hooks").string();
    auto command_of = [](int i) {
        return std::vector<std::string>{"config", "hooks", i % 2 == 0 ? "disable" : "enable", "PostToolUse"};
    };

    // state[0]: after disable, state[1]: after enable; {hooks-config.json, settings.json}.
    std::vector<std::pair<std::string, std::string>> state(2);
    std::vector<crash::SteadyClock::duration> times;
    for (int i = 0; i < 4; ++i) {
        auto r = crash::run_to_end(world, command_of(i));
        ASSERT_EQ(r.exit_code, 0) << r.output;
        times.push_back(r.elapsed);
        std::pair<std::string, std::string> now{crash::slurp(hooks_config), crash::slurp(settings)};
        if (i < 2) state[i % 2] = now;
        else ASSERT_EQ(now, state[i % 2]) << "an unkilled disable/enable is not deterministic";
    }
    // What the two states must hold: the user's content untouched; Mosaic's PostToolUse group
    // in "disabled" and out of settings.json after disable, back after enable.
    for (int v = 0; v < 2; ++v) {
        ASSERT_EQ(crash::check_json_object(state[v].first), "");
        ASSERT_EQ(crash::check_json_object(state[v].second), "");
        json hc = json::parse(state[v].first), st = json::parse(state[v].second);
        EXPECT_EQ(hc.contains("disabled") && hc["disabled"].contains("PostToolUse"), v == 0) << hc.dump(2);
        for (const char* key : {"permissions", "model", "env", "includeCoAuthoredBy"}) EXPECT_EQ(st[key], user[key]) << key;
        int user_hooks = 0, mosaic_hooks = 0;
        for (const auto& group : st["hooks"]["PostToolUse"])
            for (const auto& h : group["hooks"]) {
                std::string cmd = h.value("command", "");
                if (cmd == "/usr/local/bin/user-format") ++user_hooks;
                if (cmd.find(hooks_dir) != std::string::npos) ++mosaic_hooks;
            }
        EXPECT_EQ(user_hooks, 1) << st["hooks"].dump(2);
        EXPECT_EQ(mosaic_hooks, v == 0 ? 0 : 1) << st["hooks"].dump(2);
        EXPECT_EQ(st["hooks"]["Stop"], user["hooks"]["Stop"]);
    }

    const int n = crash::iterations(240);
    crash::DelayPicker delays(seed, crash::median(times));
    int killed = 0;
    std::map<std::string, int> outcomes;
    for (int i = 0; i < n; ++i) {
        auto delay = delays.next();
        SCOPED_TRACE(::testing::Message() << "iteration " << i << " (" << command_of(i)[2] << "), kill after "
                                          << delay.count() << " us");
        const std::string hc_before = crash::slurp(hooks_config), st_before = crash::slurp(settings);
        auto k = crash::run_and_kill(world, command_of(i), delay);
        if (k.killed) ++killed;
        else ASSERT_EQ(k.exit_code, 0) << k.output;
        ASSERT_EQ(crash::old_or_new(hooks_config, hc_before, {state[i % 2].first}), "");
        ASSERT_EQ(crash::old_or_new(settings, st_before, {state[i % 2].second}), "");
        bool hc_new = crash::slurp(hooks_config) != hc_before, st_new = crash::slurp(settings) != st_before;
        ++outcomes[hc_new && st_new ? "both new" : hc_new ? "hooks-config new, settings old" : st_new ? "settings new, hooks-config old" : "both old"];

        auto r = crash::run_to_end(world, command_of(i));
        ASSERT_EQ(r.exit_code, 0) << "the run after the kill failed:\n" << r.output;
        ASSERT_EQ(crash::slurp(hooks_config), state[i % 2].first);
        ASSERT_EQ(crash::slurp(settings), state[i % 2].second);
    }
    crash::report("config hooks disable/enable", seed, n, killed, delays.max_us(), crash::median(times),
                  crash::leftover_temp_files(world.claude_home), outcomes);
}
