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
    // Where the sign-in failure counters named `name` live: in memory by default (one
    // gateway), in Valkey for the team tier (counted across gateways).
    virtual std::unique_ptr<AttemptLimiter> attempt_limiter(const std::string& name, int max_failures,
                                                            std::chrono::seconds window) {
        (void)name;
        return std::make_unique<MemoryAttemptLimiter>(max_failures, window);
    }
};

// The storage of `settings.tier`. `data_dir` holds the local tier's database; the team tier
// connects to settings.database_url (migrating it) and settings.valkey_url.
std::unique_ptr<Storage> open_storage(const GatewaySettings& settings, const std::string& data_dir);

}  // namespace mosaic::gateway
