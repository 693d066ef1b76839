// api.hpp - the gateway's HTTP API as a pure function of a request: routing, validation,
// CORS, authentication, rate limiting, JSON in and out. No sockets here (daemon.cpp adapts
// the HTTP engine of http_server.hpp to it), so every route is unit-tested without a network.
//
// Routes (docs/behaviour.md, "The daemon"):
//   GET    /health                  {status, version, tier, ageMs?, backends:{name:{status, latencyMs, error?}}};
//                                    503 {status:"degraded", unavailable:[names], ...} when a backend is down;
//                                    from the daemon's background probe (ageMs: how old its report is)
//   GET    /api/bootstrap/status    {needsSetup}
//   POST   /api/bootstrap/setup     {name, email, password, setupToken} -> 201 {user, token, tokenId};
//                                    403 without the one-time setup token; 409 once a user exists
//   POST   /api/auth/sign-in        {email, password} -> {token, expiresAt, user}; 401; 429 + Retry-After
//   POST   /api/admin/tokens        {label?} -> 201 {id, label, token, createdAt}   (bearer: admin token or session)
//   GET    /api/admin/tokens        {tokens:[{id, label, userId, createdAt, lastUsedAt}]}
//   DELETE /api/admin/tokens/:id    {deleted:true}; 404
//   GET    /api/admin/users         {users:[{id, name, email, role, createdAt}]}
//   POST   /api/admin/agent-tokens  {agent, requestsPerMinute?, tokensPerDay?} -> 201 {id, agent, token, ...}
//   GET    /api/admin/agent-tokens[?agent=NAME]   {tokens:[{id, agent, active, createdAt, lastUsedAt,
//                                    revokedAt, requestsPerMinute, tokensPerDay}]}
//   PATCH  /api/admin/agent-tokens/:id  {requestsPerMinute?, tokensPerDay?} (null: unlimited) -> the token
//   DELETE /api/admin/agent-tokens/:id | ?agent=NAME   {revoked: n}; 404 when nothing was active
//   GET    /api/admin/usage?agent=&since=&until=  {since, until, rows:[...], totals:{...}} (days UTC,
//                                    YYYY-MM-DD, default the last 30 days)
// Every error is JSON {"error": "<code>", "message": "<text>"}: 400 bad JSON / wrong type,
// 401, 403, 404 unknown route, 405 wrong method (with Allow), 409, 413, 415, 429, 500, and 503
// {"error":"backend_unavailable","backend":"<name>"} when a storage backend cannot be reached.
//
// Before any route, against web pages in the user's browser (none of this is left to CORS,
// which only decides what a page may read):
//   - a Host header naming anything but localhost, an IP address or a configured name is
//     403 host_not_allowed (DNS rebinding: a page whose name now points at 127.0.0.1);
//   - an Origin header other than the configured origin is 403 origin_not_allowed;
//   - a body on a JSON route must be declared application/json, else 415 (the content types a
//     page may send without a preflight are text/plain, forms, or none at all).
// A request carrying X-Mosaic-Challenge gets X-Mosaic-Proof = gateway_proof(proof key,
// challenge) on its answer: the CLI's check that it talks to its own daemon.
// The sign-in limiters come from the storage (Storage::attempt_limiter), so the team tier
// counts attempts across gateways.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/support/clock.hpp>

#include "backend_monitor.hpp"
#include "rate_limiter.hpp"
#include "settings.hpp"
#include "setup_token.hpp"
#include "storage.hpp"

