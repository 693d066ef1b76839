// Fuzz target: the fleet roster, <home>/fleet/roster.yaml (plugins/fleet/roster.hpp):
// parse_roster(), and the rewrites of `fleet add` / `fleet remove`
// (roster_text_with_agent / roster_text_without_agent).
//
// Checks: only mosaic::Error escapes (yaml-cpp's exceptions must be translated), and its
// message names the file; an accepted roster is UTF-8 text, satisfies its schema (version 1,
// transport tmux, valid and distinct agent names and session names, none equal to the holder
// session) and holds no control character, and nothing but UTF-8, in any value; adding an agent to an accepted roster
// succeeds and reads back as the same roster plus that agent, and removing its first agent
// reads back as the same roster minus that agent ("what we write must read back").
#include <set>
#include <string>
#include <tuple>

#include <mosaic/error.hpp>
#include <mosaic/support/text.hpp>

#include "fuzz_support.hpp"
#include "roster.hpp"
#include "tmux.hpp"

using namespace mosaic::fleet;

namespace {

auto fields(const Agent& a) {
    return std::tie(a.name, a.runtime, a.agent_class, a.model_hint, a.working_directory, a.reports_to);
}

bool same_agents(const std::vector<Agent>& a, const std::vector<Agent>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (fields(a[i]) != fields(b[i])) return false;
    return true;
}

bool same_settings(const Roster& a, const Roster& b) {
    if (a.runtimes.size() != b.runtimes.size()) return false;
    for (const auto& [k, v] : a.runtimes) {
        auto it = b.runtimes.find(k);
        if (it == b.runtimes.end() || it->second.reset_command != v.reset_command) return false;
    }
    return a.version == b.version && a.transport == b.transport && a.socket_name == b.socket_name &&
           a.holder_session == b.holder_session && a.default_working_directory == b.default_working_directory;
}

Roster reparse(const std::string& text, const std::string& what) {
    try {
        return parse_roster(text, "roster.yaml");
    } catch (const mosaic::Error& e) {
        FUZZ_CHECK(false, what + " wrote a roster that does not read back: " + e.what() + "\n" + text);
    }
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = mosaic::fuzz::as_string(data, size);
    Roster r;
    try {
        r = parse_roster(text, "roster.yaml");
    } catch (const mosaic::Error& e) {
        std::string message = e.what();
        FUZZ_CHECK(message.find("roster.yaml") != std::string::npos, "error does not name the file: " + message);
        FUZZ_CHECK(!mosaic::support::has_control_character(message), "control byte in the message: " + message);
        return 0;
    }

    FUZZ_CHECK(mosaic::support::is_valid_utf8(text), "a roster that is not UTF-8 was accepted");
    FUZZ_CHECK(r.version == 1 && r.transport == "tmux", "unsupported version or transport accepted");
    std::vector<std::string> values{r.transport, r.holder_session, r.socket_name.value_or(""),
                                    r.default_working_directory.value_or("")};
    for (const auto& [name, settings] : r.runtimes) {
        values.push_back(name);
        values.push_back(settings.reset_command.value_or(""));
    }
    for (const auto& a : r.agents)
        for (const auto& v : {a.name, a.runtime, a.agent_class, a.model_hint.value_or(""), a.working_directory.value_or(""),
                              a.reports_to.value_or("")})
            values.push_back(v);
    for (const auto& v : values)
        FUZZ_CHECK(mosaic::support::is_valid_utf8(v) && !mosaic::support::has_control_character(v),
                   "value accepted with a control byte or not UTF-8: " + v);
    FUZZ_CHECK(valid_agent_name(r.holder_session) && tmux_session_name(r.holder_session) == r.holder_session,
               "bad holder session accepted: " + r.holder_session);
    FUZZ_CHECK(!r.socket_name || !r.socket_name->empty(), "empty socket name kept");
    std::set<std::string> sessions;
    for (const auto& a : r.agents) {
        FUZZ_CHECK(valid_agent_name(a.name), "bad agent name accepted: " + a.name);
        FUZZ_CHECK(!a.runtime.empty() && !a.agent_class.empty(), "empty runtime or class accepted");
        FUZZ_CHECK(sessions.insert(tmux_session_name(a.name)).second, "two agents share a tmux session: " + a.name);
        FUZZ_CHECK(tmux_session_name(a.name) != r.holder_session, "an agent is the holder session: " + a.name);
        FUZZ_CHECK(r.find(a.name) != nullptr, "find() misses an agent");
        FUZZ_CHECK(!a.reports_to || (*a.reports_to != a.name && r.find(*a.reports_to)),
                   "reports_to accepted that names no other agent: " + a.name);
    }

    // fleet add: a name no agent (or the holder) has.
    Agent added;
    added.runtime = "claude";
    added.agent_class = "reviewer";
    added.model_hint = "opus";
    added.working_directory = "~/src/fuzz";
    for (int n = 0;; ++n) {
        added.name = "fuzz-added-" + std::to_string(n);
        if (!sessions.count(added.name) && added.name != r.holder_session) break;
    }
    std::string with;
    try {
        with = roster_text_with_agent(text, added, "roster.yaml");
    } catch (const mosaic::Error& e) {
        FUZZ_CHECK(false, std::string("fleet add failed on a valid roster: ") + e.what());
    }
    Roster r2 = reparse(with, "fleet add");
    std::vector<Agent> expected = r.agents;
    expected.push_back(added);
    FUZZ_CHECK(same_agents(r2.agents, expected), "fleet add changed the other agents; it wrote:\n" + with);
    FUZZ_CHECK(same_settings(r2, r), "fleet add changed the roster's settings; it wrote:\n" + with);

    // fleet remove of the first agent (refused while others report to it).
    if (!r.agents.empty() && r.reports_of(r.agents[0].name).empty()) {
        std::string without;
        try {
            without = roster_text_without_agent(text, r.agents[0].name, "roster.yaml");
        } catch (const mosaic::Error& e) {
            FUZZ_CHECK(false, std::string("fleet remove failed on a valid roster: ") + e.what());
        }
        Roster r3 = reparse(without, "fleet remove");
        std::vector<Agent> rest(r.agents.begin() + 1, r.agents.end());
        FUZZ_CHECK(same_agents(r3.agents, rest), "fleet remove changed the other agents; it wrote:\n" + without);
        FUZZ_CHECK(same_settings(r3, r), "fleet remove changed the roster's settings; it wrote:\n" + without);
    }
    return 0;
}
