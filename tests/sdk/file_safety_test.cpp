// The SDK's file helpers against files and directories someone else prepared: symbolic links
// (followed for a user's dotfiles, refused for secrets and locks), JSON nested deep enough to
// exhaust a recursive reader or holding duplicate keys, and directories others can write to.
#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/file_lock.hpp>
#include <mosaic/testing/fake_host.hpp>

namespace fs = std::filesystem;
using namespace mosaic::support;
using mosaic::testing::TempDir;

namespace {

void write_raw(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

template <class F>
mosaic::Error error_of(F&& f) {
    try {
        f();
    } catch (const mosaic::Error& e) {
        return e;
    }
    ADD_FAILURE() << "no mosaic::Error was thrown";
    return mosaic::Error(0, "");
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

TEST(AtomicWrite, WritesThroughASymlinkToItsTargetAndKeepsTheLink) {
    TempDir t;
    fs::create_directories(t.path() / "dotfiles");
    fs::create_directories(t.path() / "home");
    write_raw(t.path() / "dotfiles/settings.json", "{}\n");
    ::chmod((t.path() / "dotfiles/settings.json").c_str(), 0640);
    fs::create_symlink("../dotfiles/settings.json", t.path() / "home/settings.json");
    write_file_atomic(t.path() / "home/settings.json", "{\"a\": 1}\n");
    EXPECT_TRUE(fs::is_symlink(t.path() / "home/settings.json"));
    EXPECT_EQ(read_file(t.path() / "dotfiles/settings.json").value(), "{\"a\": 1}\n");
    struct stat st {};
    ::stat((t.path() / "dotfiles/settings.json").c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    for (const auto& dir : {t.path() / "home", t.path() / "dotfiles"})
        for (const auto& e : fs::directory_iterator(dir)) EXPECT_FALSE(contains(e.path().string(), ".tmp-")) << e.path();
}

TEST(SecretFile, RefusesToWriteThroughASymlink) {
    TempDir t;
    fs::create_directories(t.path() / "gateway");
    ::chmod((t.path() / "gateway").c_str(), 0700);
    fs::create_symlink(t.path() / "elsewhere", t.path() / "gateway/.env");
    auto e = error_of([&] { write_secret_file(t.path() / "gateway/.env", "MOSAIC_AUTH_SECRET=x\n"); });
    EXPECT_EQ(e.code(), mosaic::exit_refused);
    EXPECT_TRUE(contains(e.what(), "'" + (t.path() / "gateway/.env").string() + "' is a symbolic link")) << e.what();
    EXPECT_FALSE(fs::exists(t.path() / "elsewhere"));
    EXPECT_TRUE(fs::is_symlink(t.path() / "gateway/.env"));
}

TEST(JsonFile, NestingDeeperThanTheLimitIsAnErrorNamingTheFile) {
    TempDir t;
    auto p = t.path() / "deep.json";
    write_raw(p, std::string(100000, '[') + std::string(100000, ']'));
    auto e = error_of([&] { load_json_file(p); });
    EXPECT_EQ(e.code(), mosaic::exit_usage);
    EXPECT_TRUE(contains(e.what(), "cannot parse '" + p.string() + "'")) << e.what();
    EXPECT_TRUE(contains(e.what(), "nested deeper than")) << e.what();
    write_raw(p, std::string(100, '[') + std::string(100, ']'));
    EXPECT_TRUE(load_json_file(p).has_value());
}

TEST(JsonFile, DuplicateKeysAreAnErrorNamingTheKey) {
    TempDir t;
    auto p = t.path() / "meta.json";
    write_raw(p, R"({"admin": {"token": "a", "token": "b"}})");
    auto e = error_of([&] { load_json_file(p); });
    EXPECT_EQ(e.code(), mosaic::exit_usage);
    EXPECT_TRUE(contains(e.what(), "duplicate key 'admin.token'")) << e.what();
    EXPECT_TRUE(contains(e.what(), p.string())) << e.what();
    write_raw(p, R"({"a": {"x": 1}, "b": {"x": 2}})");
    EXPECT_TRUE(load_json_file(p).has_value());
}

TEST(FileLock, RefusesASymlinkPlantedAtTheLockFile) {
    TempDir t;
    fs::create_symlink(t.path() / "victim", t.path() / ".roster.yaml.lock");
    auto e = error_of([&] { FileLock lock(lock_path_for(t.path() / "roster.yaml")); });
    EXPECT_EQ(e.code(), mosaic::exit_refused);
    EXPECT_TRUE(contains(e.what(), "'" + (t.path() / ".roster.yaml.lock").string() + "' is a symbolic link")) << e.what();
    EXPECT_FALSE(fs::exists(t.path() / "victim"));
}

TEST(PrivateDirectory, AcceptsDirectoriesOnlyTheUserOrRootCanWrite) {
    TempDir t;  // 0700, under /tmp (root's and sticky)
    fs::create_directories(t.path() / "home/.config");
    EXPECT_EQ(insecure_directory(t.path() / "home/.config"), std::nullopt);
    EXPECT_EQ(insecure_directory(t.path() / "home/.config/mosaic/gateway/data"), std::nullopt);  // not there yet
}

TEST(PrivateDirectory, NamesTheOutermostDirectoryOthersCanWriteAndTheFix) {
    TempDir t;
    fs::create_directories(t.path() / "a/b");
    ::chmod((t.path() / "a").c_str(), 0777);
    ::chmod((t.path() / "a/b").c_str(), 0775);
    auto why = insecure_directory(t.path() / "a/b/c");
    ASSERT_TRUE(why);
    EXPECT_TRUE(contains(*why, "'" + (t.path() / "a").string() + "' is writable by others (mode 0777)")) << *why;
    EXPECT_TRUE(contains(*why, "chmod go-w " + (t.path() / "a").string())) << *why;
    ::chmod((t.path() / "a").c_str(), 0755);
    why = insecure_directory(t.path() / "a/b/c");
    ASSERT_TRUE(why);
    EXPECT_TRUE(contains(*why, "'" + (t.path() / "a/b").string() + "' is writable by others (mode 0775)")) << *why;
}

TEST(PrivateDirectory, NamesADirectoryOwnedByAnotherUser) {
    if (::geteuid() != 0) GTEST_SKIP() << "only root can give a directory to another user";
    TempDir t;
    fs::create_directories(t.path() / "gateway");
    ASSERT_EQ(::chown((t.path() / "gateway").c_str(), 65534, 65534), 0);
    auto e = error_of([&] { require_private_directory(t.path() / "gateway/data"); });
    EXPECT_EQ(e.code(), mosaic::exit_refused);
    EXPECT_TRUE(contains(e.what(), "'" + (t.path() / "gateway").string() + "' is owned by uid 65534")) << e.what();
}

TEST(PrivateDirectory, FollowsASymlinkedDirectoryToWhereItLeads) {
    TempDir t;
    fs::create_directories(t.path() / "shared/mosaic");
    ::chmod((t.path() / "shared").c_str(), 0777);
    fs::create_directories(t.path() / "home");
    fs::create_symlink(t.path() / "shared/mosaic", t.path() / "home/mosaic");
    auto why = insecure_directory(t.path() / "home/mosaic/gateway");
    ASSERT_TRUE(why);
    EXPECT_TRUE(contains(*why, "'" + (t.path() / "shared").string() + "' is writable by others")) << *why;
}

TEST(SecretFile, IsRefusedInADirectoryOthersCanWrite) {
    TempDir t;
    fs::create_directories(t.path() / "home");
    ::chmod((t.path() / "home").c_str(), 0777);
    auto e = error_of([&] { write_secret_file(t.path() / "home/credentials.json", "{}"); });
    EXPECT_EQ(e.code(), mosaic::exit_refused);
    EXPECT_TRUE(contains(e.what(), "unsafe directory: '" + (t.path() / "home").string() + "' is writable by others"))
        << e.what();
    EXPECT_FALSE(fs::exists(t.path() / "home/credentials.json"));
}
