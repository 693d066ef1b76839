#include "team_storage.hpp"

#include <mosaic/error.hpp>

#include "crypto.hpp"
#include "valkey_rate_limiter.hpp"

namespace mosaic::gateway {

namespace {

// Migrations, in order: entry i brings the schema from version i to i + 1.
const char* const kMigrations[] = {
    R"sql(
    CREATE TABLE gateway_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE gateway_users (
        id            BIGSERIAL PRIMARY KEY,
        name          TEXT NOT NULL,
        email         TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role          TEXT NOT NULL DEFAULT 'admin',
        created_at    BIGINT NOT NULL
    );
    CREATE UNIQUE INDEX gateway_users_email ON gateway_users (lower(email));
    CREATE TABLE gateway_admin_tokens (
        id           BIGSERIAL PRIMARY KEY,
        user_id      BIGINT NOT NULL REFERENCES gateway_users(id) ON DELETE CASCADE,
        label        TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        created_at   BIGINT NOT NULL,
        last_used_at BIGINT
    );
    )sql",
    R"sql(
    CREATE TABLE gateway_agent_tokens (
        id                  BIGSERIAL PRIMARY KEY,
        agent               TEXT NOT NULL,
        token_hash          TEXT NOT NULL UNIQUE,
        created_at          BIGINT NOT NULL,
        last_used_at        BIGINT,
        revoked_at          BIGINT,
        requests_per_minute BIGINT,
        tokens_per_day      BIGINT
    );
    CREATE INDEX gateway_agent_tokens_agent ON gateway_agent_tokens (agent);
    CREATE TABLE gateway_usage (
        token_id              BIGINT NOT NULL,
        agent                 TEXT NOT NULL,
        day                   TEXT NOT NULL,
        model                 TEXT NOT NULL,
        requests              BIGINT NOT NULL DEFAULT 0,
        input_tokens          BIGINT NOT NULL DEFAULT 0,
        output_tokens         BIGINT NOT NULL DEFAULT 0,
        cache_read_tokens     BIGINT NOT NULL DEFAULT 0,
        cache_creation_tokens BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (token_id, day, model)
    );
    CREATE INDEX gateway_usage_day ON gateway_usage (day, agent);
    )sql",
};
static_assert(std::size(kMigrations) == TeamStorage::schema_version);

// BEGIN ... COMMIT on one connection; rolls back unless committed.
class PgTransaction {
public:
    explicit PgTransaction(PgConnection& c) : c_(c) { c_.exec("BEGIN"); }
    ~PgTransaction() {
        if (done_ || !c_.usable()) return;
        try {
            c_.exec("ROLLBACK");
        } catch (...) {
        }
    }
    void commit() {
        c_.exec("COMMIT");
        done_ = true;
    }

private:
    PgConnection& c_;
    bool done_ = false;
};

User user_from(const PgResult& r, int row) {
    return User{r.i64(row, 0), r.text(row, 1), r.text(row, 2), r.text(row, 3), r.i64(row, 4)};
}

std::string str(std::int64_t v) { return std::to_string(v); }

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TeamStorage::TeamStorage(const std::string& database_url, const std::string& valkey_url,
                         std::chrono::milliseconds timeout)
    : pg_(database_url, timeout), valkey_(valkey_url, timeout) {
    migrate();
}

void TeamStorage::migrate() {
    pg_.with([&](PgConnection& c) {
        PgTransaction tx(c);
        // Serialises gateways that start together on a fresh database.
        c.exec("SELECT pg_advisory_xact_lock($1)", {str(kMigrateLock)});
        c.exec("CREATE TABLE IF NOT EXISTS gateway_schema_version (version INTEGER NOT NULL, applied_at BIGINT NOT NULL)");
        int version = static_cast<int>(c.exec("SELECT coalesce(max(version), 0) FROM gateway_schema_version").i64(0, 0));
        if (version > schema_version)
            throw Error(exit_refused, "postgresql at " + c.address() + ": schema version " + std::to_string(version) +
                                          " is newer than this gateway (" + std::to_string(schema_version) +
                                          "); upgrade mosaic");
        auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        for (int v = version; v < schema_version; ++v) {
            c.exec(kMigrations[v]);
            c.exec("INSERT INTO gateway_schema_version (version, applied_at) VALUES ($1, $2)", {str(v + 1), str(now)});
        }
        // The first gateway decides; the others read what it chose.
        c.exec("INSERT INTO gateway_meta (key, value) VALUES ('deployment_id', $1), ('session_key', $2) "
               "ON CONFLICT (key) DO NOTHING",
               {random_hex(16), random_hex(32)});
        auto r = c.exec("SELECT key, value FROM gateway_meta WHERE key IN ('deployment_id', 'session_key')");
        for (int i = 0; i < r.rows(); ++i) (r.text(i, 0) == "deployment_id" ? deployment_id_ : session_key_) = r.text(i, 1);
        tx.commit();
    });
}

