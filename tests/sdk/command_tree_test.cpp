// Command trees (docs/plugin-manifest.md, "Command tree"): what a TablePlugin's describe()
// writes from its tables, and the manifest's schema 2 that carries it (round trip, rules,
// schema 1 still read).
#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "manifest.hpp"

namespace {

using nlohmann::json;
using namespace mosaic;

struct Deps {};
int constructed_deps = 0;

struct LogsOptions {
    int lines = 50;
    bool follow = false;
    std::string tier, agent, config, where;
    std::vector<std::string> rest;
};
void define_logs(CLI::App& app, LogsOptions& o) {
    app.add_option("-n,--lines", o.lines, "how many lines");
    app.add_flag("-f,--follow", o.follow, "keep printing");
    cli::complete_with(app.add_option("--tier", o.tier, "local or team"), cli::complete::choice({"local", "team"}));
    cli::complete_with(app.add_option("agent", o.agent, "the agent"), cli::complete::dynamic("tiny.complete", "agent"))
        ->required();
    app.add_option("--config", o.config, "a file")->check(CLI::ExistingFile);
    app.add_option("--where", o.where, "a directory")->type_name("DIR");
    app.add_option("rest", o.rest, "the rest");
}
int run_logs(const LogsOptions& o, Deps&) { return o.follow ? 1 : 0; }
int run_plain(const cli::NoOptions&, Deps&) { return 0; }

constexpr std::array tokens_commands{
    cli::command<&run_plain>("list", "list tokens"),
    cli::command<&define_logs, &run_logs>("logs", "print logs"),
};
constexpr std::array tiny_commands{
    cli::group<tokens_commands>("tokens", "the tokens"),
    cli::command<&run_plain>("start", "start it"),
};

class TinyPlugin final : public TablePlugin<TinyPlugin, Deps> {
public:
    static constexpr PluginInfo info{"tiny", "1.0.0", "Tests", "a tiny plugin"};
    static constexpr std::array commands{cli::group<tiny_commands>("tiny", "the tiny command"),
                                         cli::command<&define_logs, &run_logs>("tiny-logs", "logs, top level")};
    static constexpr std::array services{cli::Service<Deps>{"tiny.complete", "complete values", nullptr}};
    static std::unique_ptr<Deps> make_deps(const Context&) {
        ++constructed_deps;
        return std::make_unique<Deps>();
    }
    using TablePlugin::TablePlugin;
};

const mosaic_plugin_v1& descriptor() { return detail::Descriptor<TinyPlugin>::plugin; }

void append(void* ctx, const char* data, std::size_t len) { static_cast<std::string*>(ctx)->append(data, len); }

json describe(const char* command, int32_t* rc = nullptr) {
    std::string text;
    int32_t status = descriptor().describe(command, &append, &text);
    if (rc) *rc = status;
    return text.empty() ? json() : json::parse(text);
}

}  // namespace

TEST(Describe, TheDescriptorOfATablePluginFillsTheSlot) {
    ASSERT_TRUE(MOSAIC_ABI_HAS_FIELD(&descriptor(), mosaic_plugin_v1, describe));
    EXPECT_NE(descriptor().describe, nullptr);
}

TEST(Describe, GroupsGiveTheirSubcommandsAndLeavesTheirOptionsAndArguments) {
    json tree = describe("tiny");
    ASSERT_TRUE(tree.contains("commands")) << tree.dump(2);
    ASSERT_EQ(tree["commands"].size(), 2u);
    EXPECT_EQ(tree["commands"][0]["name"], "tokens");
    EXPECT_EQ(tree["commands"][0]["summary"], "the tokens");
    EXPECT_EQ(tree["commands"][1]["name"], "start");
    EXPECT_FALSE(tree["commands"][1].contains("options")) << "the help flag is never listed";
    const json& logs = tree["commands"][0]["commands"][1];
    EXPECT_EQ(logs["name"], "logs");
    json options = logs["options"];
    ASSERT_EQ(options.size(), 5u) << logs.dump(2);
    EXPECT_EQ(options[0], json({{"names", {"-n", "--lines"}}, {"summary", "how many lines"}, {"kind", "text"}}));
    EXPECT_EQ(options[1], json({{"names", {"-f", "--follow"}}, {"summary", "keep printing"}, {"kind", "none"}}));
    EXPECT_EQ(options[2], json({{"names", {"--tier"}}, {"summary", "local or team"}, {"kind", "choice"},
                                {"choices", {"local", "team"}}}));
    EXPECT_EQ(options[3]["kind"], "file");
    EXPECT_EQ(options[4]["kind"], "directory");
    json args = logs["args"];
    ASSERT_EQ(args.size(), 2u);
    EXPECT_EQ(args[0], json({{"name", "agent"}, {"summary", "the agent"}, {"kind", "dynamic"},
                             {"complete", "tiny.complete"}, {"what", "agent"}}));
    EXPECT_EQ(args[1], json({{"name", "rest"}, {"summary", "the rest"}, {"kind", "text"}, {"many", true}}));
}

