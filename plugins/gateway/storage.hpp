// storage.hpp - everything the daemon persists, behind one interface so that a storage tier
// is a class: `local` is SqliteStorage (embedded, one file under <home>/gateway/data/); the
// `team` tier is TeamStorage (users and admin tokens in PostgreSQL, sessions and sign-in
// failure counters in Valkey, shared by several gateways). Implementations must be safe to
// call from several request threads at once.
//
// Invariants every tier keeps:
//  - create_first_admin is atomic: of any number of concurrent calls on an empty store,
//    exactly one creates the user (and its first admin token); the others get nullopt.
//  - only hashes are stored: argon2id for passwords, SHA-256 for admin tokens,
//    HMAC-SHA256 (keyed with the auth secret) for session tokens.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>

#include "rate_limiter.hpp"
#include "settings.hpp"

namespace mosaic::gateway {

struct User {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    std::string role;  // "admin"
    std::int64_t created_at = 0;  // unix seconds
};

struct TokenRecord {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string label;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> last_used_at;
};

// A backend (database server, cache) that cannot be reached or stopped answering within its
// timeout. The API answers 503 naming `backend`; the message never holds a secret.
class BackendUnavailable : public Error {
public:
    BackendUnavailable(std::string backend, const std::string& message)
        : Error(exit_failed, message), backend_(std::move(backend)) {}
    const std::string& backend() const noexcept { return backend_; }

private:
    std::string backend_;
};

// An agent's credential for the model routes: `mga_...`, stored as its SHA-256 like admin
// tokens, shown once. Limits are per token; none means unlimited.
struct AgentLimits {
    std::optional<std::int64_t> requests_per_minute;
    std::optional<std::int64_t> tokens_per_day;  // input + output + cache tokens, per UTC day
    bool operator==(const AgentLimits&) const = default;
};

struct AgentToken {
    std::int64_t id = 0;
    std::string agent;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> last_used_at, revoked_at;
    AgentLimits limits;
};

// Metered usage, per token, UTC day ("YYYY-MM-DD") and model; add_usage adds to the row.
struct UsageRow {
    std::int64_t token_id = 0;
    std::string agent, day, model;
    std::int64_t requests = 0, input_tokens = 0, output_tokens = 0, cache_read_tokens = 0, cache_creation_tokens = 0;
};

struct NewAdmin {
    std::string name, email, password_hash;
};

struct BackendHealth {
    std::string name;       // "sqlite", "postgresql", "valkey"
    bool ok = false;
    double latency_ms = 0;
    std::string detail;     // a path or host:port, or the error (never a secret)
};

class Storage {
public:
    virtual ~Storage() = default;

    virtual std::string tier() const = 0;
    virtual std::vector<BackendHealth> check_backends() = 0;

    virtual bool has_users() = 0;
    // Creates the first admin and its first admin token in one transaction; nullopt when a
    // user already exists. `token_id` receives the new token's id.
    virtual std::optional<User> create_first_admin(const NewAdmin& admin, const std::string& token_hash,
                                                   const std::string& token_label, std::int64_t now,
                                                   std::int64_t& token_id) = 0;
    // The user and their password hash.
    virtual std::optional<std::pair<User, std::string>> find_user_by_email(const std::string& email) = 0;
    virtual std::optional<User> find_user(std::int64_t id) = 0;
    virtual std::vector<User> list_users() = 0;

    virtual std::int64_t create_token(std::int64_t user_id, const std::string& label, const std::string& token_hash,
                                      std::int64_t now) = 0;
    // The owner of the admin token with this hash (and records its use).
    virtual std::optional<std::int64_t> user_for_token(const std::string& token_hash, std::int64_t now) = 0;
    virtual std::vector<TokenRecord> list_tokens() = 0;
    virtual bool delete_token(std::int64_t id) = 0;

    virtual void create_session(const std::string& session_hash, std::int64_t user_id, std::int64_t expires_at) = 0;
    virtual std::optional<std::int64_t> user_for_session(const std::string& session_hash, std::int64_t now) = 0;

    // The key session tokens are HMAC'd with, when the tier shares it between gateways (the
    // team tier keeps one per database, so a session minted by one gateway is valid on all);
    // nullopt: each gateway's own auth secret.
    virtual std::optional<std::string> shared_session_key() { return std::nullopt; }
    // Agent tokens (model routes).
    virtual std::int64_t create_agent_token(const std::string& agent, const std::string& token_hash,
                                            const AgentLimits& limits, std::int64_t now) = 0;
    // The active (not revoked) token with this hash, recording its use; nullopt otherwise.
    virtual std::optional<AgentToken> agent_token(const std::string& token_hash, std::int64_t now) = 0;
    virtual std::vector<AgentToken> list_agent_tokens() = 0;
    // Revokes token `id` (when given) or every active token of `agent`; returns how many.
    virtual int revoke_agent_tokens(std::optional<std::int64_t> id, const std::string& agent, std::int64_t now) = 0;
    virtual bool set_agent_limits(std::int64_t id, const AgentLimits& limits) = 0;

    // Usage: rows are summed per (token, day, model); the team tier keeps them in PostgreSQL,
    // so every gateway adds to one total.
    virtual void add_usage(const UsageRow& delta) = 0;
    // Rows with `since` <= day <= `until`, of `agent` unless it is empty, by day then agent.
    virtual std::vector<UsageRow> usage(const std::string& agent, const std::string& since, const std::string& until) = 0;
    virtual std::int64_t tokens_used(std::int64_t token_id, const std::string& day) = 0;
    // Counts one request of `token_id` in minute `minute` and says whether it is within `limit`:
    // exactly, however many threads and gateways ask at once (the team tier counts in Valkey).
    virtual bool count_request(std::int64_t token_id, std::int64_t limit, std::int64_t minute) = 0;

    // Where the sign-in attempt counters named `name` live: in memory by default (one
    // gateway), in Valkey for the team tier (counted across gateways).
    virtual std::unique_ptr<AttemptLimiter> attempt_limiter(const std::string& name, const LimitPolicy& policy) {
        (void)name;
        return std::make_unique<MemoryAttemptLimiter>(policy);
    }
};

// The storage of `settings.tier`. `data_dir` holds the local tier's database; the team tier
// connects to settings.database_url (migrating it) and settings.valkey_url.
std::unique_ptr<Storage> open_storage(const GatewaySettings& settings, const std::string& data_dir);

}  // namespace mosaic::gateway
