// storage.hpp - everything the daemon persists, behind one interface so that a storage tier
// is a class: `local` is SqliteStorage (embedded, one file under <home>/gateway/data/); the
// `team` tier (PostgreSQL + Valkey, shared by several gateways) implements the same
// interface. Implementations must be safe to call from several request threads at once.
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

struct NewAdmin {
    std::string name, email, password_hash;
};

struct BackendHealth {
    std::string name;       // "sqlite", later "postgresql", "valkey"
    bool ok = false;
    double latency_ms = 0;
    std::string detail;     // a path or an error (never a secret)
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
};

// The storage of `settings.tier`. `data_dir` holds the local tier's database.
std::unique_ptr<Storage> open_storage(const GatewaySettings& settings, const std::string& data_dir);

}  // namespace mosaic::gateway
