// admin_client.hpp - the CLI side of the admin API: `gateway login` (a session kept in
// meta.json, 0600), `config recover-token` (a new admin token minted with that session)
// and `config rotate-token` (a new token, then the old one revoked). Passwords come from
// the caller (prompt or MOSAIC_ADMIN_PASSWORD), never from argv.
#pragma once

#include <string>

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

}  // namespace mosaic::gateway
