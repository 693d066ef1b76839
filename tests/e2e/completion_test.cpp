// Nested completion from the manifests' command trees, as a shell asks for it: the hidden
// query `mosaic completion --line -- WORDS...` and the bash script itself, against the
// first-party plugins built in this tree and the fixture `fixture-tree` (a third-party
// plugin written against the raw C ABI).
#include <gtest/gtest.h>

#include "plugin_world.hpp"

using namespace mosaic::testing;
using nlohmann::json;

namespace {

struct CompletionWorld {
    MosaicTestEnv env;
    fs::path dir = env.root / "plugins";

    CompletionWorld() {
        env.use_built_plugins();
        install_fixture(dir, "fixture-tree");
        install_fixture(dir, "fixture-good");
    }
    // What the query prints: the mode line, then the candidates.
    std::string query(std::vector<std::string> words) const {
        std::vector<std::string> args{"--plugin-dir", dir.string(), "completion", "--line", "--"};
        args.insert(args.end(), words.begin(), words.end());
        auto r = env.mosaic(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    }
    void write_roster(const std::string& agents_yaml) const {
        fs::create_directories(env.mosaic_home / "fleet");
        std::ofstream(env.mosaic_home / "fleet/roster.yaml") << "version: 1\nagents:\n" << agents_yaml;
    }
};

}  // namespace

TEST(NestedCompletion, AGroupOffersItsSubcommands) {
    CompletionWorld w;
    std::string out = w.query({"gateway", ""});
    EXPECT_EQ(out.substr(0, 6), "words\n") << out;
    for (const char* sub : {"install", "start", "status", "logs", "config", "tokens", "usage", "uninstall"})
        EXPECT_TRUE(contains(out, std::string("\n") + sub + "\n")) << sub << " in " << out;
    EXPECT_EQ(w.query({"gateway", "st"}), "words\nstart\nstop\nstatus\n");
}

TEST(NestedCompletion, ASubgroupOffersItsOwnSubcommands) {
    CompletionWorld w;
    EXPECT_EQ(w.query({"gateway", "tokens", ""}), "words\ncreate\nlist\nrevoke\nset-limits\n");
    EXPECT_EQ(w.query({"gateway", "tokens", "re"}), "words\nrevoke\n");
}

TEST(NestedCompletion, OptionsOfALeafAndTheValuesOfAChoice) {
    CompletionWorld w;
    std::string out = w.query({"gateway", "logs", "-"});
    EXPECT_TRUE(contains(out, "\n--lines\n")) << out;
    EXPECT_TRUE(contains(out, "\n--follow\n")) << out;
    EXPECT_TRUE(contains(out, "\n--help\n")) << out;
    EXPECT_EQ(w.query({"gateway", "install", "--tier", ""}), "words\nlocal\nteam\n");
    EXPECT_EQ(w.query({"gateway", "install", "--tier", "t"}), "words\nteam\n");
    // bash splits "--tier=t" at the '='; zsh and fish keep it one word.
    EXPECT_EQ(w.query({"gateway", "install", "--tier", "=", "l"}), "words\nlocal\n");
    EXPECT_EQ(w.query({"gateway", "install", "--tier=l"}), "words\n--tier=local\n");
    // A value that is text offers nothing, and the word after it is not taken for it.
    EXPECT_EQ(w.query({"gateway", "install", "--port", ""}), "none\n");
    EXPECT_EQ(w.query({"gateway", "config", "set", "anthropic-b"}), "words\nanthropic-base-url\n");
    EXPECT_EQ(w.query({"wizard", "--section", "g"}), "words\ngateway\n");
}

TEST(NestedCompletion, FleetRestartCompletesTheRostersAgentsThroughTheFleetService) {
    CompletionWorld w;
    w.write_roster("  - { name: coder-1, runtime: claude }\n  - { name: reviewer, runtime: codex }\n");
    EXPECT_EQ(w.query({"fleet", "restart", ""}), "words\ncoder-1\nreviewer\n");
    EXPECT_EQ(w.query({"fleet", "restart", "co"}), "words\ncoder-1\n");
    EXPECT_EQ(w.query({"fleet", "restart", "--max-wait", "5", "r"}), "words\nreviewer\n");
    EXPECT_EQ(w.query({"fleet", "remove", ""}), "words\ncoder-1\nreviewer\n");
    EXPECT_EQ(w.query({"fleet", "add", "new", "--reports-to", ""}), "words\ncoder-1\nreviewer\n");
    // The agent plugin asks the fleet through its own service.
    EXPECT_EQ(w.query({"agent", "tail", "rev"}), "words\nreviewer\n");
    EXPECT_EQ(w.query({"yolo", "c"}), "words\nclaude\ncodex\n");
    // The host's own options among the words change nothing.
    EXPECT_EQ(w.query({"fleet", "-y", "restart", "--no-color", "rev"}), "words\nreviewer\n");
}

TEST(NestedCompletion, WithoutARosterThereIsNothingToOffer) {
    CompletionWorld w;
    EXPECT_EQ(w.query({"fleet", "restart", ""}), "words\n");
}

TEST(NestedCompletion, AThirdPartyTreeWithChoicesFilesDirectoriesAndItsOwnService) {
    CompletionWorld w;
    EXPECT_EQ(w.query({"fixture-tree", ""}), "words\npaint\npick\n");
    EXPECT_EQ(w.query({"fixture-tree", "paint", "--colour", "g"}), "words\ngreen\n");
    EXPECT_EQ(w.query({"fixture-tree", "paint", "-c", ""}), "words\nred\ngreen\nblue\n");
    EXPECT_EQ(w.query({"fixture-tree", "paint", "--out", ""}), "directory\n");
    EXPECT_EQ(w.query({"fixture-tree", "paint", "--dry-run", ""}), "file\n");
    EXPECT_EQ(w.query({"fixture-tree", "paint", "x", ""}), "none\n");
    EXPECT_EQ(w.query({"fixture-tree", "paint", "--d"}), "words\n--dry-run\n");
    EXPECT_EQ(w.query({"fixture-tree", "pick", "ap"}), "words\napple\napricot\n");
}

// Without a dynamic value, completion reads the manifest only: a library that aborts when it
// is opened, in the place of fixture-tree's, is never opened.
TEST(NestedCompletion, NeedsNoLibraryBelowTheCommand) {
    CompletionWorld w;
    fs::copy_file(fixture_library("fixture-abort"), w.dir / "fixture-tree.so", fs::copy_options::overwrite_existing);
    w.env.env["MOSAIC_FIXTURE_ABORT"] = "1";
    EXPECT_EQ(w.query({"fixture-tree", "paint", "--colour", "r"}), "words\nred\n");
    EXPECT_EQ(w.query({"gateway", "tokens", "l"}), "words\nlist\n");
}

TEST(NestedCompletion, AVersion1ManifestStillCompletesItsTopLevelAndThenFileNames) {
    CompletionWorld w;
    json v1 = fixture_manifest("fixture-old");
    ASSERT_EQ(v1["schema"], 1);
    write_manifest(w.dir, v1);
    fs::copy_file(fixture_library("fixture-good"), w.dir / "fixture-old.so");
    auto r = w.env.mosaic({"--plugin-dir", w.dir.string(), "completion", "--commands"});
    EXPECT_TRUE(contains(r.out, "\nfixture-old\n")) << r.out;
    EXPECT_EQ(w.query({"fixture-old", "x"}), "file\n");
    // The first-party and fixture manifests this tree built with trees are schema 2; one
    // without any tree stays schema 1.
    auto schema_of = [](const fs::path& p) { return json::parse(std::ifstream(p))["schema"].get<int>(); };
    EXPECT_EQ(schema_of(fs::path(mosaic::test_paths::plugin_build_dir) / "fleet.plugin.json"), 2);
    EXPECT_EQ(schema_of(w.dir / "fixture-tree.plugin.json"), 2);
    EXPECT_EQ(schema_of(w.dir / "fixture-good.plugin.json"), 1);
}

// The bash script itself, as bash calls it on TAB.
TEST(NestedCompletion, TheBashScriptCompletesNestedWords) {
    CompletionWorld w;
    w.write_roster("  - { name: coder-1, runtime: claude }\n  - { name: reviewer, runtime: codex }\n");
    auto script = w.env.root / "mosaic.bash";
    std::ofstream(script) << w.env.mosaic({"completion", "bash"}).out;
    auto complete = [&](const std::string& words, int cword) { return bash_complete(w.env, script, words, cword); };
    std::string mosaic = mosaic::test_paths::mosaic_exe;
    auto r = complete(mosaic + " gateway tokens ''", 3);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "create\nlist\nrevoke\nset-limits\n");
    EXPECT_EQ(complete(mosaic + " --plugin-dir " + w.dir.string() + " fleet restart c", 5).out, "coder-1\n");
    EXPECT_EQ(complete(mosaic + " gateway install --tier = t", 5).out, "team\n");
    EXPECT_EQ(complete(mosaic + " --plugin-dir " + w.dir.string() + " fixture-tree paint --colour b", 6).out, "blue\n");
    // A file value: bash's own file names.
    std::ofstream(w.env.root / "picture.png") << "x";
    EXPECT_EQ(complete(mosaic + " --plugin-dir " + w.dir.string() + " fixture-tree paint pic", 5).out, "picture.png\n");
}