int TeamStorage::current_schema_version() {
    return pg_.with([](PgConnection& c) {
        return static_cast<int>(c.exec("SELECT coalesce(max(version), 0) FROM gateway_schema_version").i64(0, 0));
    });
}

std::vector<BackendHealth> TeamStorage::check_backends() {
    std::vector<BackendHealth> out;
    auto t0 = std::chrono::steady_clock::now();
    BackendHealth pg{"postgresql", false, 0, pg_.address()};
    try {
        pg_.with([](PgConnection& c) { c.exec("SELECT 1"); });
        pg.ok = true;
    } catch (const Error& e) {
        pg.detail = e.what();
    }
    pg.latency_ms = ms_since(t0);
    out.push_back(pg);

    t0 = std::chrono::steady_clock::now();
    BackendHealth vk{"valkey", false, 0, valkey_.address()};
    try {
        auto r = valkey_.command({"PING"});
        vk.ok = r.str == "PONG";
        if (!vk.ok) vk.detail = "valkey at " + valkey_.address() + ": unexpected answer to PING";
    } catch (const Error& e) {
        vk.detail = e.what();
    }
    vk.latency_ms = ms_since(t0);
    out.push_back(vk);
    return out;
}

bool TeamStorage::has_users() {
    return pg_.with([](PgConnection& c) { return c.exec("SELECT EXISTS (SELECT 1 FROM gateway_users)").text(0, 0) == "t"; });
}

std::optional<User> TeamStorage::create_first_admin(const NewAdmin& admin, const std::string& token_hash,
                                                    const std::string& token_label, std::int64_t now,
                                                    std::int64_t& token_id) {
    return pg_.with([&](PgConnection& c) -> std::optional<User> {
        PgTransaction tx(c);
        // Held until COMMIT/ROLLBACK: of any number of concurrent bootstraps, on any number
        // of gateways, one at a time gets past this line, and only the first sees no user.
        c.exec("SELECT pg_advisory_xact_lock($1)", {str(kBootstrapLock)});
        if (c.exec("SELECT EXISTS (SELECT 1 FROM gateway_users)").text(0, 0) == "t") return std::nullopt;
        auto u = c.exec("INSERT INTO gateway_users (name, email, password_hash, role, created_at) "
                        "VALUES ($1, $2, $3, 'admin', $4) RETURNING id",
                        {admin.name, admin.email, admin.password_hash, str(now)});
        std::int64_t id = u.i64(0, 0);
        token_id = c.exec("INSERT INTO gateway_admin_tokens (user_id, label, token_hash, created_at) "
                          "VALUES ($1, $2, $3, $4) RETURNING id",
                          {str(id), token_label, token_hash, str(now)})
                       .i64(0, 0);
        tx.commit();
        return User{id, admin.name, admin.email, "admin", now};
    });
}

std::optional<std::pair<User, std::string>> TeamStorage::find_user_by_email(const std::string& email) {
    return pg_.with([&](PgConnection& c) -> std::optional<std::pair<User, std::string>> {
        auto r = c.exec("SELECT id, name, email, role, created_at, password_hash FROM gateway_users "
                        "WHERE lower(email) = lower($1)",
                        {email});
        if (r.rows() == 0) return std::nullopt;
        return std::make_pair(user_from(r, 0), r.text(0, 5));
    });
}

std::optional<User> TeamStorage::find_user(std::int64_t id) {
    return pg_.with([&](PgConnection& c) -> std::optional<User> {
        auto r = c.exec("SELECT id, name, email, role, created_at FROM gateway_users WHERE id = $1", {str(id)});
        if (r.rows() == 0) return std::nullopt;
        return user_from(r, 0);
    });
}

std::vector<User> TeamStorage::list_users() {
    return pg_.with([](PgConnection& c) {
        auto r = c.exec("SELECT id, name, email, role, created_at FROM gateway_users ORDER BY id");
        std::vector<User> out;
        for (int i = 0; i < r.rows(); ++i) out.push_back(user_from(r, i));
        return out;
    });
}

std::int64_t TeamStorage::create_token(std::int64_t user_id, const std::string& label, const std::string& token_hash,
                                       std::int64_t now) {
    return pg_.with([&](PgConnection& c) {
        return c.exec("INSERT INTO gateway_admin_tokens (user_id, label, token_hash, created_at) "
                      "VALUES ($1, $2, $3, $4) RETURNING id",
                      {str(user_id), label, token_hash, str(now)})
            .i64(0, 0);
    });
}

