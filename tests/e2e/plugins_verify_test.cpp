// `mosaic plugins verify` and the ABI 1.1 additions, driven through the built `mosaic` with
// the compatibility fixtures copied into a private plugin directory.
#include <sys/stat.h>

#include <csignal>
#include <fstream>

#include <mosaic/plugin_abi.h>
#include <mosaic/support/file.hpp>

#include <gtest/gtest.h>

#include "plugin_world.hpp"

using namespace mosaic::testing;
using nlohmann::json;

namespace {

struct Verify {
    MosaicTestEnv env;
    fs::path dir = env.root / "plugins";
    Verify() { fs::create_directories(dir); }
    mosaic::support::ProcessResult run(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--plugin-dir", dir.string()});
        return env.mosaic(args);
    }
    // The checks of plugin `name` in `plugins verify --json`, as name -> {ok, detail}.
    std::map<std::string, json> checks(const json& doc, const std::string& name) const {
        std::map<std::string, json> out;
        for (const auto& p : doc["plugins"])
            if (p["plugin"] == name)
                for (const auto& c : p["checks"]) out[c["name"]] = c;
        return out;
    }
};

}  // namespace

TEST(PluginsVerify, AGoodPluginPassesEveryCheckAndExitsZero) {
    Verify v;
    install_fixture(v.dir, "fixture-doctor");
    auto r = v.run({"plugins", "verify", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    json doc = json::parse(r.out);
    EXPECT_EQ(doc["ok"], true);
    auto c = v.checks(doc, "fixture-doctor");
    for (const char* name : {"manifest", "exports", "library", "start", "doctor"}) {
        ASSERT_TRUE(c.count(name)) << name << " missing in " << r.out;
        EXPECT_EQ(c[name]["ok"], true) << name << ": " << c[name]["detail"];
    }
    EXPECT_EQ(c["exports"]["detail"], "mosaic_plugin_query alone");
    EXPECT_EQ(c["doctor"]["detail"], "'fixture-doctor.doctor' answers 2 check(s) as the contract says");
    // The table says the same.
    r = v.run({"plugins", "verify"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(contains(r.out, "every plugin passed")) << r.out;
}

TEST(PluginsVerify, ExtraExportsFailTheExportsCheckNamingThem) {
    Verify v;
    install_fixture(v.dir, "fixture-leaky");
    install_fixture(v.dir, "fixture-good");
    auto r = v.run({"plugins", "verify", "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    json doc = json::parse(r.out);
    auto leaky = v.checks(doc, "fixture-leaky");
    EXPECT_EQ(leaky["exports"]["ok"], false);
    EXPECT_TRUE(contains(leaky["exports"]["detail"], "mosaic_fixture_extra_export")) << leaky["exports"];
    EXPECT_EQ(leaky["library"]["ok"], true);  // it still loads: only the exports are wrong
    EXPECT_EQ(v.checks(doc, "fixture-good")["exports"]["ok"], true);
    // Naming one plugin verifies that one alone.
    r = v.run({"plugins", "verify", "fixture-good", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(json::parse(r.out)["plugins"].size(), 1u);
}

TEST(PluginsVerify, ACrashWhileLoadingIsContainedAndTheOthersAreStillChecked) {
    Verify v;
    install_fixture(v.dir, "fixture-abort");
    install_fixture(v.dir, "fixture-good");
    v.env.env["MOSAIC_FIXTURE_ABORT"] = "1";
    auto r = v.run({"plugins", "verify", "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err, "");  // the child's crash line goes nowhere: the report says it
    json doc = json::parse(r.out);
    auto c = v.checks(doc, "fixture-abort");
    EXPECT_EQ(c["crash"]["ok"], false);
    EXPECT_EQ(c["crash"]["detail"], "crashed with SIGABRT while loading");
    EXPECT_EQ(v.checks(doc, "fixture-good")["start"]["ok"], true);
}

TEST(PluginsVerify, APluginThatNeverFinishesLoadingIsStoppedAtTheTimeout) {
    Verify v;
    install_fixture(v.dir, "fixture-abort");
    v.env.env["MOSAIC_FIXTURE_ABORT"] = "hang";
    auto r = v.run({"plugins", "verify", "--timeout", "1", "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto c = v.checks(json::parse(r.out), "fixture-abort");
    EXPECT_EQ(c["time"]["detail"], "no answer within 1 s while loading");
}

TEST(PluginsVerify, ManifestProblemsAndLoadRefusalsFailWithTheirReason) {
    Verify v;
    install_fixture(v.dir, "fixture-init-throws");
    install_fixture(v.dir, "fixture-newer-minor");
    install_fixture(v.dir, "fixture-no-entry");
    auto r = v.run({"plugins", "verify", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    json doc = json::parse(r.out);
    auto init = v.checks(doc, "fixture-init-throws");
    EXPECT_EQ(init["library"]["ok"], true);
    EXPECT_EQ(init["start"]["ok"], false);
    EXPECT_TRUE(contains(init["start"]["detail"], "fixture init failed on purpose")) << init["start"];
    auto newer = v.checks(doc, "fixture-newer-minor");
    EXPECT_EQ(newer["manifest"]["ok"], false);
    EXPECT_TRUE(contains(newer["manifest"]["detail"], "this mosaic supports ABI")) << newer["manifest"];
    EXPECT_FALSE(newer.count("library"));  // never loaded
    auto none = v.checks(doc, "fixture-no-entry");
    EXPECT_EQ(none["exports"]["detail"], "it does not export mosaic_plugin_query");
    EXPECT_EQ(none["library"]["ok"], false);
}

TEST(PluginsVerify, AManifestThatDisagreesWithItsLibraryFails) {
    Verify v;
    install_fixture(v.dir, "fixture-good");
    json m = json::parse(std::ifstream(v.dir / "fixture-good.plugin.json"));
    m["version"] = "9.9.9";
    write_manifest(v.dir, m);
    auto r = v.run({"plugins", "verify", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    auto c = v.checks(json::parse(r.out), "fixture-good");
    EXPECT_TRUE(contains(c["library"]["detail"], "version '9.9.9' in the manifest, '1.0.0' in the library")) << c["library"];
}

TEST(PluginsVerify, UnknownNamesAndOptionsAreUsageErrors) {
    Verify v;
    install_fixture(v.dir, "fixture-good");
    auto r = v.run({"plugins", "verify", "fixture-goo"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "mosaic: error: no plugin named 'fixture-goo' was found; did you mean 'fixture-good'?\n");
    r = v.run({"plugins", "verify", "--timeout", "0"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "'--timeout'")) << r.err;
    r = v.run({"plugins", "verify", "--bogus"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(v.run({"plugins", "verify", "--help"}).exit_code, 0);
}

// ABI 1.1: a plugin built against the 1.0 header, as released, still loads and runs; the host
// hands it the newer, longer table, of which it reads only what it knows.
TEST(AbiCompatibility, APluginBuiltAgainstTheOnePointZeroHeaderLoadsAndRuns) {
    Verify v;
    install_fixture(v.dir, "fixture-abi-1-0");
    json m = json::parse(std::ifstream(v.dir / "fixture-abi-1-0.plugin.json"));
    EXPECT_EQ(m["abi"], json({{"major", 1}, {"minor", 0}}));
    auto r = v.run({"fixture-abi-1-0", "abi"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "built 1.0, host 1." + std::to_string(MOSAIC_ABI_MINOR) + " size " +
                         std::to_string(sizeof(mosaic_host_v1)) + "\n");
    EXPECT_EQ(v.run({"fixture-abi-1-0", "echo", "still", "here"}).out, "still\nhere\n");
    EXPECT_EQ(v.run({"fixture-abi-1-0", "call", "fixture-abi-1-0.echo", "{\"a\":1}"}).out, "{\"from\":\"fixture-abi-1-0\",\"a\":1}\n");
    r = v.run({"plugins", "verify", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(v.run({"plugins", "list", "--json"}).exit_code, 0);
}

TEST(AbiCompatibility, APluginNewerThanTheHostIsRefusedNamingBothVersions) {
    Verify v;
    install_fixture(v.dir, "fixture-newer-minor");
    auto r = v.run({"fixture-newer-minor", "echo", "x"});
    EXPECT_EQ(r.exit_code, 3);
    const std::string host = "1." + std::to_string(MOSAIC_ABI_MINOR), newer = "1." + std::to_string(MOSAIC_ABI_MINOR + 1);
    EXPECT_TRUE(contains(r.err, "was built for plugin ABI " + newer + "; this mosaic supports ABI " + host)) << r.err;
}

TEST(AbiOnePointOne, APluginAsksTheHostsVersionAndItsOwnDirectories) {
    Verify v;
    install_fixture(v.dir, "fixture-good");
    auto r = v.run({"fixture-good", "host-version"});
    EXPECT_EQ(r.out, std::string(MOSAIC_TEST_VERSION) + "\n");
    const fs::path home = v.env.env.at("MOSAIC_HOME");
    const fs::path cache = v.env.env.count("XDG_CACHE_HOME") ? fs::path(v.env.env.at("XDG_CACHE_HOME"))
                                                             : fs::path(v.env.env.at("HOME")) / ".cache";
    const std::map<std::string, fs::path> want{{"data", home / "plugins/fixture-good"},
                                               {"config", home / "config/fixture-good"},
                                               {"cache", cache / "mosaic/plugins/fixture-good"}};
    for (const auto& [kind, dir] : want) {
        ASSERT_FALSE(fs::exists(dir)) << dir;
        r = v.run({"fixture-good", "dir", kind});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, dir.string() + "\n");
        struct stat st {};
        ASSERT_EQ(::stat(dir.c_str(), &st), 0) << dir;
        EXPECT_EQ(st.st_mode & 07777, 0700u) << kind;
    }
    r = v.run({"fixture-good", "dir", "bogus"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "mosaic: error: unknown directory kind 99 (0 data, 1 config, 2 cache)\n");
    // A config directory another user could write to is refused, naming it.
    fs::permissions(home / "config", fs::perms::all);
    r = v.run({"fixture-good", "dir", "config"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, (home / "config").string())) << r.err;
}

// ABI 1.1 describe(): the tree a plugin gives is the one its manifest holds, or verify says
// which command differs and how to write the manifest again.
TEST(PluginsVerify, ComparesTheManifestsCommandTreesWithWhatDescribeGives) {
    Verify v;
    install_fixture(v.dir, "fixture-tree");
    auto r = v.run({"plugins", "verify", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(v.checks(json::parse(r.out), "fixture-tree")["command tree"]["ok"], true) << r.out;
    json m = json::parse(std::ifstream(v.dir / "fixture-tree.plugin.json"));
    ASSERT_TRUE(m["commands"][0].contains("tree")) << m.dump();
    m["commands"][0]["tree"]["commands"].erase(0);  // a stale manifest: one subcommand short
    write_manifest(v.dir, m);
    r = v.run({"plugins", "verify", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    auto c = v.checks(json::parse(r.out), "fixture-tree")["command tree"];
    EXPECT_EQ(c["ok"], false);
    EXPECT_EQ(c["detail"], "the manifest's tree of command 'fixture-tree' is not the one describe() gives") << c;
    EXPECT_TRUE(contains(c["fix"], "mosaic-plugin-manifest")) << c;
}
