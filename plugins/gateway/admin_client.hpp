// admin_client.hpp - the CLI side of the admin API: `gateway login` (a session kept in
// meta.json, 0600), `config recover-token` (a new admin token minted with that session)
// and `config rotate-token` (a new token, then the old one revoked). Passwords come from
// the caller (prompt or MOSAIC_ADMIN_PASSWORD), never from argv. Nothing secret is sent to
// the installed gateway's URL before the daemon there proved it is this install's (health.hpp).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http.hpp"
#include "install_state.hpp"

namespace mosaic::gateway {

struct LoginOutcome {
    std::string email;
    std::string expires_at;
};
// Throws mosaic::Error: exit_failed (no answer / 401 / 429 with the wait), exit_usage (400).
LoginOutcome login(HttpClient& http, const GatewayPaths& paths, const std::string& url, const std::string& email,
                   const std::string& password);

struct TokenOutcome {
    std::string token;  // show once
    long long id = 0;
    bool revoked_previous = false;
};
// Needs a session from `login`; the new token replaces any token on file.
TokenOutcome recover_token(HttpClient& http, const GatewayPaths& paths, const std::string& url);
// Authenticates with the token on file (else the session), mints a new one, revokes the old.
TokenOutcome rotate_token(HttpClient& http, const GatewayPaths& paths, const std::string& url);

// Calls of the installed gateway's admin API with the admin token on file (else the
// session), after the daemon proved it is this install's. Exit 3 without a credential.
class AdminCalls {
public:
    AdminCalls(HttpClient& http, const GatewayPaths& paths, std::string url);
    // The answer's JSON for a 2xx; otherwise throws mosaic::Error naming `what`: exit 2 for a
    // 400 (the gateway's message), exit 3 for a 404, exit 1 for anything else.
    nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body,
                        const std::string& what);

private:
    HttpClient& http_;
    std::string url_, bearer_;
};

// "?agent=a%20b&since=..." from the pairs whose value is not empty ("" when none is).
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

// What `gateway tokens` and the fleet's token custody send. Absent limits are not sent
// (create: unlimited; set: unchanged); 0 lifts a limit (sent as null).
struct AgentLimitsInput {
    std::optional<long long> requests_per_minute, tokens_per_day;
    nlohmann::json to_json() const;
};

}  // namespace mosaic::gateway
