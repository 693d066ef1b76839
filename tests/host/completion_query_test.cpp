// complete_in_tree: where the words before the cursor lead in a command tree, and what the
// word under it may be.
#include <gtest/gtest.h>

#include "completion_query.hpp"

using namespace mosaic::host;
using mosaic::manifest::Node;
using mosaic::manifest::ValueKind;
using Mode = CompletionAnswer::Mode;

namespace {

Node tree() {
    auto parsed = mosaic::manifest::tree_from_json(nlohmann::json::parse(R"({"commands": [
        {"name": "copy", "options": [{"names": ["-m", "--mode"], "kind": "choice", "choices": ["fast", "safe"]},
                                     {"names": ["-v"], "kind": "none"}],
         "args": [{"name": "from", "kind": "file"}, {"name": "to", "kind": "directory"},
                  {"name": "extra", "kind": "choice", "choices": ["x", "y"], "many": true}]},
        {"name": "who", "args": [{"name": "agent", "kind": "dynamic", "complete": "t.complete", "what": "agent"}]}]})"),
                                                   "tree", {"t.complete"});
    return parsed;
}

CompletionAnswer at(std::vector<std::string> words) {
    static const Node t = tree();
    return complete_in_tree(t, words);
}

}  // namespace

TEST(CompletionQuery, WalksSubcommandsOptionsAndArguments) {
    EXPECT_EQ(at({""}).words, (std::vector<std::string>{"copy", "who"}));
    EXPECT_EQ(at({"copy", ""}).mode, Mode::file);
    EXPECT_EQ(at({"copy", "-v", "a", ""}).mode, Mode::directory) << "a flag takes no value";
    EXPECT_EQ(at({"copy", "-m", "fast", "a", ""}).mode, Mode::directory) << "an option's value is not an argument";
    EXPECT_EQ(at({"copy", "--mode=fast", "a", ""}).mode, Mode::directory);
    EXPECT_EQ(at({"copy", "a", "b", "c", "d", ""}).words, (std::vector<std::string>{"x", "y"})) << "many";
    EXPECT_EQ(at({"copy", "-m", "s"}).words, (std::vector<std::string>{"safe"}));
    EXPECT_EQ(at({"copy", "--m"}).words, (std::vector<std::string>{"--mode"}));
    EXPECT_EQ(at({"copy", "--", "-"}).mode, Mode::file) << "after --, words are arguments";
    EXPECT_EQ(at({"copy", "--unknown", ""}).mode, Mode::file);
    EXPECT_EQ(at({"nope", ""}).mode, Mode::none) << "not a subcommand: the group has no arguments";
    // The host's own options may stand among the command's words; they are not the command's.
    EXPECT_EQ(at({"--mosaic-home", "/x", "copy", "-y", "a", ""}).mode, Mode::directory);
    EXPECT_EQ(at({"copy", "--plugin-dir=/p", "--no-color", ""}).mode, Mode::file);
    EXPECT_EQ(at({"copy", "--mosaic-home", ""}).mode, Mode::directory);
    EXPECT_EQ(at({"copy", "--", "-y", ""}).mode, Mode::directory) << "after --, -y is an argument";
}

TEST(CompletionQuery, ADynamicValueNamesItsServiceAndPrefix) {
    auto a = at({"who", "co"});
    EXPECT_EQ(a.mode, Mode::words);
    ASSERT_NE(a.ask, nullptr);
    EXPECT_EQ(a.ask->kind, ValueKind::dynamic);
    EXPECT_EQ(a.ask->service, "t.complete");
    EXPECT_EQ(a.ask->what, "agent");
    EXPECT_EQ(a.prefix, "co");
    EXPECT_EQ(matching({"coder", "reviewer", "co"}, "co", ""), (std::vector<std::string>{"coder", "co"}));
}
