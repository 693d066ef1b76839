// sqlite_storage.hpp - the `local` tier: one SQLite database, schema created and migrated on
// open (table schema_version), WAL mode. One connection guarded by a mutex: the gateway's
// load is small and this makes every multi-statement operation trivially serialisable;
// BEGIN IMMEDIATE additionally serialises against any other process opening the file.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "storage.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mosaic::gateway {

class SqliteStorage final : public Storage {
public:
    // Opens (creating when needed) the database at `path` and migrates it to the latest
    // schema. Throws mosaic::Error(exit_failed) naming the path on failure, and
    // (exit_refused) when the file was written by a newer gateway.
    explicit SqliteStorage(const std::string& path);
    ~SqliteStorage() override;

    static constexpr int schema_version = 2;
    int current_schema_version();

    std::string tier() const override { return "local"; }
    std::vector<BackendHealth> check_backends() override;
    bool has_users() override;
    std::optional<User> create_first_admin(const NewAdmin& admin, const std::string& token_hash,
                                           const std::string& token_label, std::int64_t now,
                                           std::int64_t& token_id) override;
    std::optional<std::pair<User, std::string>> find_user_by_email(const std::string& email) override;
    std::optional<User> find_user(std::int64_t id) override;
    std::vector<User> list_users() override;
    std::int64_t create_token(std::int64_t user_id, const std::string& label, const std::string& token_hash,
                              std::int64_t now) override;
    std::optional<std::int64_t> user_for_token(const std::string& token_hash, std::int64_t now) override;
    std::vector<TokenRecord> list_tokens() override;
    bool delete_token(std::int64_t id) override;
    void create_session(const std::string& session_hash, std::int64_t user_id, std::int64_t expires_at) override;
    std::optional<std::int64_t> user_for_session(const std::string& session_hash, std::int64_t now) override;

    std::int64_t create_agent_token(const std::string& agent, const std::string& token_hash, const AgentLimits& limits,
                                    std::int64_t now) override;
    std::optional<AgentToken> agent_token(const std::string& token_hash, std::int64_t now) override;
    std::vector<AgentToken> list_agent_tokens() override;
    int revoke_agent_tokens(std::optional<std::int64_t> id, const std::string& agent, std::int64_t now) override;
    bool set_agent_limits(std::int64_t id, const AgentLimits& limits) override;
    void add_usage(const UsageRow& delta) override;
    std::vector<UsageRow> usage(const std::string& agent, const std::string& since, const std::string& until) override;
    std::int64_t tokens_used(std::int64_t token_id, const std::string& day) override;
    bool count_request(std::int64_t token_id, std::int64_t limit, std::int64_t minute) override;

private:
    void migrate();
    std::int64_t insert_token_locked(std::int64_t user_id, const std::string& label, const std::string& hash,
                                     std::int64_t now);

    // Prepared once: the statements of what is asked on every request (bootstrap status) and
    // by the health probe every 250 ms.
    sqlite3_stmt* prepared(sqlite3_stmt*& slot, const char* sql);

    std::string path_;
    sqlite3* db_ = nullptr;
    std::mutex mu_;
    sqlite3_stmt* has_users_stmt_ = nullptr;
    sqlite3_stmt* probe_stmt_ = nullptr;
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> request_counts_;  // token -> (minute, count)
};

}  // namespace mosaic::gateway
