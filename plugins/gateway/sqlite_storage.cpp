#include "sqlite_storage.hpp"

#include <chrono>
#include <filesystem>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

namespace mosaic::gateway {

namespace {

// Migrations, in order: entry i brings the schema from version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT NOT NULL,
        email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        password_hash TEXT NOT NULL,
        role          TEXT NOT NULL DEFAULT 'admin',
        created_at    INTEGER NOT NULL
    );
    CREATE TABLE admin_tokens (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        label        TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER
    );
    CREATE TABLE sessions (
        session_hash TEXT PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at   INTEGER NOT NULL
    );
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    )sql",
    R"sql(
    CREATE TABLE agent_tokens (
        id                   INTEGER PRIMARY KEY AUTOINCREMENT,
        agent                TEXT NOT NULL,
        token_hash           TEXT NOT NULL UNIQUE,
        created_at           INTEGER NOT NULL,
        last_used_at         INTEGER,
        revoked_at           INTEGER,
        requests_per_minute  INTEGER,
        tokens_per_day       INTEGER
    );
    CREATE INDEX agent_tokens_agent ON agent_tokens(agent);
    CREATE TABLE usage (
        token_id              INTEGER NOT NULL,
        agent                 TEXT NOT NULL,
        day                   TEXT NOT NULL,
        model                 TEXT NOT NULL,
        requests              INTEGER NOT NULL DEFAULT 0,
        input_tokens          INTEGER NOT NULL DEFAULT 0,
        output_tokens         INTEGER NOT NULL DEFAULT 0,
        cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
        cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (token_id, day, model)
    );
    CREATE INDEX usage_day ON usage(day, agent);
    )sql",
};
static_assert(std::size(kMigrations) == SqliteStorage::schema_version);

class Stmt {
public:
    Stmt(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK)
            throw Error(exit_failed, std::string("sqlite: cannot prepare statement: ") + sqlite3_errmsg(db));
    }
    ~Stmt() { sqlite3_finalize(st_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int i, const std::string& v) {
        sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(st_, i, v);
        return *this;
    }
    Stmt& bind_null(int i) {
        sqlite3_bind_null(st_, i);
        return *this;
    }
    // true while a row is available.
    bool step() {
        int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw Error(exit_failed, std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    std::int64_t i64(int col) const { return sqlite3_column_int64(st_, col); }
    bool null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
    std::string text(int col) const {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string();
    }

private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg ? msg : sqlite3_errmsg(db);
        sqlite3_free(msg);
        throw Error(exit_failed, "sqlite: " + m);
    }
}

// Rolls back unless committed.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : db_(db) { exec(db_, "BEGIN IMMEDIATE"); }
    ~Transaction() {
        if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    void commit() {
        exec(db_, "COMMIT");
        done_ = true;
    }

private:
    sqlite3* db_;
    bool done_ = false;
};

User user_from(const Stmt& s) {
    return User{s.i64(0), s.text(1), s.text(2), s.text(3), s.i64(4)};
}

}  // namespace

SqliteStorage::SqliteStorage(const std::string& path) : path_(path) {
    support::make_dirs(std::filesystem::path(path).parent_path(), 0700);
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the mode of the
    // database, and they hold the same password and token hashes. Neither follows a symbolic
    // link planted in its place.
    ::close(support::open_no_follow(path, O_WRONLY | O_CREAT, 0600));
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
                             nullptr);
    if (rc != SQLITE_OK) {
        std::string m = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(exit_failed, "cannot open the gateway database '" + path + "': " + m);
    }
    try {
        sqlite3_busy_timeout(db_, 5000);
        exec(db_, "PRAGMA foreign_keys = ON");
        exec(db_, "PRAGMA journal_mode = WAL");
        exec(db_, "PRAGMA synchronous = NORMAL");
        migrate();
    } catch (const Error& e) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(e.code(), "gateway database '" + path + "': " + e.what());
    }
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
}

SqliteStorage::~SqliteStorage() {
    sqlite3_finalize(has_users_stmt_);
    sqlite3_finalize(probe_stmt_);
    sqlite3_close(db_);
}

