// Discovery, `plugins list`, and loading the compatibility fixtures through the binary.
#include <algorithm>
#include <csignal>
#include <fstream>
#include <regex>

#include <mosaic/support/file.hpp>

#include <mosaic/plugin_abi.h>

#include <gtest/gtest.h>

#include "plugin_world.hpp"

using namespace mosaic::testing;
using nlohmann::json;

namespace {

// "1.1": the ABI this host was built with.
std::string host_abi() { return std::to_string(MOSAIC_ABI_MAJOR) + "." + std::to_string(MOSAIC_ABI_MINOR); }

struct World {
    MosaicTestEnv env;
    fs::path a = env.root / "plugins-a", b = env.root / "plugins-b";
    World() {
        fs::create_directories(a);
        fs::create_directories(b);
    }
    mosaic::support::ProcessResult run(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--plugin-dir", a.string()});
        return env.mosaic(args);
    }
    json list() const {
        auto r = run({"plugins", "list", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out);
    }
    // The list entry for plugin `name` (the nth one of that name).
    json entry(const std::string& name, int nth = 0) const {
        json doc = list();
        for (const auto& p : doc["plugins"])
            if (p["name"] == name && nth-- == 0) return p;
        return nullptr;
    }
};

}  // namespace

TEST(PluginsList, ShowsColumnsAndStatusPerPlugin) {
    World w;
    install_fixture(w.a, "fixture-good");
    install_fixture(w.a, "fixture-abi-major");
    auto r = w.run({"plugins", "list"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out.substr(0, r.out.find('\n')).find("NAME"), 0u);
    for (const char* col : {"VERSION", "ABI", "STATUS", "PATH"}) EXPECT_TRUE(contains(r.out, col)) << col;
    EXPECT_TRUE(contains(r.out, "incompatible ABI: '" + (w.a / "fixture-abi-major.so").string() +
                                    "' was built for plugin ABI 2.0; this mosaic supports ABI " + host_abi()))
        << r.out;
    EXPECT_TRUE(contains(r.out, (w.a / "fixture-good.plugin.json").string()));
    EXPECT_EQ(w.run({"plugins"}).out, r.out);
}

TEST(PluginsList, JsonHasOneDocumentWithDetails) {
    World w;
    install_fixture(w.a, "fixture-good");
    json m = fixture_manifest("fixture-nameless");
    m.erase("name");
    std::ofstream(w.a / "fixture-nameless.plugin.json") << m.dump();
    json doc = w.list();
    EXPECT_EQ(w.entry("fixture-good")["status"], "ok");
    EXPECT_EQ(w.entry("fixture-good")["abi"], host_abi());
    EXPECT_EQ(w.entry("fixture-good")["commands"], json::array({"fixture-good"}));
    EXPECT_EQ(w.entry("fixture-nameless")["status"], "invalid manifest");
    EXPECT_EQ(w.entry("fixture-nameless")["detail"], "missing key 'name'");
    EXPECT_EQ(doc["search_path"][0]["origin"], "--plugin-dir");
    EXPECT_TRUE(contains(w.run({"plugins", "list"}).out, "invalid manifest: missing key 'name'"));
}

TEST(PluginsList, StrictFailsOnlyWhenSomePluginIsNeitherOkNorDisabled) {
    World w;
    install_fixture(w.a, "fixture-good");
    install_fixture(w.a, "fixture-collision");
    w.env.env["MOSAIC_PLUGINS_DISABLE"] = "fixture-collision";
    EXPECT_EQ(w.run({"plugins", "list", "--strict"}).exit_code, 0);
    w.env.env.erase("MOSAIC_PLUGINS_DISABLE");
    EXPECT_EQ(w.run({"plugins", "list", "--strict"}).exit_code, 1);
    EXPECT_EQ(w.run({"plugins", "list", "--bogus"}).exit_code, 2);
    EXPECT_TRUE(contains(w.run({"plugins", "--help"}).out, "--strict"));
}

TEST(PluginDiscovery, SamePluginInTwoDirectoriesReportsTheLaterOneShadowed) {
    World w;
    install_fixture(w.a, "fixture-good");
    install_fixture(w.b, "fixture-good");
    w.env.env["MOSAIC_PLUGIN_PATH"] = w.b.string();
    EXPECT_EQ(w.entry("fixture-good", 0)["status"], "ok");
    EXPECT_EQ(w.entry("fixture-good", 0)["path"], (w.a / "fixture-good.plugin.json").string());
    EXPECT_EQ(w.entry("fixture-good", 1)["status"], "shadowed");
    EXPECT_TRUE(contains(w.entry("fixture-good", 1)["detail"], (w.a / "fixture-good.plugin.json").string()));
    EXPECT_EQ(w.run({"fixture-good", "echo", "hi"}).out, "hi\n");
    EXPECT_FALSE(contains(w.run({"--help"}).out, "could not be used"));  // shadowed is not broken
}

TEST(PluginDiscovery, SameDirectoryTwiceInPluginPathIsNotShadowing) {
    World w;
    install_fixture(w.b, "fixture-good");
    w.env.env["MOSAIC_PLUGIN_PATH"] = w.b.string() + ":" + w.b.string() + "/:" + (w.b / "../plugins-b").string();
    auto list = w.list()["plugins"];
    ASSERT_EQ(list.size(), 1u) << list.dump();
    EXPECT_EQ(list[0]["status"], "ok");
    EXPECT_EQ(w.run({"plugins", "list", "--strict"}).exit_code, 0);
}

TEST(PluginDiscovery, FindsPluginsInTheXdgDataDirAndTheSystemPath) {
    MosaicTestEnv env;
    install_fixture(env.home / ".local/share/mosaic/plugins", "fixture-good");
    install_hello(env.system_plugins);
    EXPECT_EQ(env.mosaic({"fixture-good", "echo", "x"}).out, "x\n");
    EXPECT_EQ(env.mosaic({"hello"}).out, "Hello, world!\n");
}

TEST(PluginDiscovery, DisabledPluginsAreListedButNotRun) {
    World w;
    install_fixture(w.a, "fixture-good");
    w.env.env["MOSAIC_PLUGINS_DISABLE"] = "other,fixture-good";
    EXPECT_EQ(w.entry("fixture-good")["status"], "disabled");
    auto r = w.run({"fixture-good", "echo", "x"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "is disabled by MOSAIC_PLUGINS_DISABLE")) << r.err;
    EXPECT_FALSE(contains(w.run({"--help"}).out, "fixture-good"));
}

TEST(PluginDiscovery, DebugVariableExplainsEveryDecision) {
    World w;
    install_fixture(w.a, "fixture-good");
    w.env.env["MOSAIC_DEBUG_PLUGINS"] = "1";
    w.env.env["MOSAIC_PLUGIN_PATH"] = (w.env.root / "does-not-exist").string();
    auto r = w.run({"fixture-good", "echo", "x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "mosaic: plugins: searching '" + w.a.string() + "' (from --plugin-dir)")) << r.err;
    EXPECT_TRUE(contains(r.err, "does-not-exist' (from MOSAIC_PLUGIN_PATH)")) << r.err;
    EXPECT_TRUE(contains(r.err, "plugin 'fixture-good' from")) << r.err;
    EXPECT_TRUE(contains(r.err, "loading '" + (w.a / "fixture-good.so").string() + "'")) << r.err;
}

// A plugin author's first mistake: a library copied without its manifest. Skipped, as
// before, but never without a word under MOSAIC_DEBUG_PLUGINS; and neither is anything else
// in a plugin directory that is not a plugin.
TEST(PluginDiscovery, DebugVariableNamesEveryFileItSkipsIncludingALibraryWithoutAManifest) {
    World w;
    install_fixture(w.a, "fixture-good");
    fs::copy_file(w.a / "fixture-good.so", w.a / "lonely.so");
    std::ofstream(w.a / "README.txt") << "notes\n";
    fs::create_symlink(w.env.root / "nowhere.so", w.a / "dangling.so");
    w.env.env["MOSAIC_DEBUG_PLUGINS"] = "1";
    auto r = w.run({"--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string dir = w.a.string();
    EXPECT_TRUE(contains(r.err, "mosaic: plugins: skipping '" + dir + "/lonely.so': a library no manifest names; "
                                "a plugin needs 'lonely.plugin.json' beside it (docs/plugin-manifest.md)"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "skipping '" + dir + "/dangling.so': a library no manifest names")) << r.err;
    EXPECT_TRUE(contains(r.err, "skipping '" + dir + "/README.txt': not a plugin manifest ('*.plugin.json')")) << r.err;
    EXPECT_FALSE(contains(r.err, "skipping '" + dir + "/fixture-good.so'")) << r.err;
    // Without the variable, not a word.
    w.env.env.erase("MOSAIC_DEBUG_PLUGINS");
    EXPECT_FALSE(contains(w.run({"--help"}).err, "lonely"));
}

namespace {
// The keywords plugin-manifest.schema.json uses (type, const, enum, required, properties,
// items, pattern, minLength, minItems, minimum, maximum, $ref into $defs, allOf; not if/then):
// enough to hold every manifest the tool writes to the published schema. Returns what breaks
// it, empty when nothing does.
std::string schema_violation(const json& root, const json& schema, const json& v, const std::string& at) {
    if (schema.contains("$ref")) {  // then the keywords beside it
        std::string ref = schema["$ref"].get<std::string>();  // "#/$defs/node"
        if (auto e = schema_violation(root, root["$defs"][ref.substr(ref.rfind('/') + 1)], v, at); !e.empty()) return e;
    }
    for (const auto& part : schema.value("allOf", json::array()))
        if (!part.contains("if"))
            if (auto e = schema_violation(root, part, v, at); !e.empty()) return e;
    if (schema.contains("const") && v != schema["const"]) return at + ": not " + schema["const"].dump();
    if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), v) == schema["enum"].end())
        return at + ": not one of " + schema["enum"].dump();
    if (schema.value("type", "") == "boolean" && !v.is_boolean()) return at + ": not a boolean";
    if (v.is_array() && v.size() < schema.value("minItems", 0u)) return at + ": too few items";
    std::string type = schema.value("type", "");
    if (type == "object" && !v.is_object()) return at + ": not an object";
    if (type == "array" && !v.is_array()) return at + ": not an array";
    if (type == "string" && !v.is_string()) return at + ": not a string";
    if (type == "integer" && !v.is_number_integer()) return at + ": not an integer";
    if (v.is_string()) {
        const auto& str = v.get_ref<const std::string&>();
        if (schema.contains("pattern") && !std::regex_search(str, std::regex(schema["pattern"].get<std::string>())))
            return at + ": '" + str + "' does not match " + schema["pattern"].get<std::string>();
        if (str.size() < schema.value("minLength", 0u)) return at + ": too short";
    }
    if (v.is_number_integer()) {
        if (schema.contains("minimum") && v.get<std::int64_t>() < schema["minimum"].get<std::int64_t>()) return at + ": below minimum";
        if (schema.contains("maximum") && v.get<std::int64_t>() > schema["maximum"].get<std::int64_t>()) return at + ": above maximum";
    }
    for (const auto& key : schema.value("required", json::array()))
        if (!v.contains(key.get<std::string>())) return at + ": '" + key.get<std::string>() + "' is missing";
    if (v.is_object() && schema.contains("properties")) {
        for (const auto& [key, value] : v.items()) {
            if (!schema["properties"].contains(key)) return at + ": '" + key + "' is not in the schema";
            if (auto e = schema_violation(root, schema["properties"][key], value, at + "." + key); !e.empty()) return e;
        }
    }
    if (v.is_array() && schema.contains("items"))
        for (std::size_t i = 0; i < v.size(); ++i)
            if (auto e = schema_violation(root, schema["items"], v[i], at + "[" + std::to_string(i) + "]"); !e.empty()) return e;
    return {};
}
}  // namespace

// The published schema describes what the manifest tool really writes: every first-party
// plugin's manifest and the example's validate, and a broken one does not.
TEST(PluginManifestSchema, EveryBuiltManifestValidatesAndABrokenOneDoesNot) {
    json schema = json::parse(std::ifstream(fs::path(mosaic::test_paths::source_dir) / "sdk/manifest/plugin-manifest.schema.json"));
    std::vector<fs::path> manifests{fs::path(mosaic::test_paths::example_plugin_dir) / "hello.plugin.json"};
    for (const auto& e : fs::directory_iterator(mosaic::test_paths::plugin_build_dir))
        if (e.path().string().ends_with(".plugin.json")) manifests.push_back(e.path());
    manifests.push_back(fs::path(mosaic::test_paths::fixture_dir) / "fixture-tree.plugin.json");
    ASSERT_GE(manifests.size(), 3u);
    std::size_t with_trees = 0;
    for (const auto& m : manifests) {
        json doc = json::parse(std::ifstream(m));
        EXPECT_EQ(schema_violation(schema, schema, doc, "manifest"), "") << m;
        json broken = doc;
        broken["name"] = "Not-A-Name";
        EXPECT_NE(schema_violation(schema, schema, broken, "manifest"), "") << m;
        broken = doc;
        broken["library"] = "../elsewhere.so";
        EXPECT_NE(schema_violation(schema, schema, broken, "manifest"), "") << m;
        if (!doc["commands"][0].contains("tree")) continue;
        ++with_trees;
        EXPECT_EQ(doc["schema"], 2) << m;
        broken = doc;
        broken["commands"][0]["tree"]["options"] = {{{"names", {"lines"}}, {"kind", "text"}}};
        EXPECT_NE(schema_violation(schema, schema, broken, "manifest"), "") << m;
        broken = doc;
        broken["commands"][0]["tree"]["args"] = {{{"name", "x"}, {"kind", "colour"}}};
        EXPECT_NE(schema_violation(schema, schema, broken, "manifest"), "") << m;
    }
    EXPECT_GE(with_trees, 5u) << "the first-party plugins and fixture-tree carry trees";
}

TEST(PluginDiscovery, BadInputNeverBreaksTheHost) {
    World w;
    install_hello(w.a);
    std::ofstream(w.a / "garbage.plugin.json") << "\xff\xfe not json";
    std::ofstream(w.a / "array.plugin.json") << "[1, 2]";
    fs::create_directories(w.a / "dir.plugin.json");
    std::ofstream(w.a / "empty.plugin.json");
    w.env.env["MOSAIC_PLUGIN_PATH"] = "/nonexistent:" + (w.a / "hello.so").string() + "::relative";
    auto r = w.run({"hello"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Hello, world!\n");
    r = w.run({"plugins", "list"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "invalid manifest"));
    EXPECT_TRUE(contains(w.run({"--help"}).out, "4 plugins could not be used"));
}

TEST(CommandCollision, BuiltinWinsAndThePluginIsReported) {
    World w;
    install_fixture(w.a, "fixture-collision");
    EXPECT_EQ(w.entry("fixture-collision")["status"], "command collision");
    EXPECT_EQ(w.entry("fixture-collision")["detail"], "command 'plugins' is a built-in command");
    auto r = w.run({"plugins", "list"});
    EXPECT_TRUE(contains(r.out, "command collision: command 'plugins' is a built-in command"));
}

// No plugin can take over another's service: `config.get` belongs to config-hooks.
TEST(ServiceNamespace, APluginProvidingAnotherPluginsServiceIsNotUsed) {
    World w;
    install_fixture(w.a, "fixture-hijack");
    EXPECT_EQ(w.entry("fixture-hijack")["status"], "service outside its namespace");
    EXPECT_EQ(w.entry("fixture-hijack")["detail"],
              "service 'config.get' belongs to plugin 'config-hooks'; plugin 'fixture-hijack' may provide only "
              "'fixture-hijack.*' services");
    EXPECT_EQ(w.run({"plugins", "list", "--strict"}).exit_code, 1);
    auto r = w.run({"fixture-hijack", "echo", "x"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "cannot be used (service outside its namespace: service 'config.get' belongs to plugin "
                                "'config-hooks'")) << r.err;
    // Through another plugin's call, config.get is not served by the hijacker.
    install_fixture(w.a, "fixture-good");
    r = w.run({"fixture-good", "call", "config.get", "{}"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err, "mosaic-plugin-config-hooks")) << r.err;
}

TEST(CommandCollision, EarlierPluginWinsTheCommand) {
    World w;
    install_fixture(w.a, "fixture-good");
    json m = fixture_manifest("fixture-late");
    m["commands"][0]["name"] = "fixture-good";
    write_manifest(w.b, m);
    fs::copy_file(fixture_library("fixture-good"), w.b / "fixture-late.so");
    w.env.env["MOSAIC_PLUGIN_PATH"] = w.b.string();
    EXPECT_EQ(w.entry("fixture-late")["status"], "command collision");
    auto r = w.run({"fixture-good", "echo", "winner"});
    EXPECT_EQ(r.out, "winner\n");
    // Used, the command says which plugin it leaves out.
    EXPECT_EQ(r.err, "mosaic: warning: command 'fixture-good' is also declared by plugin 'fixture-late' (" +
                         (w.b / "fixture-late.plugin.json").string() + "), which is not used; 'fixture-good' (" +
                         (w.a / "fixture-good.plugin.json").string() + ") runs it. See 'mosaic plugins list'\n");
}

// The abort fixture's static constructor aborts when loaded with MOSAIC_FIXTURE_ABORT=1.
TEST(LazyLoading, HelpListAndCompletionNeverOpenALibrary) {
    World w;
    install_fixture(w.a, "fixture-abort");
    w.env.env["MOSAIC_FIXTURE_ABORT"] = "1";
    auto help = w.run({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(contains(help.out, "fixture-abort"));
    EXPECT_EQ(w.run({"plugins", "list"}).exit_code, 0);
    EXPECT_EQ(w.run({"plugins", "list", "--json"}).exit_code, 0);
    EXPECT_EQ(w.run({"completion", "--commands"}).exit_code, 0);
    EXPECT_EQ(w.run({"help", "plugins"}).exit_code, 0);
    EXPECT_EQ(w.run({"unknown-thing"}).exit_code, 2);
}

TEST(LazyLoading, RunningTheAbortFixturesCommandDoesLoadIt) {
    World w;
    install_fixture(w.a, "fixture-abort");
    EXPECT_EQ(w.run({"fixture-abort", "echo", "x"}).out, "x\n");
    w.env.env["MOSAIC_FIXTURE_ABORT"] = "1";
    auto r = w.run({"fixture-abort", "echo", "x"});
    EXPECT_EQ(r.exit_code, 128 + SIGABRT);
    EXPECT_EQ(r.err, "mosaic: error: plugin 'fixture-abort' (" + (w.a / "fixture-abort.so").string() +
                         ") crashed with SIGABRT while loading\n");
}

// A plugin that crashes is named on stderr in one line; the signal still ends the process.
TEST(PluginCrash, ACrashInACommandNamesThePluginItsLibraryAndTheCommand) {
    World w;
    install_fixture(w.a, "fixture-good");
    auto r = w.run({"fixture-good", "abort"});
    EXPECT_EQ(r.exit_code, 128 + SIGABRT);
    const std::string named = "mosaic: error: plugin 'fixture-good' (" + (w.a / "fixture-good.so").string() + ") crashed with ";
    EXPECT_EQ(r.err, named + "SIGABRT while running command 'fixture-good'\n");
    r = w.run({"fixture-good", "segv"});
    EXPECT_TRUE(contains(r.err, named + "SIGSEGV while running command 'fixture-good'\n")) << r.err;
#if !defined(__SANITIZE_ADDRESS__)
    EXPECT_EQ(r.exit_code, 128 + SIGSEGV);  // under ASan, its own report ends the process
#else
    EXPECT_NE(r.exit_code, 0);
#endif
}

// A truncated library is refused before the dynamic loader maps it (it used to kill the host
// with SIGBUS); a text file, see PluginLoading.TextFileNamedSoIsRefusedBeforeTheLoaderSeesIt.
TEST(PluginCrash, ATruncatedLibraryCannotBeLoadedAndExitsThree) {
    World w;
    install_fixture(w.a, "fixture-good");
    const fs::path lib = w.a / "fixture-good.so";
    const std::string whole = mosaic::support::read_file(lib).value();
    for (std::size_t size : {std::size_t(64), std::size_t(4096), std::size_t(20000), whole.size() / 2}) {
        std::ofstream(lib, std::ios::trunc | std::ios::binary) << whole.substr(0, size);
        auto r = w.run({"fixture-good", "echo", "x"});
        EXPECT_EQ(r.exit_code, 3) << size;
        EXPECT_TRUE(contains(r.err, "cannot load '" + lib.string() + "': it is truncated (" + std::to_string(size) + " bytes"))
            << size << ": " << r.err;
    }
}

TEST(PluginLoading, StrippedCopyIsDiscoveredAndRuns) {
    MosaicTestEnv env;
    auto r = env.mosaic({"--plugin-dir", mosaic::test_paths::stripped_fixture_dir, "fixture-good", "echo", "s"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "s\n");
}

TEST(PluginLoading, OlderShorterCommandStructLoads) {
    World w;
    install_fixture(w.a, "fixture-short-command");
    auto r = w.run({"fixture-short-command", "echo", "old"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "old\n");
}

TEST(PluginLoading, AbiMismatchInTheManifestIsRefusedWithoutLoading) {
    World w;
    install_fixture(w.a, "fixture-newer-minor");
    EXPECT_EQ(w.entry("fixture-newer-minor")["status"], "incompatible ABI");
    auto r = w.run({"fixture-newer-minor"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "was built for plugin ABI 1." + std::to_string(MOSAIC_ABI_MINOR + 1) + "; this mosaic supports ABI " + host_abi())) << r.err;
}

TEST(PluginLoading, AbiMismatchHiddenByALyingManifestIsRefusedAtLoad) {
    World w;
    install_fixture(w.a, "fixture-abi-major");
    json m = fixture_manifest("fixture-abi-major");  // claims the host's ABI
    write_manifest(w.a, m);
    EXPECT_EQ(w.entry("fixture-abi-major")["status"], "ok");
    auto r = w.run({"fixture-abi-major", "echo", "x"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err, "mosaic: error: '" + (w.a / "fixture-abi-major.so").string() +
                         "' was built for plugin ABI 2.0; this mosaic supports ABI " + host_abi() + " (same major, minor " +
                         std::to_string(MOSAIC_ABI_MINOR) + " or older)\n");
}

TEST(PluginLoading, LoadFailuresAreReportedAndExit3) {
    struct Case {
        const char* fixture;
        std::string expected;
    };
    for (const Case& c : {Case{"fixture-no-entry", "does not export 'mosaic_plugin_query'"},
                          Case{"fixture-query-null", "mosaic_plugin_query() returned NULL"},
                          Case{"fixture-undefined-symbol", "undefined symbol: mosaic_fixture_function_nobody_defines"}}) {
        World w;
        install_fixture(w.a, c.fixture);
        auto r = w.run({c.fixture, "echo", "x"});
        EXPECT_EQ(r.exit_code, 3) << c.fixture;
        EXPECT_TRUE(contains(r.err, "mosaic: error: ")) << r.err;
        EXPECT_TRUE(contains(r.err, c.expected)) << r.err;
        EXPECT_EQ(w.run({"--help"}).exit_code, 0);
    }
}

TEST(PluginLoading, TextFileNamedSoIsRefusedBeforeTheLoaderSeesIt) {
    World w;
    std::ofstream(w.a / "fixture-text.so") << std::string(100, 'x') << "\nplain text\n";
    write_manifest(w.a, fixture_manifest("fixture-text"));
    auto r = w.run({"fixture-text"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "cannot load '" + (w.a / "fixture-text.so").string() + "': ")) << r.err;
    EXPECT_TRUE(contains(r.err, "it is not an ELF shared library")) << r.err;
}

TEST(PluginLoading, ManifestThatDisagreesWithTheLibraryIsRefused) {
    World w;
    install_fixture(w.a, "fixture-good");
    json m = fixture_manifest("fixture-good");
    m["version"] = "2.0.0";
    write_manifest(w.a, m);
    auto r = w.run({"fixture-good", "echo", "x"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "does not match its manifest: version '2.0.0' in the manifest, '1.0.0' in the library"))
        << r.err;
}

TEST(PluginLoading, MissingLibraryIsReported) {
    World w;
    write_manifest(w.a, fixture_manifest("fixture-gone"));
    EXPECT_EQ(w.entry("fixture-gone")["status"], "missing library");
    auto r = w.run({"fixture-gone"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(contains(r.err, "cannot be used (missing library")) << r.err;
}
