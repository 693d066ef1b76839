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
    // database, and they hold the same password and token hashes.
    if (int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
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

SqliteStorage::~SqliteStorage() { sqlite3_close(db_); }

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
        Stmt s(db_, "SELECT count(*) FROM schema_version");
        s.step();
        h.ok = true;
    } catch (const Error& e) {
        h.detail = e.what();
    }
    h.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return {h};
}

bool SqliteStorage::has_users() {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT EXISTS (SELECT 1 FROM users)");
    s.step();
    return s.i64(0) != 0;
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

}  // namespace mosaic::gateway
