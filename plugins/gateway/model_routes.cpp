#include "model_routes.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <variant>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "crypto.hpp"

namespace mosaic::gateway {

namespace {

struct Refusal {
    int status;
    std::string message;
    std::optional<std::int64_t> retry_after;
};

struct Authorized {
    AgentToken token;
};

std::int64_t unix_seconds(const support::Clock& clock) {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

std::string utc_day(std::int64_t s) { return support::format_utc(static_cast<std::time_t>(s), "%Y-%m-%d"); }

// The model the client asked for, when the answer does not say.
std::string requested_model(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object()) {
        auto it = j.find("model");
        if (it != j.end() && it->is_string()) return *it;
    }
    return "unknown";
}

}  // namespace

ModelCredential model_credential(const HttpRequest& request) {
    std::string token;
    if (const std::string* key = request.header("x-api-key"); key && !key->empty()) {
        token = *key;
    } else if (const std::string* auth = request.header("authorization")) {
        const std::string bearer = "Bearer ";
        if (auth->size() > bearer.size() && auth->compare(0, bearer.size(), bearer) == 0) token = auth->substr(bearer.size());
    }
    if (token.empty()) return {};
    if (token.rfind("mga_", 0) == 0) return {ModelCredential::Kind::agent, token};
    if (token.rfind("mgw_", 0) == 0 || token.rfind("mgs_", 0) == 0) return {ModelCredential::Kind::admin, {}};
    return {ModelCredential::Kind::other, {}};
}

// Usage added in memory and written to the storage in batches (every 250 ms, and on
// close), instead of one write transaction per call.
class UsageRecorder {
public:
    explicit UsageRecorder(Storage& storage) : storage_(storage), thread_([this] { run(); }) {}
    ~UsageRecorder() {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        wake_.notify_one();
        thread_.join();
        flush();
    }
    void add(const UsageRow& d) {
        std::lock_guard lock(mu_);
        UsageRow& r = pending_[{d.token_id, d.day, d.model}];
        if (r.requests == 0 && r.token_id == 0) r = UsageRow{d.token_id, d.agent, d.day, d.model};
        r.requests += d.requests;
        r.input_tokens += d.input_tokens;
        r.output_tokens += d.output_tokens;
        r.cache_read_tokens += d.cache_read_tokens;
        r.cache_creation_tokens += d.cache_creation_tokens;
    }
    // Tokens of `token_id` on `day` not written yet.
    std::int64_t pending_tokens(std::int64_t token_id, const std::string& day) {
        std::lock_guard lock(mu_);
        std::int64_t n = 0;
        for (const auto& [key, r] : pending_)
            if (r.token_id == token_id && r.day == day)
                n += r.input_tokens + r.output_tokens + r.cache_read_tokens + r.cache_creation_tokens;
        return n;
    }
    void flush() {
        std::lock_guard order(flush_mu_);
        std::map<Key, UsageRow> rows;
        {
            std::lock_guard lock(mu_);
            rows.swap(pending_);
        }
        for (auto it = rows.begin(); it != rows.end();) {
            try {
                storage_.add_usage(it->second);
                it = rows.erase(it);
            } catch (const std::exception&) {
                break;  // a backend is away: keep the rest for the next flush
            }
        }
        if (rows.empty()) return;
        std::lock_guard lock(mu_);
        for (auto& [key, r] : rows) {
            auto [slot, fresh] = pending_.try_emplace(key, r);
            if (fresh) continue;
            slot->second.requests += r.requests;
            slot->second.input_tokens += r.input_tokens;
            slot->second.output_tokens += r.output_tokens;
            slot->second.cache_read_tokens += r.cache_read_tokens;
            slot->second.cache_creation_tokens += r.cache_creation_tokens;
        }
    }

private:
    using Key = std::tuple<std::int64_t, std::string, std::string>;
    void run() {
        std::unique_lock lock(mu_);
        while (!stop_) {
            wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; });
            if (stop_ || pending_.empty()) continue;
            lock.unlock();
            flush();
            lock.lock();
        }
    }

    Storage& storage_;
    std::mutex mu_, flush_mu_;
    std::condition_variable wake_;
    std::map<Key, UsageRow> pending_;
    bool stop_ = false;
    std::thread thread_;
};

