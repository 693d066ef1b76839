// `mosaic agent send NAME --message TEXT [--verify]`: the message, after the Mosaic preamble,
// typed into the agent's pane.
#include "commands.hpp"

#include <mosaic/support/text.hpp>

#include "delivery.hpp"
#include "fleet_client.hpp"
#include "message.hpp"

namespace mosaic::agent {

namespace {

// Everything the user gave is checked before the fleet or tmux is asked anything.
void check_input(const SendCommand& o) {
    if (auto why = message_problem(o.message)) throw Error(exit_usage, *why + "; nothing was sent");
    if (auto why = source_label_problem(o.source_label))
        throw Error(exit_usage, "invalid --source-label '" + support::escape_for_message(o.source_label) + "': " + *why);
    if (!o.message_class.empty() && !valid_message_class(o.message_class)) {
        std::string known;
        for (const auto& c : message_classes()) known += (known.empty() ? "" : ", ") + c;
        throw Error(exit_usage, "invalid --class '" + support::escape_for_message(o.message_class) + "' (one of " + known +
                                    "); nothing was sent");
    }
}

int report_verification(const Verification& v, const PaneAddress& pane, Deps& d) {
    switch (v.delivery) {
        case Delivery::accepted:
            d.ctx.out("delivered to '" + pane.agent + "': accepted\n");
            return 0;
        case Delivery::draft:
            throw Error(exit_failed, "the message to '" + pane.agent + "' was left as unsubmitted draft: its pane ends "
                                     "with '" + support::escape_for_message(last_nonempty_line(v.last_capture)) +
                                     "'; see 'mosaic agent tail " + pane.agent + "'");
        case Delivery::unverified: break;
    }
    throw Error(exit_failed, "could not verify delivery to '" + pane.agent + "': its pane " +
                                 (blank_capture(v.last_capture) ? "shows nothing" : "did not change") +
                                 "; see 'mosaic agent tail " + pane.agent + "'");
}

}  // namespace

void define_send(CLI::App& app, SendCommand& o) {
    cli::complete_with(app.add_option("name", o.name, "the agent"), cli::complete::dynamic("agent.complete", "agent"))->required();
    app.add_option("--message,-m", o.message, "the text to send (newlines, tabs and quotes arrive as they are)")
        ->required();
    app.add_flag("--verify", o.verify, "check the pane afterwards: accepted, left as a draft, or not verifiable");
    app.add_option("--verify-timeout", o.verify_timeout_ms, "milliseconds --verify waits (default 6000)")
        ->check(cli::whole_number(400, 600000, "ms"));
    app.add_option("--source-label", o.source_label, "who sends, in the preamble (default operator)");
    cli::complete_with(app.add_option("--class", o.message_class, "terminal-log, actionable, human or reaction"),
                       cli::complete::choice(message_classes()));
}

int run_send(const SendCommand& o, Deps& d) {
    check_input(o);
    FleetRoster roster = fleet_roster(d.ctx);
    const AgentInfo& agent = roster.require(o.name);
    PaneAddress pane = address_of(roster, agent);
    Preamble p{roster.host, o.source_label, roster.host, agent.session, std::nullopt};
    if (!o.message_class.empty()) p.message_class = o.message_class;
    std::string text = compose_message(p, o.message);
    require_session(pane, d);
    if (!o.verify) {
        type_into_pane(pane, text, d);
        d.ctx.out("sent to '" + agent.name + "'\n");
        return 0;
    }
    VerifyTiming timing;
    timing.timeout = std::chrono::milliseconds(o.verify_timeout_ms);
    return report_verification(type_and_verify(pane, text, timing, d), pane, d);
}

}  // namespace mosaic::agent