sqlite3_stmt* SqliteStorage::prepared(sqlite3_stmt*& slot, const char* sql) {
    if (slot == nullptr && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot, nullptr) != SQLITE_OK)
        throw Error(exit_failed, std::string("sqlite: cannot prepare statement: ") + sqlite3_errmsg(db_));
    sqlite3_reset(slot);
    return slot;
}

namespace {
// The first column of the one row `st` yields.
std::int64_t single_integer(sqlite3* db, sqlite3_stmt* st) {
    int rc = sqlite3_step(st);
    std::int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) throw Error(exit_failed, std::string("sqlite: ") + sqlite3_errmsg(db));
    return v;
}
}  // namespace

int SqliteStorage::current_schema_version() {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT coalesce(max(version), 0) FROM schema_version");
    s.step();
    return static_cast<int>(s.i64(0));
}

void SqliteStorage::migrate() {
    exec(db_, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
    Transaction tx(db_);
    int version = 0;
    {
        Stmt s(db_, "SELECT coalesce(max(version), 0) FROM schema_version");
        s.step();
        version = static_cast<int>(s.i64(0));
    }
    if (version > schema_version)
        throw Error(exit_refused, "schema version " + std::to_string(version) + " is newer than this gateway (" +
                                      std::to_string(schema_version) + "); upgrade mosaic");
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    for (int v = version; v < schema_version; ++v) {
        exec(db_, kMigrations[v]);
        Stmt(db_, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)").bind(1, std::int64_t(v + 1)).bind(2, std::int64_t(now)).step();
    }
    tx.commit();
}

std::vector<BackendHealth> SqliteStorage::check_backends() {
    auto t0 = std::chrono::steady_clock::now();
    BackendHealth h{"sqlite", false, 0, path_};
    try {
        std::lock_guard lock(mu_);
        single_integer(db_, prepared(probe_stmt_, "SELECT count(*) FROM schema_version"));
        h.ok = true;
    } catch (const Error& e) {
        h.detail = e.what();
    }
    h.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return {h};
}

bool SqliteStorage::has_users() {
    std::lock_guard lock(mu_);
    return single_integer(db_, prepared(has_users_stmt_, "SELECT EXISTS (SELECT 1 FROM users)")) != 0;
}

std::int64_t SqliteStorage::insert_token_locked(std::int64_t user_id, const std::string& label, const std::string& hash,
                                                std::int64_t now) {
    Stmt(db_, "INSERT INTO admin_tokens (user_id, label, token_hash, created_at) VALUES (?, ?, ?, ?)")
        .bind(1, user_id).bind(2, label).bind(3, hash).bind(4, now).step();
    return sqlite3_last_insert_rowid(db_);
}

std::optional<User> SqliteStorage::create_first_admin(const NewAdmin& admin, const std::string& token_hash,
                                                      const std::string& token_label, std::int64_t now,
                                                      std::int64_t& token_id) {
    std::lock_guard lock(mu_);
    Transaction tx(db_);
    {
        Stmt s(db_, "SELECT EXISTS (SELECT 1 FROM users)");
        s.step();
        if (s.i64(0) != 0) return std::nullopt;
    }
    Stmt(db_, "INSERT INTO users (name, email, password_hash, role, created_at) VALUES (?, ?, ?, 'admin', ?)")
        .bind(1, admin.name).bind(2, admin.email).bind(3, admin.password_hash).bind(4, now).step();
    std::int64_t id = sqlite3_last_insert_rowid(db_);
    token_id = insert_token_locked(id, token_label, token_hash, now);
    tx.commit();
    return User{id, admin.name, admin.email, "admin", now};
}

std::optional<std::pair<User, std::string>> SqliteStorage::find_user_by_email(const std::string& email) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT id, name, email, role, created_at, password_hash FROM users WHERE email = ?");
    s.bind(1, email);
    if (!s.step()) return std::nullopt;
    return std::make_pair(user_from(s), s.text(5));
}

