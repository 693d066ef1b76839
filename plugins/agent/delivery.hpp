// delivery.hpp - the effects on an agent's pane: check that its session is there, type text
// into it (one tmux call: the text, then Enter), capture it, and --verify's polling.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "deps.hpp"
#include "fleet_client.hpp"
#include "pane.hpp"

namespace mosaic::agent {

struct PaneAddress {
    std::optional<std::string> socket;  // the fleet socket, nullopt: the default one
    std::string agent;
    std::string session;
};

PaneAddress address_of(const FleetRoster& roster, const AgentInfo& agent);

// "socket 'mosaic-fleet'" or "the default socket"
std::string socket_words(const std::optional<std::string>& socket);

// Runs a tmux argv and returns its stdout. mosaic::Error(exit_failed) when tmux is not on
// PATH or fails, naming `what` ("send to agent 'x'") and tmux's message.
std::string run_tmux(const std::vector<std::string>& argv, const std::string& what, Deps& d);

// mosaic::Error(exit_failed) when the agent's session is not on the fleet socket, saying how
// to start it.
void require_session(const PaneAddress& pane, Deps& d);

std::string capture_pane(const PaneAddress& pane, Deps& d, std::optional<int> history_lines = std::nullopt);
void type_into_pane(const PaneAddress& pane, const std::string& text, Deps& d);

struct VerifyTiming {
    std::chrono::milliseconds timeout{6000};
    std::chrono::milliseconds interval{400};
};

struct Verification {
    Delivery delivery = Delivery::unverified;
    std::string last_capture;
    int polls = 0;
};

// Captures the pane, types `text`, then captures every `interval` until the pane shows it
// was accepted or `timeout` has passed; the last capture decides.
Verification type_and_verify(const PaneAddress& pane, const std::string& text, const VerifyTiming& timing, Deps& d);

}  // namespace mosaic::agent
