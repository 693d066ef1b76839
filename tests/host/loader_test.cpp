// The loader against real fixture libraries, in process (each TEST is its own process
// under ctest, so a library loaded here never leaks into another test).
#include <filesystem>

#include <gtest/gtest.h>

#include "loader.hpp"
#include "manifest.hpp"
#include "mosaic_fixture_paths.hpp"
#include "temp_tree.hpp"

using namespace mosaic::host;
namespace fs = std::filesystem;
using mosaic::host::test::TempTree;

namespace {

std::string fixture(const std::string& name) { return std::string(mosaic::test_paths::fixture_dir) + "/" + name + ".so"; }

mosaic::manifest::Manifest manifest_of(const std::string& name) {
    return mosaic::manifest::load(std::string(mosaic::test_paths::fixture_dir) + "/" + name + ".plugin.json");
}

// What the manifest would say for a fixture the manifest tool cannot describe.
mosaic::manifest::Manifest written_manifest(const std::string& name) {
    mosaic::manifest::Manifest m = manifest_of("fixture-good");
    m.name = name;
    m.library = name + ".so";
    m.summary = "compatibility fixture " + name;
    m.commands = {{name, "fixture command " + name, ""}};
    m.services = {{name + ".echo", "echo the input back"}};
    return m;
}

}  // namespace

TEST(AbiRule, AcceptsSameMajorAndAnOlderOrEqualMinor) {
    EXPECT_TRUE(abi_compatible(1, 0, 1, 0));
    EXPECT_TRUE(abi_compatible(1, 3, 1, 0));  // an older plugin loads
    EXPECT_TRUE(abi_compatible(1, 3, 1, 3));
}

TEST(AbiRule, RefusesANewerMinorOrAnotherMajor) {
    EXPECT_FALSE(abi_compatible(1, 0, 1, 1));
    EXPECT_FALSE(abi_compatible(1, 3, 1, 4));
    EXPECT_FALSE(abi_compatible(1, 0, 2, 0));
    EXPECT_FALSE(abi_compatible(2, 0, 1, 0));
}

TEST(AbiRule, RefusalNamesTheFileAndBothVersions) {
    EXPECT_EQ(abi_refusal("/p/x.so", 1, 0, 2, 0),
              "'/p/x.so' was built for plugin ABI 2.0; this mosaic supports ABI 1.0 (same major, minor 0 or older)");
}

TEST(PluginLoader, LoadsAGoodPlugin) {
    auto r = load_plugin(fixture("fixture-good"), manifest_of("fixture-good"));
    ASSERT_NE(r.descriptor, nullptr) << r.error;
    EXPECT_STREQ(r.descriptor->name, "fixture-good");
}

TEST(PluginLoader, RefusesNewerMinorAbi) {
    auto r = load_plugin(fixture("fixture-newer-minor"), manifest_of("fixture-newer-minor"));
    EXPECT_EQ(r.descriptor, nullptr);
    EXPECT_EQ(r.error, abi_refusal(fixture("fixture-newer-minor"), 1, MOSAIC_ABI_MINOR, 1, MOSAIC_ABI_MINOR + 1));
}

