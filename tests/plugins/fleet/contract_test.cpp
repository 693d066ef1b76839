// The Mosaic contract: composed from the mosaic home's files and overlays in order, the
// Fleet-Comms block for a roster agent, and how each runtime is handed it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "contract.hpp"
#include "fleet_test_support.hpp"

using namespace mosaic::fleet;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const char* kRoster =
    "version: 1\ntmux: { socket_name: sock }\nagents:\n"
    "  - { name: lead, runtime: claude, class: orchestrator }\n"
    "  - { name: coder-1, runtime: codex }\n"
    "  - { name: helper, runtime: pi }\n";

int code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const mosaic::Error& e) {
        return e.code();
    }
    return 0;
}

}  // namespace

TEST(Contract, FilesThenTheirOverlaysInOrderThenFleetComms) {
    mosaic::testing::TempDir tmp;
    fleet_test::write_text(tmp.path() / "TOOLS.md", "tools\n");
    fleet_test::write_text(tmp.path() / "AGENTS.md", "agents\n\n\n");
    fleet_test::write_text(tmp.path() / "AGENTS.local.md", "agents, mine");
    fleet_test::write_text(tmp.path() / "USER.md", "");  // empty: nothing to say
    ContractInput in{"codex", tmp.path(), parse_roster(kRoster, "r"), "coder-1", "box"};
    std::string c = compose_contract(in);
    EXPECT_EQ(c.substr(0, c.find("## Fleet-Comms")), "agents\n\nagents, mine\n\ntools\n\n");
    EXPECT_THAT(c, HasSubstr("You are agent `coder-1` (class worker, runtime codex) on host `box`"));
    EXPECT_THAT(c, HasSubstr("`[box:coder-1 -> box:PEER] TEXT`"));
    EXPECT_THAT(c, HasSubstr("--source-label coder-1"));
    EXPECT_THAT(c, HasSubstr("| lead | orchestrator (orchestrator) | claude |"));
    EXPECT_THAT(c, HasSubstr("| helper | worker | pi |"));
    EXPECT_THAT(c, Not(HasSubstr("| coder-1 |")));
    EXPECT_THAT(c, HasSubstr("`tmux -L sock capture-pane -p -t =PEER`"));
}

TEST(Contract, NoBlockForANameOutsideTheRosterAndNoSocketFlagWithoutOne) {
    mosaic::testing::TempDir tmp;
    ContractInput in{"claude", tmp.path(), parse_roster(kRoster, "r"), "stranger", "box"};
    EXPECT_EQ(compose_contract(in), "");
    Roster plain = parse_roster("version: 1\nagents:\n  - { name: solo, runtime: pi }\n", "r");
    std::string block = fleet_comms_block(plain, plain.agents[0], "box");
    EXPECT_THAT(block, HasSubstr("`tmux capture-pane -p -t =PEER`"));
    EXPECT_THAT(block, Not(HasSubstr("-L")));
    EXPECT_THAT(block, HasSubstr("no peers"));
}

TEST(Contract, EachRuntimeGetsItAsItReadsExtraInstructions) {
    const std::string text = "Be \"brief\".\nC:\\tmp\ttab\x01";
    for (const char* rt : {"claude", "pi"}) {
        auto d = contract_delivery(rt, text, "/run/x.md", std::nullopt);
        EXPECT_EQ(d.args, (std::vector<std::string>{"--append-system-prompt", text})) << rt;
        EXPECT_TRUE(d.env.empty());
        EXPECT_FALSE(d.file);
    }
    auto codex = contract_delivery("codex", text, "/run/x.md", std::nullopt);
    EXPECT_EQ(codex.args, (std::vector<std::string>{"-c", R"(developer_instructions="Be \"brief\".\nC:\\tmp\ttab\u0001")"}));
    auto oc = contract_delivery("opencode", text, "/run/x.md", std::string(R"({"model": "m", "instructions": ["a.md"]})"));
    ASSERT_TRUE(oc.file);
    EXPECT_EQ(oc.file->first, "/run/x.md");
    EXPECT_EQ(oc.file->second, text);
    EXPECT_EQ(nlohmann::json::parse(oc.env.at("OPENCODE_CONFIG_CONTENT")),
              (nlohmann::json{{"model", "m"}, {"instructions", {"a.md", "/run/x.md"}}}));
    EXPECT_TRUE(contract_delivery("claude", "", "/run/x.md", std::nullopt).args.empty());
}

TEST(Contract, OverLongOrABadOpencodeConfigIsRefusedWithExit2) {
    EXPECT_EQ(code_of([] { contract_delivery("claude", std::string(max_contract_bytes + 1, 'x'), "/f", std::nullopt); }),
              mosaic::exit_usage);
    EXPECT_EQ(code_of([] { contract_delivery("opencode", "x", "/f", std::string("[1]")); }), mosaic::exit_usage);
    EXPECT_EQ(code_of([] { contract_delivery("opencode", "x", "/f", std::string("{")); }), mosaic::exit_usage);
}
