#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "discovery.hpp"
#include "manifest_index.hpp"
#include "temp_tree.hpp"

using namespace mosaic::host;
using mosaic::host::test::TempTree;

namespace {

DiscoveryRules rules_with_index(const std::filesystem::path& index_dir, std::vector<std::string>* log = nullptr) {
    DiscoveryRules r;
    r.builtins = builtin_names();
    r.host_abi_major = 1;
    r.host_abi_minor = 0;
    r.index_dir = index_dir.string();
    if (log) r.debug = [log](const std::string& m) { log->push_back(m); };
    return r;
}

std::string index_line(const std::vector<std::string>& log) {
    for (const auto& l : log)
        if (l.rfind("manifest index", 0) == 0) return l;
    return "";
}

std::vector<std::tuple<std::string, PluginStatus, std::string>> summary(const Discovery& d) {
    std::vector<std::tuple<std::string, PluginStatus, std::string>> out;
    for (const auto& p : d.plugins) out.emplace_back(p.name, p.status, p.manifest ? p.manifest->summary : p.detail);
    return out;
}

}  // namespace

TEST(ManifestIndex, EncodeDecodeRoundTripsAwkwardStrings) {
    mosaic::manifest::Manifest m;
    m.name = "odd";
    m.library = "odd.so";
    m.abi_major = 1;
    m.version = "1.0";
    m.vendor = "tab\there";
    m.summary = "new\nline and back\\slash \\t literal";
    m.commands = {{"odd", "", "usage\twith\ttabs", R"({"commands":[{"name":"x","summary":"tab\there\nand line"}]})"}};
    m.services = {{"odd.x", "s"}};
    std::string line = ManifestIndex::encode_record("odd.plugin.json", {7, 100, 123456789}, m);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto rec = ManifestIndex::parse_record(line);
    ASSERT_TRUE(rec.has_value());
    EXPECT_EQ(rec->file, "odd.plugin.json");
    EXPECT_EQ(rec->key, (ManifestKey{7, 100, 123456789}));
    auto value = ManifestIndex::decode_value(rec->value);
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(std::get<mosaic::manifest::Manifest>(*value), m);

    std::string bad = ManifestIndex::encode_record("bad.plugin.json", {8, 3, 1}, std::string("missing key 'name'"));
    auto bad_value = ManifestIndex::decode_value(ManifestIndex::parse_record(bad)->value);
    ASSERT_TRUE(bad_value.has_value());
    EXPECT_EQ(std::get<std::string>(*bad_value), "missing key 'name'");
}

// Start-up keeps no tree (tree_of ""), completion only its command's: the others are
// stepped over by their length, never unescaped.
TEST(ManifestIndex, KeepsOnlyTheTreeAskedFor) {
    mosaic::manifest::Manifest m;
    m.name = "two";
    m.library = "two.so";
    m.commands = {{"one", "s", "", R"({"args":[{"kind":"text","name":"a\tb"}]})"}, {"two", "s", "", "{}"}};
    const std::string line = ManifestIndex::encode_record("two.plugin.json", {1, 2, 3}, m);  // rec views into it
    auto rec = ManifestIndex::parse_record(line);
    ASSERT_TRUE(rec.has_value());
    auto all = ManifestIndex::decode_value(rec->value);
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(std::get<mosaic::manifest::Manifest>(*all), m);
    auto one = std::get<mosaic::manifest::Manifest>(*ManifestIndex::decode_value(rec->value, std::string("one")));
    EXPECT_EQ(one.commands[0].tree, m.commands[0].tree);
    EXPECT_EQ(one.commands[1].tree, "");
    auto none = std::get<mosaic::manifest::Manifest>(*ManifestIndex::decode_value(rec->value, std::string()));
    EXPECT_EQ(none.commands[0].tree, "");
    EXPECT_EQ(none.commands[1].tree, "");
    // A length that runs past the record, or that is not followed by the next field, is refused.
    std::string value(rec->value);
    auto at = value.find("41:");  // 40 characters, one of them a backslash, escaped
    ASSERT_NE(at, std::string::npos) << value;
    EXPECT_FALSE(ManifestIndex::decode_value(value.substr(0, at) + "9999:" + value.substr(at + 3)).has_value());
    EXPECT_FALSE(ManifestIndex::decode_value(value.substr(0, at) + "40:" + value.substr(at + 3)).has_value());
}

