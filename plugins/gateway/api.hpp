// api.hpp - the gateway's HTTP API as a pure function of a request: routing, validation,
// CORS, authentication, rate limiting, JSON in and out. No sockets here (http.cpp adapts
// cpp-httplib to this), so every route is unit-tested without a network.
//
// Routes (SPEC section 2):
//   GET    /health                  {status, version, tier, backends:{name:{status, latencyMs, error?}}};
//                                    503 {status:"degraded", unavailable:[names], ...} when a backend is down
//   GET    /api/bootstrap/status    {needsSetup}
//   POST   /api/bootstrap/setup     {name, email, password} -> 201 {user, token, tokenId}; 409 once a user exists
//   POST   /api/auth/sign-in        {email, password} -> {token, expiresAt, user}; 401; 429 + Retry-After
//   POST   /api/admin/tokens        {label?} -> 201 {id, label, token, createdAt}   (bearer: admin token or session)
//   GET    /api/admin/tokens        {tokens:[{id, label, userId, createdAt, lastUsedAt}]}
//   DELETE /api/admin/tokens/:id    {deleted:true}; 404
//   GET    /api/admin/users         {users:[{id, name, email, role, createdAt}]}
// Every error is JSON {"error": "<code>", "message": "<text>"}: 400 bad JSON / wrong type,
// 401, 404 unknown route, 405 wrong method (with Allow), 409, 413, 429, 500, and 503
// {"error":"backend_unavailable","backend":"<name>"} when a storage backend cannot be reached.
// The sign-in limiters come from the storage (Storage::attempt_limiter), so the team tier
// counts failures across gateways.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include <mosaic/support/clock.hpp>

#include "rate_limiter.hpp"
#include "settings.hpp"
#include "storage.hpp"

namespace mosaic::gateway {

struct ApiRequest {
    std::string method;   // "GET", "POST", ...
    std::string path;     // without the query string
    std::string body;
    std::string client_address;
    std::map<std::string, std::string> headers;  // keys lowercase
};

struct ApiResponse {
    int status = 200;
    nlohmann::json body;  // null: no body (204)
    std::map<std::string, std::string> headers;
};

struct ApiOptions {
    std::string version = "0.0.0";
    std::string cors_origin;
    std::string auth_secret;  // keys the session-token HMAC
    std::size_t max_body_bytes = default_max_body_bytes;
    std::chrono::seconds session_ttl{12 * 3600};
    int max_failures_per_email = 5;
    int max_failures_per_address = 20;
    std::chrono::seconds failure_window{15 * 60};
};

class Api {
public:
    Api(Storage& storage, const support::Clock& clock, ApiOptions options);

    // Never throws: failures become JSON error responses.
    ApiResponse handle(const ApiRequest& request);

    // The error document every non-2xx answer carries.
    static ApiResponse error(int status, const std::string& code, const std::string& message);

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
    std::int64_t now_s() const;

    Storage& storage_;
    const support::Clock& clock_;
    ApiOptions opt_;
    std::unique_ptr<AttemptLimiter> email_limiter_;
    std::unique_ptr<AttemptLimiter> address_limiter_;
    std::once_flag dummy_once_;
    std::string dummy_hash_;  // verified against for unknown emails, so timing does not tell
};

}  // namespace mosaic::gateway