std::optional<std::int64_t> TeamStorage::user_for_token(const std::string& token_hash, std::int64_t now) {
    return pg_.with([&](PgConnection& c) -> std::optional<std::int64_t> {
        auto r = c.exec("UPDATE gateway_admin_tokens SET last_used_at = $2 WHERE token_hash = $1 RETURNING user_id",
                        {token_hash, str(now)});
        if (r.rows() == 0) return std::nullopt;
        return r.i64(0, 0);
    });
}

std::vector<TokenRecord> TeamStorage::list_tokens() {
    return pg_.with([](PgConnection& c) {
        auto r = c.exec("SELECT id, user_id, label, created_at, last_used_at FROM gateway_admin_tokens ORDER BY id");
        std::vector<TokenRecord> out;
        for (int i = 0; i < r.rows(); ++i) {
            TokenRecord t{r.i64(i, 0), r.i64(i, 1), r.text(i, 2), r.i64(i, 3), std::nullopt};
            if (!r.null(i, 4)) t.last_used_at = r.i64(i, 4);
            out.push_back(std::move(t));
        }
        return out;
    });
}

bool TeamStorage::delete_token(std::int64_t id) {
    return pg_.with([&](PgConnection& c) {
        return c.exec("DELETE FROM gateway_admin_tokens WHERE id = $1", {str(id)}).affected() > 0;
    });
}

void TeamStorage::create_session(const std::string& session_hash, std::int64_t user_id, std::int64_t expires_at) {
    valkey_.command({"SET", key("session:" + session_hash), str(user_id) + ":" + str(expires_at), "EXAT", str(expires_at)});
}