// Requests per minute of the local tier: one gateway per database, so counted in this
// process, without a storage call.
class LocalCounter {
public:
    bool count(std::int64_t token_id, std::int64_t limit, std::int64_t minute) {
        std::lock_guard lock(mu_);
        auto& [at, n] = counts_[token_id];
        if (at != minute) {
            at = minute;
            n = 0;
        }
        return ++n <= limit;
    }

private:
    std::mutex mu_;
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> counts_;
};

struct ModelRoutes::State : std::enable_shared_from_this<ModelRoutes::State> {
    State(Storage& s, WorkerPool& p, const support::Clock& c, ModelRouteOptions o)
        : storage(s), pool(p), clock(c), opt(std::move(o)), proxy(opt.proxy), local(storage.tier() == "local"), usage(s) {
        // Validated when the settings were read; parsed once here.
        anthropic_target = parse_upstream_url(opt.anthropic.base_url, opt.anthropic.key_variable);
        openai_target = parse_upstream_url(opt.openai.base_url, opt.openai.key_variable);
    }

    const ProviderConfig& provider(ProviderKind k) const { return k == ProviderKind::anthropic ? opt.anthropic : opt.openai; }
    const UpstreamTarget& target(ProviderKind k) const { return k == ProviderKind::anthropic ? anthropic_target : openai_target; }

    static void refuse(const Exchange& ex, ProviderKind kind, const Refusal& r) {
        HttpResponse res = provider_error(kind, r.status, r.message);
        if (r.retry_after) res.headers.emplace_back("Retry-After", std::to_string(*r.retry_after));
        ex.respond(std::move(res));
    }

    // A token seen recently (kept `cache_ttl`; dropped at once when this gateway's admin API
    // changes agent tokens).
    std::optional<AgentToken> cached(const std::string& hash) {
        std::lock_guard lock(cache_mu);
        auto it = cache.find(hash);
        if (it == cache.end()) return std::nullopt;
        if (std::chrono::steady_clock::now() - it->second.second > opt.cache_ttl) {
            cache.erase(it);
            return std::nullopt;
        }
        return it->second.first;
    }
    void remember(const std::string& hash, const AgentToken& t) {
        std::lock_guard lock(cache_mu);
        if (cache.size() > 10000) cache.clear();  // bounded; tokens are few
        cache[hash] = {t, std::chrono::steady_clock::now()};
    }
    void forget_all() {
        std::lock_guard lock(cache_mu);
        cache.clear();
    }

    // Whether checking this token's limits needs the storage (the team tier's shared counter,
    // or today's tokens).
    bool limits_need_storage(const AgentToken& t) const {
        return t.limits.tokens_per_day || (t.limits.requests_per_minute && !local);
    }

    // The limits of `t` now. Without storage unless limits_need_storage(t).
    std::optional<Refusal> check_limits(const AgentToken& t) {
        std::int64_t now = unix_seconds(clock);
        if (auto rpm = t.limits.requests_per_minute) {
            bool within = local ? counter.count(t.id, *rpm, now / 60) : storage.count_request(t.id, *rpm, now / 60);
            if (!within)
                return Refusal{429,
                               "agent '" + t.agent + "' is over its limit of " + std::to_string(*rpm) +
                                   " requests per minute",
                               60 - now % 60};
        }
        if (auto tpd = t.limits.tokens_per_day) {
            std::string day = utc_day(now);
            if (storage.tokens_used(t.id, day) + usage.pending_tokens(t.id, day) >= *tpd)
                return Refusal{429,
                               "agent '" + t.agent + "' has used its " + std::to_string(*tpd) + " tokens for today (UTC)",
                               86400 - now % 86400};
        }
        return std::nullopt;
    }

    // On the worker pool: who the token is and whether it may spend now.
    std::variant<Authorized, Refusal> authorize(const std::string& hash, std::optional<AgentToken> known) {
        try {
            if (!known) {
                known = storage.agent_token(hash, unix_seconds(clock));
                if (!known) return Refusal{401, "invalid or revoked agent token", std::nullopt};
                remember(hash, *known);
            }
            if (auto refusal = check_limits(*known)) return *refusal;
            return Authorized{*known};
        } catch (const BackendUnavailable& e) {
            return Refusal{503, "the gateway's " + e.backend() + " is unavailable", 5};
        } catch (const std::exception&) {
            return Refusal{500, "internal error", std::nullopt};
        }
    }