TEST(ManifestIndex, RejectsMalformedRecords) {
    std::string line = ManifestIndex::encode_record("a.plugin.json", {1, 2, 3}, std::string("e"));
    EXPECT_FALSE(ManifestIndex::parse_record("a.plugin.json\tx\t2\t3\terr\te").has_value());
    EXPECT_FALSE(ManifestIndex::parse_record("a.plugin.json\t1\t2").has_value());
    EXPECT_FALSE(ManifestIndex::decode_value("ok\tname-only").has_value());
    EXPECT_FALSE(ManifestIndex::decode_value("what\tever").has_value());
    EXPECT_TRUE(ManifestIndex::decode_value(ManifestIndex::parse_record(line)->value).has_value());
}

// A record is decoded under the same rules as a manifest file: one edited to point the
// library out of its directory, or to carry a name no manifest may have, is not trusted (the
// manifest is read again instead).
TEST(ManifestIndex, ARecordBreakingTheManifestRulesIsNotTrusted) {
    mosaic::manifest::Manifest m;
    m.name = "ok";
    m.library = "ok.so";
    m.abi_major = 1;
    m.commands = {{"ok", "s", ""}};
    auto decoded = [](const mosaic::manifest::Manifest& x) {
        std::string line = ManifestIndex::encode_record("x.plugin.json", {1, 2, 3}, x);
        return ManifestIndex::decode_value(ManifestIndex::parse_record(line)->value).has_value();
    };
    EXPECT_TRUE(decoded(m));
    for (const char* library : {"../evil.so", "/lib/evil.so", "a/b.so", ""}) {
        auto bad = m;
        bad.library = library;
        EXPECT_FALSE(decoded(bad)) << library;
    }
    auto bad_name = m;
    bad_name.name = "Evil Name";
    EXPECT_FALSE(decoded(bad_name));
    auto bad_command = m;
    bad_command.commands[0].name = "--help";
    EXPECT_FALSE(decoded(bad_command));
}

TEST(ManifestIndex, SecondDiscoveryIsServedFromTheIndexAndAgrees) {
    TempTree t;
    auto dir = t.dir("plugins");
    TempTree::plugin(dir, "alpha", {"alpha"});
    TempTree::plugin(dir, "beta", {"beta"});
    TempTree::write(dir / "broken.plugin.json", "{ not json");
    std::vector<std::string> log1, log2;
    auto first = discover({{dir, "x"}}, rules_with_index(t.root / "cache", &log1));
    auto second = discover({{dir, "x"}}, rules_with_index(t.root / "cache", &log2));
    EXPECT_NE(index_line(log1).find("0 cached, 3 parsed"), std::string::npos) << index_line(log1);
    EXPECT_NE(index_line(log2).find("3 cached, 0 parsed"), std::string::npos) << index_line(log2);
    EXPECT_EQ(summary(first), summary(second));
    auto uncached = discover({{dir, "x"}}, rules_with_index(""));
    EXPECT_EQ(summary(first), summary(uncached));
}

TEST(ManifestIndex, InPlaceEditOfAManifestIsNoticed) {
    TempTree t;
    auto dir = t.dir("plugins");
    TempTree::plugin(dir, "alpha", {"alpha"});
    discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    // Rewrite the same file in place (same inode, different size): the index must not win.
    {
        std::ofstream out(dir / "alpha.plugin.json", std::ios::trunc);
        out << R"({"schema":1,"name":"alpha","library":"alpha.so","abi":{"major":1,"minor":0},"version":"2.0.0",)"
            << R"("vendor":"tests","summary":"edited in place","commands":[{"name":"alpha","summary":"s"}]})";
    }
    auto d = discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    ASSERT_EQ(d.plugins.size(), 1u);
    EXPECT_EQ(d.plugins[0].manifest->summary, "edited in place");
}

TEST(ManifestIndex, AddedAndRemovedPluginsAreNoticed) {
    TempTree t;
    auto dir = t.dir("plugins");
    TempTree::plugin(dir, "alpha", {"alpha"});
    discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    TempTree::plugin(dir, "gamma", {"gamma"});
    std::filesystem::remove(dir / "alpha.plugin.json");
    auto d = discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    ASSERT_EQ(d.plugins.size(), 1u);
    EXPECT_EQ(d.plugins[0].name, "gamma");
}

TEST(ManifestIndex, CorruptIndexIsIgnoredAndRewritten) {
    TempTree t;
    auto dir = t.dir("plugins");
    TempTree::plugin(dir, "alpha", {"alpha"});
    discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    for (const auto& f : std::filesystem::directory_iterator(t.root / "cache"))
        TempTree::write(f.path(), "mosaic-plugin-index\t3\n" + dir.string() + "\ngarbage\n");
    std::vector<std::string> log;
    auto d = discover({{dir, "x"}}, rules_with_index(t.root / "cache", &log));
    ASSERT_EQ(d.plugins.size(), 1u);
    EXPECT_EQ(d.plugins[0].status, PluginStatus::ok);
    EXPECT_NE(index_line(log).find("0 cached, 1 parsed"), std::string::npos);
    log.clear();
    discover({{dir, "x"}}, rules_with_index(t.root / "cache", &log));
    EXPECT_NE(index_line(log).find("1 cached, 0 parsed"), std::string::npos) << "rewritten after the corrupt one";
}