namespace mosaic::gateway {

struct ApiRequest {
    std::string method;   // "GET", "POST", ...
    std::string path;     // without the query string
    std::string body;
    std::string client_address;
    std::map<std::string, std::string> headers;  // keys lowercase
    std::string query;    // after '?', without it
};

struct ApiResponse {
    int status = 200;
    nlohmann::json body;  // null: no body (204)
    std::map<std::string, std::string> headers;
};

// Sign-in limits (SECURITY.md): failures of one email from one client address, strictly;
// of one client address over all emails; and of one email from anywhere, only spaced out (a
// doubling wait up to a minute) so that nobody can lock its owner out for longer. A client
// address is the address as seen, except that all of loopback is one client and an IPv6
// address counts by its /64.
struct SignInLimits {
    LimitPolicy email_and_address{5, std::chrono::minutes(15), 0, std::chrono::seconds(60)};
    LimitPolicy address{20, std::chrono::minutes(15), 0, std::chrono::seconds(60)};
    LimitPolicy email{0, std::chrono::minutes(15), 10, std::chrono::seconds(60)};
};

struct ApiOptions {
    std::string version = "0.0.0";
    std::string cors_origin;
    std::string auth_secret;  // keys the session-token HMAC
    std::size_t max_body_bytes = default_max_body_bytes;
    std::chrono::seconds session_ttl{12 * 3600};
    SignInLimits limits;
    // Keys X-Mosaic-Proof: the auth secret of this daemon's own .env (on the team tier
    // auth_secret is the deployment's shared session key, which other installs know too).
    // Empty: no proof is given.
    std::string proof_key;
    // The one-time secret POST /api/bootstrap/setup requires; null: setup is always refused.
    std::shared_ptr<SetupTokenSource> setup_token;
    // Host names accepted besides localhost and IP addresses (MOSAIC_GATEWAY_ALLOWED_HOSTS).
    std::vector<std::string> allowed_hosts;
    // Where /health reads the backends from (the daemon's BackendMonitor); unset: probe the
    // storage on every request.
    std::function<HealthReport()> health_report;
    // Told when an agent token is revoked or its limits change (the model routes' cache).
    std::function<void()> agent_tokens_changed;
};

// The key the per-address limits count under: "loopback" for 127.0.0.0/8 and ::1 (any local
// user can pick from all of 127/8), the /64 prefix of an IPv6 address, IPv4 as it is (also
// when mapped into IPv6).
std::string client_key(const std::string& address);

// Whether a Host header value names this gateway: localhost, an IPv4 or bracketed IPv6
// literal, or one of `allowed` (case-insensitive; any port).
bool host_allowed(const std::string& host_header, const std::vector<std::string>& allowed);

class Api {
public:
    Api(Storage& storage, const support::Clock& clock, ApiOptions options);

    // Never throws: failures become JSON error responses.
    ApiResponse handle(const ApiRequest& request);

    // The error document every non-2xx answer carries.
    static ApiResponse error(int status, const std::string& code, const std::string& message);

    // True when handle() answers `request` without touching the storage or hashing a
    // password (CORS preflights; /health once `health_report` is set), so the HTTP engine may
    // call it on an I/O thread. Everything else goes to the worker pool.
    bool answers_at_once(const ApiRequest& request) const;

private:
    ApiResponse route(const ApiRequest& r);
    ApiResponse health();
    ApiResponse bootstrap_status();
    ApiResponse bootstrap_setup(const ApiRequest& r);
    ApiResponse sign_in(const ApiRequest& r);
    ApiResponse create_token(const ApiRequest& r, std::int64_t user_id);
    ApiResponse list_tokens();
    ApiResponse delete_token(const std::string& id);
    ApiResponse list_users();
    std::optional<std::int64_t> authenticate(const ApiRequest& r);
    ApiResponse agent_routes(const ApiRequest& r);  // /api/admin/agent-tokens..., /api/admin/usage
    ApiResponse create_agent_token(const ApiRequest& r);
    ApiResponse list_agent_tokens(const ApiRequest& r);
    ApiResponse set_agent_limits(const ApiRequest& r, std::int64_t id);
    ApiResponse revoke_agent_tokens(const ApiRequest& r, const std::string& id_text);
    ApiResponse usage(const ApiRequest& r);
    std::int64_t now_s() const;

    Storage& storage_;
    const support::Clock& clock_;
    ApiOptions opt_;
    std::unique_ptr<AttemptLimiter> email_address_limiter_;
    std::unique_ptr<AttemptLimiter> address_limiter_;
    std::unique_ptr<AttemptLimiter> email_limiter_;
    std::once_flag dummy_once_;
    std::string dummy_hash_;  // verified against for unknown emails, so timing does not tell
};

}  // namespace mosaic::gateway