std::optional<std::int64_t> TeamStorage::user_for_session(const std::string& session_hash, std::int64_t now) {
    auto r = valkey_.command({"GET", key("session:" + session_hash)});
    if (r.type != ValkeyReply::Type::string) return std::nullopt;
    auto colon = r.str.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::int64_t user = 0, expires = 0;
    try {
        user = std::stoll(r.str.substr(0, colon));
        expires = std::stoll(r.str.substr(colon + 1));
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (expires <= now) return std::nullopt;
    return user;
}

std::unique_ptr<AttemptLimiter> TeamStorage::attempt_limiter(const std::string& name, const LimitPolicy& policy) {
    return std::make_unique<ValkeyAttemptLimiter>(valkey_, key("signin:" + name + ":"), policy);
}

BackendHealth probe_postgres(const std::string& url, std::chrono::milliseconds timeout) {
    auto t0 = std::chrono::steady_clock::now();
    BackendHealth h{"postgresql", false, -1, ""};
    try {
        PgConnection c(url, timeout);
        c.exec("SELECT 1");
        h.ok = true;
        h.latency_ms = ms_since(t0);
        h.detail = c.address() + " (" + redact_url(url) + ")";
    } catch (const Error& e) {
        h.detail = e.what();
    }
    return h;
}

BackendHealth probe_valkey(const std::string& url, std::chrono::milliseconds timeout) {
    auto t0 = std::chrono::steady_clock::now();
    BackendHealth h{"valkey", false, -1, ""};
    try {
        ValkeyClient v(url, timeout, 0);
        auto r = v.command({"PING"});
        h.ok = r.str == "PONG";
        h.latency_ms = ms_since(t0);
        h.detail = h.ok ? v.address() + " (" + redact_url(url) + ")" : "valkey at " + v.address() + ": unexpected answer to PING";
    } catch (const Error& e) {
        h.detail = e.what();
    }
    return h;
}

// --- agent tokens and usage

namespace {

const char* const agent_select =
    "SELECT id, agent, created_at, last_used_at, revoked_at, requests_per_minute, tokens_per_day FROM gateway_agent_tokens ";

AgentToken agent_from(const PgResult& r, int row) {
    AgentToken t;
    t.id = r.i64(row, 0);
    t.agent = r.text(row, 1);
    t.created_at = r.i64(row, 2);
    if (!r.null(row, 3)) t.last_used_at = r.i64(row, 3);
    if (!r.null(row, 4)) t.revoked_at = r.i64(row, 4);
    if (!r.null(row, 5)) t.limits.requests_per_minute = r.i64(row, 5);
    if (!r.null(row, 6)) t.limits.tokens_per_day = r.i64(row, 6);
    return t;
}

std::optional<std::string> opt(const std::optional<std::int64_t>& v) {
    return v ? std::optional<std::string>(str(*v)) : std::nullopt;
}

// INCR that starts the key's life: a minute's counter lives two minutes.
const char* const kCountRequest =
    "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], 120) end return n";

}  // namespace

std::int64_t TeamStorage::create_agent_token(const std::string& agent, const std::string& token_hash,
                                             const AgentLimits& limits, std::int64_t now) {
    return pg_.with([&](PgConnection& c) {
        return c
            .exec("INSERT INTO gateway_agent_tokens (agent, token_hash, created_at, requests_per_minute, tokens_per_day) "
                  "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                  {agent, token_hash, str(now), opt(limits.requests_per_minute), opt(limits.tokens_per_day)})
            .i64(0, 0);
    });
}

std::optional<AgentToken> TeamStorage::agent_token(const std::string& token_hash, std::int64_t now) {
    return pg_.with([&](PgConnection& c) -> std::optional<AgentToken> {
        auto r = c.exec(std::string("UPDATE gateway_agent_tokens SET last_used_at = $2 WHERE token_hash = $1 AND "
                                    "revoked_at IS NULL RETURNING id, agent, created_at, last_used_at, revoked_at, "
                                    "requests_per_minute, tokens_per_day"),
                        {token_hash, str(now)});
        if (r.rows() == 0) return std::nullopt;
        return agent_from(r, 0);
    });
}

std::vector<AgentToken> TeamStorage::list_agent_tokens() {
    return pg_.with([&](PgConnection& c) {
        auto r = c.exec(std::string(agent_select) + "ORDER BY id");
        std::vector<AgentToken> out;
        for (int i = 0; i < r.rows(); ++i) out.push_back(agent_from(r, i));
        return out;
    });
}

int TeamStorage::revoke_agent_tokens(std::optional<std::int64_t> id, const std::string& agent, std::int64_t now) {
    return pg_.with([&](PgConnection& c) {
        auto r = id ? c.exec("UPDATE gateway_agent_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                             {str(now), str(*id)})
                    : c.exec("UPDATE gateway_agent_tokens SET revoked_at = $1 WHERE agent = $2 AND revoked_at IS NULL",
                             {str(now), agent});
        return static_cast<int>(r.affected());
    });
}

bool TeamStorage::set_agent_limits(std::int64_t id, const AgentLimits& limits) {
    return pg_.with([&](PgConnection& c) {
        return c.exec("UPDATE gateway_agent_tokens SET requests_per_minute = $1, tokens_per_day = $2 WHERE id = $3",
                      {opt(limits.requests_per_minute), opt(limits.tokens_per_day), str(id)})
                   .affected() > 0;
    });
}

void TeamStorage::add_usage(const UsageRow& d) {
    pg_.with([&](PgConnection& c) {
        c.exec("INSERT INTO gateway_usage AS u (token_id, agent, day, model, requests, input_tokens, output_tokens, "
               "cache_read_tokens, cache_creation_tokens) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
               "ON CONFLICT (token_id, day, model) DO UPDATE SET requests = u.requests + excluded.requests, "
               "input_tokens = u.input_tokens + excluded.input_tokens, "
               "output_tokens = u.output_tokens + excluded.output_tokens, "
               "cache_read_tokens = u.cache_read_tokens + excluded.cache_read_tokens, "
               "cache_creation_tokens = u.cache_creation_tokens + excluded.cache_creation_tokens",
               {str(d.token_id), d.agent, d.day, d.model, str(d.requests), str(d.input_tokens), str(d.output_tokens),
                str(d.cache_read_tokens), str(d.cache_creation_tokens)});
    });
}

std::vector<UsageRow> TeamStorage::usage(const std::string& agent, const std::string& since, const std::string& until) {
    return pg_.with([&](PgConnection& c) {
        auto r = c.exec("SELECT token_id, agent, day, model, requests, input_tokens, output_tokens, cache_read_tokens, "
                        "cache_creation_tokens FROM gateway_usage WHERE day >= $1 AND day <= $2 AND ($3 = '' OR agent = $3) "
                        "ORDER BY day, agent, model, token_id",
                        {since, until, agent});
        std::vector<UsageRow> out;
        for (int i = 0; i < r.rows(); ++i)
            out.push_back(UsageRow{r.i64(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.i64(i, 4), r.i64(i, 5),
                                   r.i64(i, 6), r.i64(i, 7), r.i64(i, 8)});
        return out;
    });
}

std::int64_t TeamStorage::tokens_used(std::int64_t token_id, const std::string& day) {
    return pg_.with([&](PgConnection& c) {
        return c
            .exec("SELECT coalesce(sum(input_tokens + output_tokens + cache_read_tokens + cache_creation_tokens), 0) "
                  "FROM gateway_usage WHERE token_id = $1 AND day = $2",
                  {str(token_id), day})
            .i64(0, 0);
    });
}

bool TeamStorage::count_request(std::int64_t token_id, std::int64_t limit, std::int64_t minute) {
    auto r = valkey_.command({"EVAL", kCountRequest, "1", key("rpm:" + str(token_id) + ":" + str(minute))});
    return r.integer <= limit;
}

}  // namespace mosaic::gateway
