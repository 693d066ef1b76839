#include "delivery.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/text.hpp>

namespace mosaic::agent {

PaneAddress address_of(const FleetRoster& roster, const AgentInfo& agent) {
    return {roster.socket_name, agent.name, agent.session};
}

std::string socket_words(const std::optional<std::string>& socket) {
    return socket ? "socket '" + *socket + "'" : std::string("the default socket");
}

std::string run_tmux(const std::vector<std::string>& argv, const std::string& what, Deps& d) {
    auto r = d.seams.runner.run(d.command(argv));
    if (r.spawn_failed) throw Error(exit_failed, "cannot " + what + ": 'tmux' was not found on PATH; install tmux");
    if (!r.ok()) {
        std::string err = support::trim_end(r.err);
        throw Error(exit_failed, "cannot " + what + ": " +
                                     (err.empty() ? "tmux exited with status " + std::to_string(r.exit_code) : err));
    }
    return r.out;
}

void require_session(const PaneAddress& pane, Deps& d) {
    auto r = d.seams.runner.run(d.command(has_session_argv(pane.socket, pane.session)));
    if (r.spawn_failed) throw Error(exit_failed, "'tmux' was not found on PATH; install tmux");
    if (r.ok()) return;
    throw Error(exit_failed, "agent '" + pane.agent + "' has no tmux session '" + pane.session + "' on " +
                                 socket_words(pane.socket) + "; start it with 'mosaic fleet start' (see 'mosaic agent "
                                 "status " + pane.agent + "')");
}

std::string capture_pane(const PaneAddress& pane, Deps& d, std::optional<int> history_lines) {
    return run_tmux(capture_argv(pane.socket, pane.session, history_lines), "read the pane of agent '" + pane.agent + "'",
                    d);
}

void type_into_pane(const PaneAddress& pane, const std::string& text, Deps& d) {
    run_tmux(send_text_argv(pane.socket, pane.session, text), "send to agent '" + pane.agent + "'", d);
}

Verification type_and_verify(const PaneAddress& pane, const std::string& text, const VerifyTiming& timing, Deps& d) {
    const std::string before = capture_pane(pane, d);
    type_into_pane(pane, text, d);
    const auto deadline = d.seams.clock.now() + timing.timeout;
    Verification v;
    while (true) {
        d.seams.sleeper.sleep_for(timing.interval);
        v.last_capture = capture_pane(pane, d);
        ++v.polls;
        v.delivery = classify_delivery(before, v.last_capture);
        if (v.delivery == Delivery::accepted || d.seams.clock.now() >= deadline) return v;
    }
}

}  // namespace mosaic::agent