    void forward(std::shared_ptr<HttpRequest> request, ProviderRoute route, Exchange exchange, AgentToken token) {
        const ProviderConfig& p = provider(route.kind);
        std::vector<std::pair<std::string, std::string>> credential;
        if (route.kind == ProviderKind::anthropic) credential.emplace_back("x-api-key", p.api_key);
        else credential.emplace_back("Authorization", "Bearer " + p.api_key);
        std::string path = route.upstream_path + (request->query.empty() ? "" : "?" + request->query);
        auto self = shared_from_this();
        proxy.forward(target(route.kind), route.kind, path, *request, std::move(credential), exchange,
                      [self, request, token](const ProxyOutcome& o) {
                          UsageRow row;
                          row.token_id = token.id;
                          row.agent = token.agent;
                          row.day = utc_day(unix_seconds(self->clock));
                          row.model = o.usage.model.empty() ? requested_model(request->body) : o.usage.model;
                          row.requests = 1;
                          row.input_tokens = o.usage.input_tokens;
                          row.output_tokens = o.usage.output_tokens;
                          row.cache_read_tokens = o.usage.cache_read_tokens;
                          row.cache_creation_tokens = o.usage.cache_creation_tokens;
                          self->usage.add(row);
                      });
    }

    Storage& storage;
    WorkerPool& pool;
    const support::Clock& clock;
    ModelRouteOptions opt;
    Proxy proxy;
    UpstreamTarget anthropic_target, openai_target;
    bool local;
    LocalCounter counter;
    std::mutex cache_mu;
    std::unordered_map<std::string, std::pair<AgentToken, std::chrono::steady_clock::time_point>> cache;
    UsageRecorder usage;
};

ModelRoutes::ModelRoutes(Storage& storage, WorkerPool& pool, const support::Clock& clock, ModelRouteOptions options)
    : state_(std::make_shared<State>(storage, pool, clock, std::move(options))) {}

ModelRoutes::~ModelRoutes() = default;

void ModelRoutes::close() {
    state_->proxy.close_idle();
    state_->usage.flush();
}

void ModelRoutes::agent_tokens_changed() { state_->forget_all(); }

bool ModelRoutes::handle(HttpRequest& request, Exchange& exchange) {
    auto route = provider_route(request.path);
    if (!route) return false;
    const ProviderConfig& provider = state_->provider(route->kind);
    if (provider.api_key.empty()) {
        State::refuse(exchange, route->kind,
                      {503,
                       "the gateway has no " + provider.name + " key: set " + provider.key_variable +
                           " (mosaic gateway config set " + provider.key_variable + ")",
                       std::nullopt});
        return true;
    }
    ModelCredential cred = model_credential(request);
    if (cred.kind == ModelCredential::Kind::admin) {
        State::refuse(exchange, route->kind,
                      {403, "admin tokens and sessions do not work on model routes; use the agent's token (mga_...)",
                       std::nullopt});
        return true;
    }
    if (cred.kind != ModelCredential::Kind::agent) {
        State::refuse(exchange, route->kind,
                      {401, "an agent token (mga_...) is required, as x-api-key or Authorization: Bearer", std::nullopt});
        return true;
    }
    auto req = std::make_shared<HttpRequest>(std::move(request));
    request.method = req->method;  // the engine logs these once the answer is done
    request.path = req->path;
    auto state = state_;
    std::string hash = sha256_hex(cred.token);
    auto known = state->cached(hash);
    if (known && !state->limits_need_storage(*known)) {  // everything is at hand: no hand-off
        if (auto refusal = state->check_limits(*known)) State::refuse(exchange, route->kind, *refusal);
        else state->forward(req, *route, exchange, *known);
        return true;
    }
    bool queued = state->pool.try_post([state, req, route = *route, exchange, hash, known] {
        if (exchange.cancelled()) return;
        auto verdict = state->authorize(hash, known);
        boost::asio::post(exchange.executor(), [state, req, route, exchange, verdict = std::move(verdict)] {
            if (auto* refusal = std::get_if<Refusal>(&verdict)) return State::refuse(exchange, route.kind, *refusal);
            state->forward(req, route, exchange, std::get<Authorized>(verdict).token);
        });
    });
    if (!queued) State::refuse(exchange, route->kind, {503, "the gateway has too many requests waiting; retry shortly", 1});
    return true;
}

}  // namespace mosaic::gateway