TEST(PluginLoader, RefusesOtherMajorAbiEvenWhenTheManifestClaimsOtherwise) {
    auto m = manifest_of("fixture-abi-major");
    m.abi_major = 1;  // a lying manifest: the library's own descriptor decides
    auto r = load_plugin(fixture("fixture-abi-major"), m);
    EXPECT_EQ(r.descriptor, nullptr);
    EXPECT_NE(r.error.find("built for plugin ABI 2.0"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find(fixture("fixture-abi-major")), std::string::npos);
}

TEST(PluginLoader, LoadsAnOlderShorterCommandStructWithoutReadingPastIt) {
    auto r = load_plugin(fixture("fixture-short-command"), written_manifest("fixture-short-command"));
    ASSERT_NE(r.descriptor, nullptr) << r.error;
    auto m = mosaic::manifest::from_descriptor(*r.descriptor, "fixture-short-command.so");
    ASSERT_EQ(m.commands.size(), 1u);
    EXPECT_EQ(m.commands[0].usage, "");  // not covered by its struct_size
}

TEST(PluginLoader, ReportsAMissingEntrySymbol) {
    auto r = load_plugin(fixture("fixture-no-entry"), written_manifest("fixture-no-entry"));
    EXPECT_EQ(r.descriptor, nullptr);
    EXPECT_EQ(r.error, "'" + fixture("fixture-no-entry") + "' is not a mosaic plugin: it does not export 'mosaic_plugin_query'");
}

TEST(PluginLoader, RefusesWhenQueryReturnsNull) {
    auto r = load_plugin(fixture("fixture-query-null"), written_manifest("fixture-query-null"));
    EXPECT_EQ(r.descriptor, nullptr);
    EXPECT_NE(r.error.find("returned NULL"), std::string::npos) << r.error;
}

TEST(PluginLoader, UndefinedSymbolFailsWithTheDynamicLoadersText) {
    auto r = load_plugin(fixture("fixture-undefined-symbol"), written_manifest("fixture-undefined-symbol"));
    EXPECT_EQ(r.descriptor, nullptr);
    EXPECT_NE(r.error.find("undefined symbol: mosaic_fixture_function_nobody_defines"), std::string::npos) << r.error;
}

TEST(PluginLoader, TextFileNamedSoFailsWithTheDynamicLoadersText) {
    TempTree t;
    auto lib = t.root / "fake.so";
    TempTree::write(lib, std::string(20, '#') + " this is a text file, long enough to have an ELF header's size\n");
    auto r = load_plugin(lib.string(), written_manifest("fake"));
    EXPECT_EQ(r.descriptor, nullptr);
    EXPECT_NE(r.error.find("cannot load '" + lib.string() + "': "), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("ELF"), std::string::npos) << r.error;  // glibc: "invalid ELF header"
}

TEST(PluginLoader, RefusesALibraryThatDisagreesWithItsManifest) {
    auto m = manifest_of("fixture-good");
    m.version = "9.9.9";
    auto r = load_plugin(fixture("fixture-good"), m);
    EXPECT_EQ(r.descriptor, nullptr);
    EXPECT_EQ(r.error, "'" + fixture("fixture-good") +
                           "' does not match its manifest: version '9.9.9' in the manifest, '1.0.0' in the library");
}

TEST(PluginLoader, LoadsAStrippedCopy) {
    std::string lib = std::string(mosaic::test_paths::stripped_fixture_dir) + "/fixture-good.so";
    auto r = load_plugin(lib, manifest_of("fixture-good"));
    ASSERT_NE(r.descriptor, nullptr) << r.error;
    EXPECT_LT(fs::file_size(lib), fs::file_size(fixture("fixture-good")));
}

// The one reader of a descriptor, shared by the loader and the mosaic-plugin-manifest tool:
// malformed descriptors are refused naming the field, whichever of the two reads them.
TEST(DescriptorReader, RefusesNullArraysNullStringsAndShortStructs) {
    auto noop_init = [](const mosaic_host_v1*, void**, mosaic_status*) -> int32_t { return 0; };
    auto noop_run = [](void*, const char*, int32_t, const char* const*, mosaic_status*) -> int32_t { return 0; };
    auto noop_call = [](void*, const char*, const char*, mosaic_status*) -> int32_t { return 0; };
    mosaic_plugin_v1 d{MOSAIC_ABI_MAJOR, MOSAIC_ABI_MINOR, sizeof(mosaic_plugin_v1), "p", "1", "v", "s",
                       nullptr, 1, nullptr, 0, noop_init, noop_run, noop_call, nullptr};
    auto why = [&] {
        try {
            mosaic::manifest::from_descriptor(d, "p.so");
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(why(), "descriptor 'commands' is NULL");
    mosaic_command_v1 short_command{MOSAIC_ABI_MAJOR, MOSAIC_ABI_MINOR, 12, "p", "s", nullptr};
    const mosaic_command_v1* commands[] = {&short_command};
    d.commands = commands;
    EXPECT_EQ(why(), "descriptor 'commands[0]' struct_size 12 is too small");
    short_command.struct_size = sizeof(mosaic_command_v1);
    short_command.name = nullptr;
    EXPECT_EQ(why(), "descriptor field 'commands[0].name' is NULL");
    short_command.name = "p";
    d.service_count = 1;
    EXPECT_EQ(why(), "descriptor 'services' is NULL");
    d.service_count = 0;
    d.struct_size = 40;
    EXPECT_EQ(why(), "descriptor struct_size 40 is too small");
    d.struct_size = sizeof(mosaic_plugin_v1);
    EXPECT_EQ(why(), "accepted");
}
