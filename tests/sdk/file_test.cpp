#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/testing/fake_host.hpp>

namespace fs = std::filesystem;
using namespace mosaic::support;
using mosaic::testing::TempDir;

namespace {
mode_t mode_of(const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
}
void write_raw(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
}  // namespace

TEST(AtomicWrite, CreatesParentsAndWritesContent) {
    TempDir t;
    auto p = t.path() / "a/b/c.txt";
    write_file_atomic(p, "hello\n");
    EXPECT_EQ(read_file(p).value(), "hello\n");
    EXPECT_EQ(mode_of(p), 0644u);
}

TEST(AtomicWrite, KeepsTheModeOfTheFileItReplaces) {
    TempDir t;
    auto p = t.path() / "f";
    write_raw(p, "old");
    ::chmod(p.c_str(), 0640);
    write_file_atomic(p, "new");
    EXPECT_EQ(read_file(p).value(), "new");
    EXPECT_EQ(mode_of(p), 0640u);
}

TEST(AtomicWrite, LeavesNoTemporaryFilesBehind) {
    TempDir t;
    write_file_atomic(t.path() / "f", "x");
    write_file_atomic(t.path() / "f", "y");
    int n = 0;
    for (auto& e : fs::directory_iterator(t.path())) (void)e, ++n;
    EXPECT_EQ(n, 1);
}

TEST(AtomicWrite, RemovesTheTemporariesOfKilledWritersOfTheSameFile) {
    TempDir t;
    // A pid that no longer exists: a child that has exited and been reaped.
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(0);
    ASSERT_EQ(::waitpid(child, nullptr, 0), child);
    const std::string dead = std::to_string(child), alive = std::to_string(::getppid());
    const std::vector<std::string> stale{".f.tmp-" + dead + "-a1b2c3"};
    const std::vector<std::string> kept{".f.tmp-" + alive + "-a1b2c3",  // a writer still running
                                        ".f.tmp-x9y8z7",                // no pid in the name
                                        ".g.tmp-" + dead + "-a1b2c3",   // another file's
                                        ".f.tmp-" + dead};              // not this shape
    for (const auto& n : stale) write_raw(t.path() / n, "old secret");
    for (const auto& n : kept) write_raw(t.path() / n, "x");

    write_file_atomic(t.path() / "f", "new");
    EXPECT_EQ(read_file(t.path() / "f").value(), "new");
    for (const auto& n : stale) EXPECT_FALSE(fs::exists(t.path() / n)) << n;
    for (const auto& n : kept) EXPECT_TRUE(fs::exists(t.path() / n)) << n;
}

TEST(AtomicWrite, FailureNamesThePathAndKeepsTheOldFile) {
    TempDir t;
    auto dir = t.path() / "ro";
    fs::create_directories(dir);
    write_raw(dir / "f", "precious");
    ::chmod(dir.c_str(), 0500);
    if (::access((dir / "x").c_str(), F_OK) != 0 && ::geteuid() == 0) {
        // root ignores directory permissions; use a path under a regular file instead.
        try {
            write_file_atomic(dir / "f" / "child", "x");
            FAIL() << "expected an error";
        } catch (const mosaic::Error& e) {
            EXPECT_NE(std::string(e.what()).find((dir / "f").string()), std::string::npos) << e.what();
        }
    } else {
        EXPECT_THROW(write_file_atomic(dir / "f", "new"), mosaic::Error);
    }
    ::chmod(dir.c_str(), 0700);
    EXPECT_EQ(read_file(dir / "f").value(), "precious");
}

TEST(SecretFile, Is0600InA0700Directory) {
    TempDir t;
    auto p = t.path() / "secret/dir/.env";
    write_secret_file(p, "TOKEN=x\n");
    EXPECT_EQ(mode_of(p), 0600u);
    EXPECT_EQ(mode_of(p.parent_path()), 0700u);
    ::chmod(p.c_str(), 0644);
    write_secret_file(p, "TOKEN=y\n");
    EXPECT_EQ(mode_of(p), 0600u) << "an existing secret file is tightened";
}

TEST(JsonFile, MissingFileIsNullopt) {
    TempDir t;
    EXPECT_FALSE(load_json_file(t.path() / "none.json").has_value());
}

TEST(JsonFile, RoundTripsAndKeepsUnknownKeys) {
    TempDir t;
    auto p = t.path() / "c.json";
    write_raw(p, R"({"mine": 1, "theirs": {"deep": [1, 2]}})");
    auto j = load_json_file(p).value();
    j["mine"] = 2;
    store_json_file(p, j);
    auto back = load_json_file(p).value();
    EXPECT_EQ(back["mine"], 2);
    EXPECT_EQ(back["theirs"]["deep"][1], 2);
}

TEST(JsonFile, ParseErrorNamesPathLineAndColumnAndNeverTouchesTheFile) {
    TempDir t;
    auto p = t.path() / "broken.json";
    const std::string text = "{\n  \"a\": 1,\n  \"b\": ,\n}\n";
    write_raw(p, text);
    try {
        load_json_file(p);
        FAIL() << "expected a parse error";
    } catch (const mosaic::Error& e) {
        std::string m = e.what();
        EXPECT_EQ(e.code(), mosaic::exit_usage);
        EXPECT_NE(m.find(p.string()), std::string::npos) << m;
        EXPECT_NE(m.find("line 3"), std::string::npos) << m;
        EXPECT_NE(m.find("column"), std::string::npos) << m;
    }
    EXPECT_EQ(read_file(p).value(), text);
}

TEST(JsonFile, EmptyFileIsAParseErrorNotAnEmptyDocument) {
    TempDir t;
    write_raw(t.path() / "e.json", "");
    EXPECT_THROW(load_json_file(t.path() / "e.json"), mosaic::Error);
}

TEST(EnvFile, ParsesValuesQuotesCommentsAndExport) {
    auto f = EnvFile::parse("# comment\nA=1\nexport B='two words'\nC=\"x\\\"y\"\n\nEMPTY=\n", "t.env");
    EXPECT_EQ(f.get("A"), "1");
    EXPECT_EQ(f.get("B"), "two words");
    EXPECT_EQ(f.get("C"), "x\"y");
    EXPECT_EQ(f.get("EMPTY"), "");
    EXPECT_FALSE(f.get("NOPE").has_value());
}

TEST(EnvFile, SetReplacesOwnedKeysAndKeepsEveryOtherLineVerbatim) {
    auto f = EnvFile::parse("# user note\nUSER_VAR=  keep me  \nOWNED=old\n", "t.env");
    f.set("OWNED", "new value");
    f.set("ADDED", "");
    EXPECT_EQ(f.render(), "# user note\nUSER_VAR=  keep me  \nOWNED='new value'\nADDED=\n");
}

TEST(EnvFile, BadLineNamesFileAndLine) {
    try {
        EnvFile::parse("A=1\nthis is not an assignment\n", "/x/.env");
        FAIL();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot parse '/x/.env' line 2: expected KEY=VALUE; fix or remove the line");
    }
}

TEST(EnvFile, RenderedValuesParseBackToTheSameValues) {
    EnvFile f;
    for (std::string v : {"plain", "with space", "it's", "$HOME", "back\\slash", "q\"uote", ""}) f.set("K" + std::to_string(f.lines.size()), v);
    auto back = EnvFile::parse(f.render(), "r");
    EXPECT_EQ(back.values(), f.values());
}

TEST(UtcStamp, HasTheBackupFormat) {
    auto s = utc_stamp();
    ASSERT_EQ(s.size(), 16u);
    EXPECT_EQ(s[8], 'T');
    EXPECT_EQ(s.back(), 'Z');
}