TEST(Describe, ATopLevelLeafAndAnUnknownCommand) {
    json tree = describe("tiny-logs");
    EXPECT_EQ(tree["options"].size(), 5u);
    EXPECT_FALSE(tree.contains("commands"));
    int32_t rc = 0;
    EXPECT_TRUE(describe("nope", &rc).is_null());
    EXPECT_EQ(rc, exit_usage);
    EXPECT_EQ(descriptor().describe(nullptr, &append, nullptr), exit_usage);
}

TEST(Describe, HasNoSideEffectsAndNeedsNoInit) {
    describe("tiny");
    describe("tiny-logs");
    EXPECT_EQ(constructed_deps, 0);
}

TEST(Describe, CompleteWithChangesNeitherParsingNorHelp) {
    LogsOptions o;
    CLI::App app{"x", "x"};
    define_logs(app, o);
    std::vector<std::string> args{"--tier", "anything", "coder"};
    std::reverse(args.begin(), args.end());
    app.parse(args);
    EXPECT_EQ(o.tier, "anything");
    EXPECT_EQ(o.agent, "coder");
    EXPECT_EQ(app.help().find("mosaic-complete"), std::string::npos) << app.help();
}

// --- the manifest side ---

namespace {
manifest::Manifest described() {
    auto m = manifest::from_descriptor(descriptor(), "tiny.so");
    manifest::describe_trees(descriptor(), m);
    return m;
}
}  // namespace

TEST(ManifestTree, DescribedTreesRoundTripThroughSchema2) {
    auto m = described();
    ASSERT_EQ(m.commands.size(), 2u);
    EXPECT_FALSE(m.commands[0].tree.empty());
    json j = manifest::to_json(m);
    EXPECT_EQ(j["schema"], 2);
    EXPECT_EQ(j["commands"][0]["tree"]["commands"][0]["name"], "tokens");
    auto back = manifest::from_json(json::parse(j.dump()));
    EXPECT_EQ(back, m);
    auto node = manifest::decode_tree(back.commands[0], back.services);
    ASSERT_TRUE(node.has_value());
    ASSERT_EQ(node->commands.size(), 2u);
    const auto& logs = node->commands[0].commands[1];
    EXPECT_EQ(logs.options[2].value.kind, manifest::ValueKind::choice);
    EXPECT_EQ(logs.options[2].value.choices, (std::vector<std::string>{"local", "team"}));
    EXPECT_EQ(logs.args[0].value.service, "tiny.complete");
    EXPECT_TRUE(logs.args[1].many);
    // The loader compares no trees: a library without them agrees with the manifest.
    EXPECT_EQ(manifest::disagreement(back, manifest::from_descriptor(descriptor(), "tiny.so")), "");
}

TEST(ManifestTree, WithoutTreesTheManifestStaysSchema1AndSchema1IsStillRead) {
    auto m = manifest::from_descriptor(descriptor(), "tiny.so");
    json j = manifest::to_json(m);
    EXPECT_EQ(j["schema"], 1);
    EXPECT_FALSE(j["commands"][0].contains("tree"));
    auto back = manifest::from_json(j);
    EXPECT_EQ(back, m);
    EXPECT_FALSE(manifest::decode_tree(back.commands[0], back.services).has_value());
}

namespace {
std::string rejection(const std::function<void(json&)>& edit) {
    json j = manifest::to_json(described());
    edit(j);
    try {
        manifest::from_json(j);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "accepted";
}
}  // namespace

TEST(ManifestTree, ABrokenTreeIsRejectedNamingTheKey) {
    EXPECT_EQ(rejection([](json& j) { j["commands"][0]["tree"]["commands"][1]["name"] = "Bad"; }),
              "'commands[0].tree.commands[1].name' must match [a-z][a-z0-9-]*, got 'Bad'");
    EXPECT_EQ(rejection([](json& j) { j["commands"][0]["tree"]["commands"][0]["commands"][1]["options"][2]["kind"] = "colour"; }),
              "'commands[0].tree.commands[0].commands[1].options[2].kind' must be none, text, file, directory, choice or "
              "dynamic, got 'colour'");
    EXPECT_EQ(rejection([](json& j) { j["commands"][0]["tree"]["commands"][0]["commands"][1]["options"][2].erase("choices"); }),
              "missing key 'commands[0].tree.commands[0].commands[1].options[2].choices' (kind choice)");
    EXPECT_EQ(rejection([](json& j) { j["commands"][0]["tree"]["commands"][0]["commands"][1]["options"][0]["names"][1] = "lines"; }),
              "'commands[0].tree.commands[0].commands[1].options[0].names[1]' must be -x or --name, got 'lines'");
    EXPECT_EQ(rejection([](json& j) { j["commands"][1]["tree"]["args"][0]["complete"] = "gateway.set"; }),
              "'commands[1].tree.args[0].complete' names 'gateway.set', which is not one of this manifest's services");
    EXPECT_EQ(rejection([](json& j) { j["commands"][1]["tree"]["args"] = "agent"; }), "'commands[1].tree.args' must be an array");
    EXPECT_EQ(rejection([](json& j) { j["schema"] = 1; }), "'commands[0].tree' needs 'schema' 2");
    EXPECT_EQ(rejection([](json& j) { j["schema"] = 3; }), "unsupported 'schema' 3 (expected 1 or 2)");
}
