#include <gtest/gtest.h>

#include <mosaic/support/text.hpp>

#include "options.hpp"

using namespace mosaic::host;

namespace {
ParseResult parse(std::vector<std::string> args) { return parse_global_options(args); }
}  // namespace

TEST(GlobalOptions, SharedOptionsAreTakenAfterTheCommandWordToo) {
    auto r = parse({"--plugin-dir", "/a", "fleet", "--mosaic-home", "/h", "status", "--plugin-dir=/b", "--json"});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.options.plugin_dirs, (std::vector<std::string>{"/a", "/b"}));
    EXPECT_EQ(r.options.mosaic_home, "/h");
    EXPECT_EQ(r.options.command_args, (std::vector<std::string>{"fleet", "status", "--json"}));
    auto y = parse({"gateway", "uninstall", "-y", "--no-color"});
    EXPECT_TRUE(y.options.yes);
    EXPECT_TRUE(y.options.no_color);
    EXPECT_EQ(y.options.command_args, (std::vector<std::string>{"gateway", "uninstall"}));
}

TEST(GlobalOptions, HelpVersionAndUnknownOptionsAfterTheCommandAreTheCommands) {
    auto r = parse({"-y", "hello", "--help", "--version", "--shout", "-x"});
    ASSERT_EQ(r.error, "");
    EXPECT_TRUE(r.options.yes);
    EXPECT_FALSE(r.options.help);
    EXPECT_FALSE(r.options.version);
    EXPECT_EQ(r.options.command_args, (std::vector<std::string>{"hello", "--help", "--version", "--shout", "-x"}));
}

TEST(GlobalOptions, NothingAfterADoubleDashIsTaken) {
    auto r = parse({"yolo", "claude", "--", "--mosaic-home", "/x", "-y"});
    ASSERT_EQ(r.error, "");
    EXPECT_FALSE(r.options.mosaic_home);
    EXPECT_FALSE(r.options.yes);
    EXPECT_EQ(r.options.command_args, (std::vector<std::string>{"yolo", "claude", "--", "--mosaic-home", "/x", "-y"}));
}

TEST(GlobalOptions, ASharedOptionAfterTheCommandStillNeedsItsValue) {
    EXPECT_EQ(parse({"fleet", "status", "--mosaic-home"}).error, "option '--mosaic-home' needs a directory");
    EXPECT_EQ(parse({"fleet", "--no-color=1"}).error, "option '--no-color' takes no value");
}

TEST(GlobalOptions, AcceptEqualsFormAndRepeatedPluginDirs) {
    auto r = parse({"--mosaic-home=/h", "--plugin-dir=/a", "--plugin-dir", "/b", "--no-color", "x"});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.options.mosaic_home, "/h");
    EXPECT_EQ(r.options.plugin_dirs, (std::vector<std::string>{"/a", "/b"}));
    EXPECT_TRUE(r.options.no_color);
    EXPECT_EQ(r.options.command_args, std::vector<std::string>{"x"});
}

TEST(GlobalOptions, RecogniseHelpAndVersion) {
    EXPECT_TRUE(parse({"-h"}).options.help);
    EXPECT_TRUE(parse({"--help"}).options.help);
    EXPECT_TRUE(parse({"--version"}).options.version);
    EXPECT_TRUE(parse({"--yes"}).options.yes);
}

TEST(GlobalOptions, DoubleDashEndsOptions) {
    auto r = parse({"--", "--weird"});
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.options.command_args, std::vector<std::string>{"--weird"});
}

TEST(GlobalOptions, RejectUnknownOptionsAndMissingValues) {
    EXPECT_EQ(parse({"--frobnicate"}).error, "unknown option '--frobnicate'; run 'mosaic --help'");
    EXPECT_EQ(parse({"--plugin-dir"}).error, "option '--plugin-dir' needs a directory");
    EXPECT_EQ(parse({"--mosaic-home="}).error, "option '--mosaic-home' needs a directory");
    EXPECT_EQ(parse({"--yes=no"}).error, "option '--yes' takes no value");
    EXPECT_EQ(parse({"-x"}).error, "unknown option '-x'; run 'mosaic --help'");
}

TEST(GlobalOptions, NoArgumentsMeansNoCommand) {
    auto r = parse({});
    EXPECT_EQ(r.error, "");
    EXPECT_TRUE(r.options.command_args.empty());
}

TEST(Utf8, AcceptsWellFormedText) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));
    EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));
    EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));
}

TEST(Utf8, RejectsMalformedText) {
    EXPECT_FALSE(is_valid_utf8("caf\xe9"));          // Latin-1
    EXPECT_FALSE(is_valid_utf8("\xc3"));             // truncated
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));         // overlong
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));     // surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // past U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\x80"));             // stray continuation
}

TEST(Utf8, ValidPrefixEndsAtTheFirstBadByte) {
    EXPECT_EQ(mosaic::support::utf8_valid_prefix(""), 0u);
    EXPECT_EQ(mosaic::support::utf8_valid_prefix("caf\xc3\xa9"), 5u);
    EXPECT_EQ(mosaic::support::utf8_valid_prefix("caf\xe9!"), 3u);
    EXPECT_EQ(mosaic::support::utf8_valid_prefix("ab\xe2\x82"), 2u);  // truncated at the end
}

TEST(Utf8, ControlCharacters) {
    EXPECT_FALSE(mosaic::support::has_control_character("caf\xc3\xa9 ~"));
    for (const char* s : {"a\tb", "a\nb", "\x7f", "\x1b[0m"}) EXPECT_TRUE(mosaic::support::has_control_character(s)) << s;
    EXPECT_TRUE(mosaic::support::has_control_character(std::string_view("a\0b", 3)));
}

TEST(Utf8, MessagesShowBadBytesEscaped) {
    EXPECT_EQ(escape_for_message("caf\xe9"), "caf\\xe9");
    EXPECT_EQ(escape_for_message("caf\xc3\xa9"), "caf\xc3\xa9");
    EXPECT_EQ(escape_for_message("a\nb"), "a\\x0ab");
}