std::optional<User> SqliteStorage::find_user(std::int64_t id) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT id, name, email, role, created_at FROM users WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return user_from(s);
}

std::vector<User> SqliteStorage::list_users() {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT id, name, email, role, created_at FROM users ORDER BY id");
    std::vector<User> out;
    while (s.step()) out.push_back(user_from(s));
    return out;
}

std::int64_t SqliteStorage::create_token(std::int64_t user_id, const std::string& label, const std::string& token_hash,
                                         std::int64_t now) {
    std::lock_guard lock(mu_);
    return insert_token_locked(user_id, label, token_hash, now);
}

std::optional<std::int64_t> SqliteStorage::user_for_token(const std::string& token_hash, std::int64_t now) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT id, user_id FROM admin_tokens WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    std::int64_t id = s.i64(0), user = s.i64(1);
    Stmt(db_, "UPDATE admin_tokens SET last_used_at = ? WHERE id = ?").bind(1, now).bind(2, id).step();
    return user;
}

std::vector<TokenRecord> SqliteStorage::list_tokens() {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT id, user_id, label, created_at, last_used_at FROM admin_tokens ORDER BY id");
    std::vector<TokenRecord> out;
    while (s.step()) {
        TokenRecord t{s.i64(0), s.i64(1), s.text(2), s.i64(3), std::nullopt};
        if (!s.null(4)) t.last_used_at = s.i64(4);
        out.push_back(std::move(t));
    }
    return out;
}

bool SqliteStorage::delete_token(std::int64_t id) {
    std::lock_guard lock(mu_);
    Stmt(db_, "DELETE FROM admin_tokens WHERE id = ?").bind(1, id).step();
    return sqlite3_changes(db_) > 0;
}

void SqliteStorage::create_session(const std::string& session_hash, std::int64_t user_id, std::int64_t expires_at) {
    std::lock_guard lock(mu_);
    Stmt(db_, "DELETE FROM sessions WHERE expires_at <= ?").bind(1, expires_at - 86400 * 30).step();
    Stmt(db_, "INSERT INTO sessions (session_hash, user_id, expires_at) VALUES (?, ?, ?)")
        .bind(1, session_hash).bind(2, user_id).bind(3, expires_at).step();
}

std::optional<std::int64_t> SqliteStorage::user_for_session(const std::string& session_hash, std::int64_t now) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT user_id FROM sessions WHERE session_hash = ? AND expires_at > ?");
    s.bind(1, session_hash).bind(2, now);
    if (!s.step()) return std::nullopt;
    return s.i64(0);
}

// --- agent tokens and usage

namespace {

const char* const agent_columns =
    "id, agent, created_at, last_used_at, revoked_at, requests_per_minute, tokens_per_day FROM agent_tokens";

AgentToken agent_from(const Stmt& s) {
    AgentToken t;
    t.id = s.i64(0);
    t.agent = s.text(1);
    t.created_at = s.i64(2);
    if (!s.null(3)) t.last_used_at = s.i64(3);
    if (!s.null(4)) t.revoked_at = s.i64(4);
    if (!s.null(5)) t.limits.requests_per_minute = s.i64(5);
    if (!s.null(6)) t.limits.tokens_per_day = s.i64(6);
    return t;
}

void bind_optional(Stmt& s, int i, const std::optional<std::int64_t>& v) {
    if (v) s.bind(i, *v);
    else s.bind_null(i);
}

}  // namespace

std::int64_t SqliteStorage::create_agent_token(const std::string& agent, const std::string& token_hash,
                                               const AgentLimits& limits, std::int64_t now) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "INSERT INTO agent_tokens (agent, token_hash, created_at, requests_per_minute, tokens_per_day) "
                "VALUES (?, ?, ?, ?, ?)");
    s.bind(1, agent).bind(2, token_hash).bind(3, now);
    bind_optional(s, 4, limits.requests_per_minute);
    bind_optional(s, 5, limits.tokens_per_day);
    s.step();
    return sqlite3_last_insert_rowid(db_);
}

