// health.hpp - talking to the installed gateway as its own CLI: every request carries a fresh
// random challenge and counts only when the answer proves (X-Mosaic-Proof, crypto.hpp) that
// the daemon knows the auth secret of this install's 0600 .env. Anything else answering on
// the port (a program another local user started there first) is "not this gateway" and is
// never sent a password. Waiting for /health is bounded and reports each state change (so
// the caller shows progress on a TTY and one line per change otherwise).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include <mosaic/support/clock.hpp>

#include "http.hpp"

namespace mosaic::gateway {

inline constexpr const char* challenge_header = "X-Mosaic-Challenge";
inline constexpr const char* proof_header = "X-Mosaic-Proof";

struct ProvenResult {
    HttpResult http;
    bool proven = false;  // the answer carried the right proof for our challenge
};

// Sends the request with a new challenge and checks the proof with `proof_key` (the .env's
// MOSAIC_AUTH_SECRET). Never throws for network failures (http.status 0).
ProvenResult send_proven(HttpClient& http, const std::string& method, const std::string& url, const std::string& path,
                         const std::string& proof_key, const std::string& body = "");

// An answer's JSON body within the SDK's limits (mosaic/support/json.hpp); a discarded value
// when it is not JSON or is outside them.
nlohmann::json parse_answer(const std::string& body);

// The message for an answer without the proof.
std::string not_this_gateway(const std::string& url);

// Before sending a secret to the installed gateway: throws mosaic::Error(exit_failed, "refusing
// to send <what>: <not_this_gateway>") when something answers /health without the proof.
// No answer at all is left to the request that follows.
void require_own_gateway(HttpClient& http, const std::string& url, const std::string& proof_key, const std::string& what);

struct HealthResult {
    bool healthy = false;
    std::string reason;   // why not: "no healthy answer within 30 s (last: ...)", "the gateway process exited"
    nlohmann::json body;  // the /health document when healthy
    bool foreign = false; // something answered that is not this gateway
};

// Polls `url`/health every `interval` until our daemon answers 200 with {"status":"ok"},
// `timeout` passes, or `still_running` says the daemon is gone. An answer without the proof
// ends the wait at once (foreign). `on_state` gets each new state text.
HealthResult wait_for_health(HttpClient& http, const std::string& url, const std::string& proof_key,
                             support::Clock& clock, support::Sleeper& sleeper, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds interval, const std::function<bool()>& still_running,
                             const std::function<void(const std::string&)>& on_state);

struct HealthProbe {
    std::optional<nlohmann::json> health;  // the /health document of our own healthy daemon
    bool foreign = false;                  // an answer came, without the proof
};
// One probe of /health.
HealthProbe probe_health(HttpClient& http, const std::string& url, const std::string& proof_key);

}  // namespace mosaic::gateway
