// The checks the crash tests rely on must fail on what a crash-unsafe write leaves: a file cut
// short anywhere, an empty file, a missing one.
#include "crash_harness.hpp"

namespace {

const std::string json_doc = "{\n  \"agent\": {\n    \"name\": \"Mosaic\"\n  },\n  \"list\": [\n    1,\n    2\n  ]\n}\n";
const std::string env_doc =
    "# Mosaic gateway configuration, written by 'mosaic gateway install'. Secrets: keep this file private.\n"
    "MOSAIC_CORS_ORIGIN=http://localhost:3000\n"
    "MOSAIC_GATEWAY_HOST=127.0.0.1\n"
    "MOSAIC_GATEWAY_PORT=40123\n"
    "MOSAIC_STORAGE_TIER=local\n"
    "MOSAIC_AUTH_SECRET=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";
const std::vector<std::string> env_required{"MOSAIC_GATEWAY_HOST", "MOSAIC_GATEWAY_PORT", "MOSAIC_STORAGE_TIER",
                                            "MOSAIC_CORS_ORIGIN", "MOSAIC_AUTH_SECRET"};

}  // namespace

TEST(CrashValidators, JsonCheckRejectsEveryTruncatedCopy) {
    EXPECT_EQ(crash::check_json_object(json_doc), "");
    for (std::size_t n = 0; n < json_doc.size(); ++n)
        EXPECT_NE(crash::check_json_object(json_doc.substr(0, n)), "") << "accepted the first " << n << " bytes";
    EXPECT_NE(crash::check_json_object("[1]\n"), "");
}

TEST(CrashValidators, EnvCheckRejectsEveryTruncatedCopyAndBadLines) {
    EXPECT_EQ(crash::check_env_file(env_doc, env_required), "");
    for (std::size_t n = 0; n < env_doc.size(); ++n)
        EXPECT_NE(crash::check_env_file(env_doc.substr(0, n), env_required), "") << "accepted the first " << n << " bytes";
    EXPECT_NE(crash::check_env_file("A=1\nnot a line\n", {}), "");
    EXPECT_NE(crash::check_env_file("A='open\n", {}), "");
    EXPECT_NE(crash::check_env_file("1A=x\n", {}), "");
    EXPECT_EQ(crash::check_env_file("# c\n\nA=\nB='x y'\n", {}), "");
}

TEST(CrashValidators, OldOrNewAcceptsOnlyTheExactVersions) {
    mosaic::testing::TempDir tmp;
    crash::fs::path f = tmp.path() / "f.json";
    const std::string before = "{\"v\": 1}\n", after = json_doc;
    crash::spit(f, before);
    EXPECT_EQ(crash::old_or_new(f, before, {after}), "");
    crash::spit(f, after);
    EXPECT_EQ(crash::old_or_new(f, before, {after}), "");
    for (std::size_t n = 0; n < after.size(); ++n) {
        crash::spit(f, after.substr(0, n));
        EXPECT_NE(crash::old_or_new(f, before, {after}), "") << "accepted the first " << n << " bytes";
    }
    crash::fs::remove(f);
    EXPECT_NE(crash::old_or_new(f, before, {after}), "");      // existed before: missing is wrong
    EXPECT_EQ(crash::old_or_new(f, std::nullopt, {after}), "");  // did not exist: still missing is fine
}