std::optional<AgentToken> SqliteStorage::agent_token(const std::string& token_hash, std::int64_t now) {
    std::lock_guard lock(mu_);
    Stmt s(db_, (std::string("SELECT ") + agent_columns + " WHERE token_hash = ? AND revoked_at IS NULL").c_str());
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    AgentToken t = agent_from(s);
    Stmt(db_, "UPDATE agent_tokens SET last_used_at = ? WHERE id = ?").bind(1, now).bind(2, t.id).step();
    t.last_used_at = now;
    return t;
}

std::vector<AgentToken> SqliteStorage::list_agent_tokens() {
    std::lock_guard lock(mu_);
    Stmt s(db_, (std::string("SELECT ") + agent_columns + " ORDER BY id").c_str());
    std::vector<AgentToken> out;
    while (s.step()) out.push_back(agent_from(s));
    return out;
}

int SqliteStorage::revoke_agent_tokens(std::optional<std::int64_t> id, const std::string& agent, std::int64_t now) {
    std::lock_guard lock(mu_);
    if (id) Stmt(db_, "UPDATE agent_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(1, now).bind(2, *id).step();
    else Stmt(db_, "UPDATE agent_tokens SET revoked_at = ? WHERE agent = ? AND revoked_at IS NULL").bind(1, now).bind(2, agent).step();
    return sqlite3_changes(db_);
}

bool SqliteStorage::set_agent_limits(std::int64_t id, const AgentLimits& limits) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "UPDATE agent_tokens SET requests_per_minute = ?, tokens_per_day = ? WHERE id = ?");
    bind_optional(s, 1, limits.requests_per_minute);
    bind_optional(s, 2, limits.tokens_per_day);
    s.bind(3, id).step();
    return sqlite3_changes(db_) > 0;
}

void SqliteStorage::add_usage(const UsageRow& d) {
    std::lock_guard lock(mu_);
    Stmt(db_, "INSERT INTO usage (token_id, agent, day, model, requests, input_tokens, output_tokens, cache_read_tokens, "
              "cache_creation_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token_id, day, model) DO UPDATE SET "
              "requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens, "
              "output_tokens = output_tokens + excluded.output_tokens, "
              "cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, "
              "cache_creation_tokens = cache_creation_tokens + excluded.cache_creation_tokens")
        .bind(1, d.token_id).bind(2, d.agent).bind(3, d.day).bind(4, d.model).bind(5, d.requests)
        .bind(6, d.input_tokens).bind(7, d.output_tokens).bind(8, d.cache_read_tokens).bind(9, d.cache_creation_tokens)
        .step();
}

std::vector<UsageRow> SqliteStorage::usage(const std::string& agent, const std::string& since, const std::string& until) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT token_id, agent, day, model, requests, input_tokens, output_tokens, cache_read_tokens, "
                "cache_creation_tokens FROM usage WHERE day >= ? AND day <= ? AND (? = '' OR agent = ?) "
                "ORDER BY day, agent, model, token_id");
    s.bind(1, since).bind(2, until).bind(3, agent).bind(4, agent);
    std::vector<UsageRow> out;
    while (s.step())
        out.push_back(UsageRow{s.i64(0), s.text(1), s.text(2), s.text(3), s.i64(4), s.i64(5), s.i64(6), s.i64(7), s.i64(8)});
    return out;
}

std::int64_t SqliteStorage::tokens_used(std::int64_t token_id, const std::string& day) {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT coalesce(sum(input_tokens + output_tokens + cache_read_tokens + cache_creation_tokens), 0) "
                "FROM usage WHERE token_id = ? AND day = ?");
    s.bind(1, token_id).bind(2, day);
    s.step();
    return s.i64(0);
}

bool SqliteStorage::count_request(std::int64_t token_id, std::int64_t limit, std::int64_t minute) {
    // One gateway per local database: counted in memory, under the lock that serialises it.
    std::lock_guard lock(mu_);
    auto& [at, count] = request_counts_[token_id];
    if (at != minute) {
        at = minute;
        count = 0;
    }
    return ++count <= limit;
}

}  // namespace mosaic::gateway
