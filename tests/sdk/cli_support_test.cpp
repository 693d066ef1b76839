// The SDK pieces every command line shares: CLI11's errors in the house style, the bounded
// number validator, trimming, "did you mean", tables (with colour that never shifts a column)
// and the doctor table.
#include <gtest/gtest.h>

#include <mosaic/cli.hpp>
#include <mosaic/doctor.hpp>
#include <mosaic/support/table.hpp>
#include <mosaic/support/text.hpp>

namespace {

// The house-style message for parsing `args` with an app that has a required --runtime, a
// required positional `name`, --lines (an int) and --max-wait (0..86400).
std::string parse_error(std::vector<std::string> args) {
    CLI::App app{"test", "mosaic fleet add"};
    std::string name, runtime;
    int lines = 0, wait = 0;
    app.add_option("name", name, "agent name")->required();
    app.add_option("--runtime", runtime, "runtime")->required();
    app.add_option("-n,--lines", lines, "lines");
    app.add_option("--max-wait", wait, "seconds")->check(mosaic::cli::whole_number(0, 86400, "seconds"));
    std::reverse(args.begin(), args.end());
    try {
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        return mosaic::cli::describe(e);
    }
    return "";
}

}  // namespace

TEST(CliMessages, AreLowercaseWithoutAFinalPeriodAndQuoteTheSubject) {
    EXPECT_EQ(parse_error({"x"}), "missing option '--runtime'");
    EXPECT_EQ(parse_error({"--runtime", "claude"}), "missing argument 'name'");
    EXPECT_EQ(parse_error({"x", "--runtime", "claude", "y"}), "unexpected argument 'y'");
    EXPECT_EQ(parse_error({"x", "--runtime", "claude", "y", "z"}), "unexpected arguments 'y' 'z'");
    EXPECT_EQ(parse_error({"x", "--runtime", "claude", "--bogus"}), "unknown option '--bogus'");
    EXPECT_EQ(parse_error({"x", "--runtime", "claude", "--max-wait", "-1"}),
              "invalid value for '--max-wait': must be a whole number from 0 to 86400 seconds, not '-1'");
    EXPECT_EQ(parse_error({"x", "--runtime", "claude", "--max-wait", "soon"}),
              "invalid value for '--max-wait': must be a whole number from 0 to 86400 seconds, not 'soon'");
    std::string conversion = parse_error({"x", "--runtime", "claude", "--lines", "many"});
    EXPECT_NE(conversion.find("'many'"), std::string::npos) << conversion;
    EXPECT_TRUE(std::islower(static_cast<unsigned char>(conversion[0]))) << conversion;
    EXPECT_EQ(parse_error({"x", "--runtime", "claude", "--max-wait", "0"}), "");
}

TEST(Text, TrimRemovesAsciiWhiteSpaceOnly) {
    using mosaic::support::trim;
    using mosaic::support::trim_end;
    EXPECT_EQ(trim("  a b \t\r\n"), "a b");
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim(" \n "), "");
    EXPECT_EQ(trim_end("  error: x\n\n"), "  error: x");
    EXPECT_EQ(trim_end("caf\xc3\xa9 "), "caf\xc3\xa9");
}

TEST(Text, ClosestMatchSuggestsATypoAndStaysQuietOtherwise) {
    using mosaic::support::closest_match;
    std::vector<std::string> commands{"install", "start", "stop", "status", "logs", "doctor", "config", "run"};
    EXPECT_EQ(closest_match("stauts", commands), "status");
    EXPECT_EQ(closest_match("bogus", commands), "logs");
    EXPECT_EQ(closest_match("conf", commands), "config");
    EXPECT_EQ(closest_match("edit", {"show", "get", "set", "path", "hooks"}), std::nullopt);
}

TEST(Table, ColumnsLineUpWithAndWithoutColour) {
    using mosaic::support::render_table;
    std::vector<mosaic::support::Row> rows{{"NAME", "STATUS", "PATH"},
                                           {"config-hooks", {"ok", mosaic::Tone::ok}, "/p/a"},
                                           {"x", {"shadowed", mosaic::Tone::warn}, "/p/b"}};
    EXPECT_EQ(render_table(rows, false),
              "NAME          STATUS    PATH\n"
              "config-hooks  ok        /p/a\n"
              "x             shadowed  /p/b\n");
    std::string coloured = render_table(rows, true);
    EXPECT_EQ(coloured,
              "\033[1mNAME\033[0m          \033[1mSTATUS\033[0m    \033[1mPATH\033[0m\n"
              "config-hooks  \033[32mok\033[0m        /p/a\n"
              "x             \033[33mshadowed\033[0m  /p/b\n");
}

TEST(Doctor, ChecksRoundTripThroughTheContractAndRenderWithTheirFix) {
    using namespace mosaic::doctor;
    std::vector<Check> checks{{"tmux", true, "/usr/bin/tmux", "", 1.5}, {"units", false, "missing", "run it", {}}};
    auto back = from_json(to_json(checks));
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].latency_ms, 1.5);
    EXPECT_EQ(back[1].fix, "run it");
    EXPECT_EQ(render({{"fleet", back[0]}, {"fleet", back[1]}}, false),
              "PLUGIN  CHECK  STATUS  DETAIL\n"
              "fleet   tmux   ok      /usr/bin/tmux (1.5 ms)\n"
              "fleet   units  FAIL    missing\n"
              "                       fix: run it\n");
    EXPECT_THROW(from_json({{"checks", {{{"ok", true}}}}}), std::runtime_error);
    EXPECT_THROW(from_json({{"no", "checks"}}), std::runtime_error);
    EXPECT_EQ(service_name("gateway"), "gateway.doctor");
}