// Version 3 records carry each command's tree: an index of version 2 (records without it)
// is not read at all, so a manifest's tree is never lost to an old index.
TEST(ManifestIndex, AnIndexOfTheVersionBeforeTreesIsRebuilt) {
    TempTree t;
    auto dir = t.dir("plugins");
    TempTree::plugin(dir, "alpha", {"alpha"});
    discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    std::filesystem::path file;
    for (const auto& f : std::filesystem::directory_iterator(t.root / "cache")) file = f.path();
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(text.rfind("mosaic-plugin-index\t3\n", 0), 0u) << text;
    TempTree::write(file, "mosaic-plugin-index\t2\n" + text.substr(text.find('\n') + 1));
    std::vector<std::string> log;
    discover({{dir, "x"}}, rules_with_index(t.root / "cache", &log));
    EXPECT_NE(index_line(log).find("0 cached, 1 parsed"), std::string::npos) << index_line(log);
}

TEST(ManifestIndex, RecordsAreKeptSortedAndAnUnsortedIndexIsRewritten) {
    TempTree t;
    auto dir = t.dir("plugins");
    for (const char* name : {"delta", "alpha", "charlie", "bravo"}) TempTree::plugin(dir, name, {name});
    discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    std::filesystem::path file;
    for (const auto& f : std::filesystem::directory_iterator(t.root / "cache")) file = f.path();
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    ASSERT_EQ(lines.size(), 6u);  // magic, directory, 4 records
    for (std::size_t i = 3; i < lines.size(); ++i) EXPECT_LT(lines[i - 1], lines[i]) << "record " << i;

    // Swap two records: a valid record order is part of the format, so the index is ignored.
    std::swap(lines[2], lines[5]);
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    TempTree::write(file, text);
    std::vector<std::string> log;
    auto d = discover({{dir, "x"}}, rules_with_index(t.root / "cache", &log));
    EXPECT_EQ(d.plugins.size(), 4u);
    EXPECT_NE(index_line(log).find("0 cached, 4 parsed"), std::string::npos) << index_line(log);
    log.clear();
    discover({{dir, "x"}}, rules_with_index(t.root / "cache", &log));
    EXPECT_NE(index_line(log).find("4 cached, 0 parsed"), std::string::npos) << index_line(log);
}

TEST(ManifestIndex, LookupsOutOfOrderStillHit) {
    TempTree t;
    auto dir = t.dir("plugins");
    for (const char* name : {"alpha", "bravo", "charlie"}) TempTree::plugin(dir, name, {name});
    discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    auto canon = std::filesystem::canonical(dir).string();
    ManifestIndex index((t.root / "cache").string(), canon);
    for (const char* f : {"charlie.plugin.json", "alpha.plugin.json", "bravo.plugin.json", "alpha.plugin.json"})
        EXPECT_TRUE(std::holds_alternative<mosaic::manifest::Manifest>(index.get(f))) << f;
    EXPECT_EQ(index.hits(), 4u);
    EXPECT_EQ(index.misses(), 0u);
}

TEST(ManifestIndex, UnwritableIndexLocationOnlyCostsTheParse) {
    TempTree t;
    auto dir = t.dir("plugins");
    TempTree::plugin(dir, "alpha", {"alpha"});
    TempTree::write(t.root / "not-a-dir", "x");  // the index dir cannot be created under a file
    auto d = discover({{dir, "x"}}, rules_with_index(t.root / "not-a-dir/cache"));
    ASSERT_EQ(d.plugins.size(), 1u);
    EXPECT_EQ(d.plugins[0].status, PluginStatus::ok);
}

TEST(ManifestIndex, ALinkPlantedAtItsTemporaryFileIsNotWrittenThrough) {
    TempTree t;
    auto dir = t.dir("plugins");
    TempTree::plugin(dir, "alpha", {"alpha"});
    ManifestIndex probe((t.root / "cache").string(), std::filesystem::canonical(dir).string());
    auto victim = t.root / "victim";
    TempTree::write(victim, "precious\n");
    std::filesystem::create_directories(t.root / "cache");
    std::filesystem::create_symlink(victim, probe.file() + ".tmp." + std::to_string(::getpid()));
    auto d = discover({{dir, "x"}}, rules_with_index(t.root / "cache"));
    ASSERT_EQ(d.plugins.size(), 1u);
    std::ifstream in(victim);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "precious\n");
    EXPECT_FALSE(std::filesystem::is_symlink(probe.file()));
}
