// Fuzz target: the parsers of tmux's output (plugins/fleet/tmux.hpp): parse_tmux_sessions
// (list-sessions -F tmux_session_format), parse_tmux_panes (list-panes -F tmux_pane_format,
// whose command field may itself hold tabs) and tmux_no_server (stderr).
//
// Checks: no crash or exception on any output; sessions are non-empty single fields; panes
// have a session, a positive pid, an index >= 0 (an index that is missing or past INT_MAX
// reads as 0) and no newline anywhere; rendering the panes back in tmux_pane_format and
// parsing again gives the same panes.
#include <string>

#include "fuzz_support.hpp"
#include "tmux.hpp"

using namespace mosaic::fleet;

namespace {

bool operator==(const TmuxPane& a, const TmuxPane& b) {
    return a.session == b.session && a.index == b.index && a.pid == b.pid && a.command == b.command &&
           a.dead == b.dead && a.activity == b.activity;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = mosaic::fuzz::as_string(data, size);

    for (const auto& s : parse_tmux_sessions(text))
        FUZZ_CHECK(!s.empty() && s.find_first_of("\t\n") == std::string::npos, "bad session name '" + s + "'");

    auto panes = parse_tmux_panes(text);
    std::string rendered;
    for (const auto& p : panes) {
        FUZZ_CHECK(!p.session.empty() && p.session.find_first_of("\t\n") == std::string::npos, "bad pane session");
        FUZZ_CHECK(p.pid > 0, "pane without a pid");
        FUZZ_CHECK(p.index >= 0, "negative pane index");
        FUZZ_CHECK(p.command.find('\n') == std::string::npos, "pane command spans lines");
        rendered += p.session + "\t" + std::to_string(p.index) + "\t" + std::to_string(p.pid) + "\t" + p.command +
                    "\t" + (p.dead ? "1" : "0") + "\t" + std::to_string(p.activity) + "\n";
    }
    auto again = parse_tmux_panes(rendered);
    FUZZ_CHECK(again.size() == panes.size(), "render/parse round trip lost panes");
    for (std::size_t i = 0; i < panes.size(); ++i) FUZZ_CHECK(again[i] == panes[i], "render/parse round trip changed a pane");

    (void)tmux_no_server(text);
    return 0;
}
