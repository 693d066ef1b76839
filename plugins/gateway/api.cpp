#include "api.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <regex>
#include <ctime>

#include <mosaic/error.hpp>
#include <mosaic/support/json.hpp>
#include <mosaic/support/text.hpp>

#include "crypto.hpp"

namespace mosaic::gateway {

using nlohmann::json;

namespace {

std::string iso_time(std::int64_t unix_s) {
    return support::format_utc(static_cast<std::time_t>(unix_s), "%Y-%m-%dT%H:%M:%SZ");
}

json user_json(const User& u) {
    return {{"id", u.id}, {"name", u.name}, {"email", u.email}, {"role", u.role}, {"createdAt", iso_time(u.created_at)}};
}

// A request body problem; becomes 400.
struct BadRequest {
    std::string message;
};

// Request bodies are flat objects: a depth of 32 is plenty and keeps every later walk cheap.
constexpr support::JsonLimits body_limits{32, true};

json parse_object(const ApiRequest& r, bool allow_empty) {
    if (r.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (allow_empty) return json::object();
        throw BadRequest{"a JSON object body is required"};
    }
    json j;
    try {
        j = support::parse_json_limited(r.body, body_limits);
    } catch (const json::exception&) {
        throw BadRequest{"the body is not valid JSON"};
    } catch (const support::JsonLimitError& e) {
        throw BadRequest{std::string("the body is not usable JSON: ") + e.what()};
    }
    if (!j.is_object()) throw BadRequest{"the body must be a JSON object"};
    return j;
}

std::string required_string(const json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) throw BadRequest{std::string("field '") + field + "' is required"};
    if (!it->is_string()) throw BadRequest{std::string("field '") + field + "' must be a string"};
    return it->get<std::string>();
}

std::optional<std::string> optional_string(const json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw BadRequest{std::string("field '") + field + "' must be a string"};
    return it->get<std::string>();
}

std::string header(const ApiRequest& r, const char* name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
}

std::string lowercase(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A body a JSON route reads must be declared as JSON: the content types a page can send
// without a CORS preflight (text/plain, the form types, or none) are refused.
std::optional<ApiResponse> require_json_body(const ApiRequest& r, bool body_required) {
    if (!body_required && r.body.empty()) return std::nullopt;
    std::string type = lowercase(header(r, "content-type"));
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    if (type == "application/json") return std::nullopt;
    return Api::error(415, "unsupported_media_type", "the body must be sent as Content-Type: application/json");
}

}  // namespace

std::string client_key(const std::string& address) {
    std::string a = address;
    if (lowercase(a).rfind("::ffff:", 0) == 0 && a.find('.') != std::string::npos) a = a.substr(7);
    in_addr v4{};
    if (::inet_pton(AF_INET, a.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127 ? "loopback" : a;
    in6_addr v6{};
    if (::inet_pton(AF_INET6, a.c_str(), &v6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&v6)) return "loopback";
        std::memset(v6.s6_addr + 8, 0, 8);  // one client per /64: the smallest block a host is given
        char text[INET6_ADDRSTRLEN];
        ::inet_ntop(AF_INET6, &v6, text, sizeof text);
        return std::string(text) + "/64";
    }
    return a;
}

bool host_allowed(const std::string& host_header, const std::vector<std::string>& allowed) {
    std::string host = lowercase(host_header);
    if (!host.empty() && host.front() == '[') {  // [IPv6]:port
        auto close = host.find(']');
        if (close == std::string::npos) return false;
        in6_addr v6{};
        return ::inet_pton(AF_INET6, host.substr(1, close - 1).c_str(), &v6) == 1;
    }
    host = host.substr(0, host.find(':'));
    if (host.empty()) return false;
    // A page can only rebind a name it controls: IP literals are never a rebound name.
    in_addr v4{};
    if (host == "localhost" || ::inet_pton(AF_INET, host.c_str(), &v4) == 1) return true;
    for (const auto& name : allowed)
        if (lowercase(name) == host) return true;
    return false;
}

Api::Api(Storage& storage, const support::Clock& clock, ApiOptions options)
    : storage_(storage),
      clock_(clock),
      opt_(std::move(options)),
      email_address_limiter_(storage.attempt_limiter("email-address", opt_.limits.email_and_address)),
      address_limiter_(storage.attempt_limiter("address", opt_.limits.address)),
      email_limiter_(storage.attempt_limiter("email", opt_.limits.email)) {}

std::int64_t Api::now_s() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
}

ApiResponse Api::error(int status, const std::string& code, const std::string& message) {
    return ApiResponse{status, json{{"error", code}, {"message", message}}, {}};
}

ApiResponse Api::handle(const ApiRequest& request) {
    ApiResponse res;
    std::string origin = header(request, "origin");
    bool origin_allowed = !origin.empty() && origin == opt_.cors_origin;
    auto host = request.headers.find("host");

    if (host != request.headers.end() && !host_allowed(host->second, opt_.allowed_hosts)) {
        res = error(403, "host_not_allowed",
                    "the Host header '" + support::escape_for_message(host->second) +
                        "' does not name this gateway; add the name to MOSAIC_GATEWAY_ALLOWED_HOSTS in its .env to allow it");
    } else if (!origin.empty() && !origin_allowed) {
        // Refused outright, not just left without CORS headers: a page's simple request (a
        // text/plain POST) would otherwise still be served, and CORS only hides the answer.
        res = error(403, "origin_not_allowed", "requests from origin '" + support::escape_for_message(origin) +
                                                   "' are not allowed (MOSAIC_CORS_ORIGIN)");
    } else if (request.method == "OPTIONS") {
        if (!origin_allowed) {
            res = error(403, "cors_rejected", "origin not allowed");
        } else {
            res.status = 204;
            res.body = nullptr;
            res.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE, OPTIONS";
            res.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type";
            res.headers["Access-Control-Max-Age"] = "600";
        }
    } else if (request.body.size() > opt_.max_body_bytes) {
        res = error(413, "payload_too_large", "the body exceeds " + std::to_string(opt_.max_body_bytes) + " bytes");
    } else {
        try {
            res = route(request);
        } catch (const BadRequest& e) {
            res = error(400, "bad_request", e.message);
        } catch (const BackendUnavailable& e) {
            res = error(503, "backend_unavailable", e.backend() + " is unavailable");
            res.body["backend"] = e.backend();
            res.headers["Retry-After"] = "5";
        } catch (const Error& e) {
            res = error(e.code() == exit_usage ? 400 : 500, e.code() == exit_usage ? "bad_request" : "internal",
                        e.code() == exit_usage ? e.what() : "internal error");
        } catch (const std::exception&) {
            res = error(500, "internal", "internal error");
        }
    }
    // CORS: exactly the configured origin, never a wildcard, never a reflection of others.
    if (origin_allowed) {
        res.headers["Access-Control-Allow-Origin"] = opt_.cors_origin;
        res.headers["Access-Control-Allow-Credentials"] = "true";
    }
    res.headers["Vary"] = "Origin";
    std::string challenge = header(request, "x-mosaic-challenge");
    if (!opt_.proof_key.empty() && !challenge.empty() && challenge.size() <= 128)
        res.headers["X-Mosaic-Proof"] = gateway_proof(opt_.proof_key, challenge);
    return res;
}

ApiResponse Api::route(const ApiRequest& r) {
    const std::string& p = r.path;
    auto method_not_allowed = [](const char* allow) {
        ApiResponse e = error(405, "method_not_allowed", std::string("allowed: ") + allow);
        e.headers["Allow"] = allow;
        return e;
    };
    if (p == "/health") return r.method == "GET" ? health() : method_not_allowed("GET");
    if (p == "/api/bootstrap/status") return r.method == "GET" ? bootstrap_status() : method_not_allowed("GET");
    if (p == "/api/bootstrap/setup") {
        if (r.method != "POST") return method_not_allowed("POST");
        if (auto refused = require_json_body(r, true)) return *refused;
        return bootstrap_setup(r);
    }
    if (p == "/api/auth/sign-in") {
        if (r.method != "POST") return method_not_allowed("POST");
        if (auto refused = require_json_body(r, true)) return *refused;
        return sign_in(r);
    }

    if (p.rfind("/api/admin/agent-tokens", 0) == 0 || p == "/api/admin/usage") return agent_routes(r);

    const std::string tokens = "/api/admin/tokens";
    bool is_tokens = p == tokens;
    bool is_token_id = p.rfind(tokens + "/", 0) == 0 && p.size() > tokens.size() + 1 &&
                       p.find('/', tokens.size() + 1) == std::string::npos;
    bool is_users = p == "/api/admin/users";
    if (!is_tokens && !is_token_id && !is_users) return error(404, "not_found", "no route for '" + support::escape_for_message(p) + "'");
    if (is_tokens && r.method != "GET" && r.method != "POST") return method_not_allowed("GET, POST");
    if (is_token_id && r.method != "DELETE") return method_not_allowed("DELETE");
    if (is_users && r.method != "GET") return method_not_allowed("GET");
    if (auto refused = require_json_body(r, false)) return *refused;

    auto user = authenticate(r);
    if (!user) return error(401, "unauthorized", "a valid admin token or session is required");
    if (is_users) return list_users();
    if (is_token_id) return delete_token(p.substr(tokens.size() + 1));
    if (r.method == "POST") return create_token(r, *user);
    return list_tokens();
}

bool Api::answers_at_once(const ApiRequest& r) const {
    return r.method == "OPTIONS" || (r.path == "/health" && opt_.health_report);
}

ApiResponse Api::health() {
    json backends = json::object();
    json unavailable = json::array();
    HealthReport report;
    if (opt_.health_report) report = opt_.health_report();
    else report.backends = storage_.check_backends();
    for (const auto& b : report.backends) {
        backends[b.name] = {{"status", b.ok ? "ok" : "error"}, {"latencyMs", b.latency_ms}};
        if (!b.ok) {
            backends[b.name]["error"] = b.detail;
            unavailable.push_back(b.name);
        }
    }
    bool ok = unavailable.empty();
    json body{{"status", ok ? "ok" : "degraded"}, {"version", opt_.version}, {"tier", storage_.tier()},
              {"backends", backends}};
    if (opt_.health_report) body["ageMs"] = static_cast<std::int64_t>(report.age_ms);
    if (!ok) body["unavailable"] = unavailable;
    return ApiResponse{ok ? 200 : 503, body, {}};
}

ApiResponse Api::bootstrap_status() { return ApiResponse{200, json{{"needsSetup", !storage_.has_users()}}, {}}; }

ApiResponse Api::bootstrap_setup(const ApiRequest& r) {
    json in = parse_object(r, false);
    std::string name = required_string(in, "name");
    std::string email = required_string(in, "email");
    std::string password = required_string(in, "password");
    std::string setup_token = optional_string(in, "setupToken").value_or("");
    parse_admin_name(name, "field 'name'");
    parse_email(email, "field 'email'");
    check_password(password, "field 'password'");
    // Cheap early answer for the losers of a race; the transaction below decides for real.
    if (storage_.has_users()) return error(409, "already_set_up", "an admin already exists");
    auto on_file = opt_.setup_token ? opt_.setup_token->current() : std::nullopt;
    if (!on_file || setup_token.empty() || !equal_secret(setup_token, *on_file)) {
        // The token is consumed only once an admin exists: a loser of the race that finds it
        // gone is told so, as every request after the first admin is.
        if (storage_.has_users()) return error(409, "already_set_up", "an admin already exists");
        if (!on_file)
            return error(403, "setup_token_required",
                         "no setup token is on file; run 'mosaic gateway install' on the gateway's machine to create "
                         "the first admin");
        return error(403, setup_token.empty() ? "setup_token_required" : "setup_token_invalid",
                     "creating the first admin needs the one-time 'setupToken' that 'mosaic gateway install' wrote to "
                     "the gateway's directory");
    }
    std::string token = new_admin_token();
    std::int64_t token_id = 0;
    auto user = storage_.create_first_admin(NewAdmin{name, email, hash_password(password)}, sha256_hex(token),
                                            "bootstrap", now_s(), token_id);
    if (!user) return error(409, "already_set_up", "an admin already exists");
    opt_.setup_token->consume();
    return ApiResponse{201, json{{"user", user_json(*user)}, {"token", token}, {"tokenId", token_id}}, {}};
}

namespace {

// The attempts one sign-in holds in its limiters: each counted before the password is
// checked, so that however many arrive at once, no more than the limit are checked; one that
// another limit refuses, or that succeeds, is taken back.
class HeldAttempts {
public:
    using Limit = std::pair<AttemptLimiter*, const std::string*>;
    // Reserves in each limiter in turn; the reservation that refused, if one did (then nothing
    // stays held).
    std::optional<Reservation> reserve(std::initializer_list<Limit> limits, std::chrono::system_clock::time_point now) {
        for (auto [limiter, key] : limits) {
            Reservation res;
            try {
                res = limiter->reserve(*key, now);
            } catch (...) {
                give_back_quietly();
                throw;
            }
            if (!res.allowed()) {
                give_back();
                return res;
            }
            held_.push_back(Held{limiter, key, *res.id});
        }
        return std::nullopt;
    }
    // Takes back every attempt but those held in `keep`.
    void give_back(const AttemptLimiter* keep = nullptr) {
        for (const auto& h : held_)
            if (h.limiter != keep) h.limiter->cancel(*h.key, h.id);
    }
    // On the way out with another error (a backend down): the attempt does not count.
    void give_back_quietly() {
        try {
            give_back();
        } catch (...) {
        }
    }

private:
    struct Held {
        AttemptLimiter* limiter;
        const std::string* key;
        std::string id;
    };
    std::vector<Held> held_;
};

}  // namespace

ApiResponse Api::sign_in(const ApiRequest& r) {
    json in = parse_object(r, false);
    std::string email = required_string(in, "email");
    std::string password = required_string(in, "password");
    // Case-normalised, so "A@x.io" and "a@x.io" share their limits.
    const std::string email_key = "email:" + lowercase(email);
    const std::string address = client_key(r.client_address);
    const std::string address_key = "ip:" + address;
    const std::string pair_key = "email-ip:" + lowercase(email) + "|" + address;

    HeldAttempts held;
    if (auto refused = held.reserve({{email_address_limiter_.get(), &pair_key},
                                     {address_limiter_.get(), &address_key},
                                     {email_limiter_.get(), &email_key}},
                                    clock_.now())) {
        ApiResponse e = error(429, "too_many_attempts",
                              "too many failed sign-ins; retry in " + std::to_string(refused->retry_after_s) + " s");
        e.headers["Retry-After"] = std::to_string(refused->retry_after_s);
        return e;
    }
    std::optional<std::pair<User, std::string>> found;
    bool ok = false;
    try {
        found = storage_.find_user_by_email(email);
        if (!found) std::call_once(dummy_once_, [this] { dummy_hash_ = hash_password(random_hex(16)); });
        ok = found ? verify_password(found->second, password) : (verify_password(dummy_hash_, password), false);
    } catch (...) {
        held.give_back_quietly();  // no password was judged: the attempt does not count
        throw;
    }
    if (!ok) return error(401, "invalid_credentials", "invalid email or password");
    held.give_back(email_address_limiter_.get());
    email_address_limiter_->reset(pair_key);
    std::string token = new_session_token();
    std::int64_t expires = now_s() + opt_.session_ttl.count();
    storage_.create_session(hmac_sha256_hex(opt_.auth_secret, token), found->first.id, expires);
    return ApiResponse{200, json{{"token", token}, {"expiresAt", iso_time(expires)}, {"user", user_json(found->first)}}, {}};
}

std::optional<std::int64_t> Api::authenticate(const ApiRequest& r) {
    std::string auth = header(r, "authorization");
    const std::string bearer = "Bearer ";
    if (auth.size() <= bearer.size() || auth.compare(0, bearer.size(), bearer) != 0) return std::nullopt;
    std::string token = auth.substr(bearer.size());
    std::optional<std::int64_t> user;
    if (token.rfind("mgw_", 0) == 0) user = storage_.user_for_token(sha256_hex(token), now_s());
    else if (token.rfind("mgs_", 0) == 0) user = storage_.user_for_session(hmac_sha256_hex(opt_.auth_secret, token), now_s());
    if (!user) return std::nullopt;
    auto u = storage_.find_user(*user);
    if (!u || u->role != "admin") return std::nullopt;
    return user;
}

ApiResponse Api::create_token(const ApiRequest& r, std::int64_t user_id) {
    json in = parse_object(r, true);
    std::string label = optional_string(in, "label").value_or("cli");
    if (label.empty() || label.size() > 100) throw BadRequest{"field 'label' must be 1 to 100 characters"};
    std::string token = new_admin_token();
    std::int64_t now = now_s();
    std::int64_t id = storage_.create_token(user_id, label, sha256_hex(token), now);
    return ApiResponse{201, json{{"id", id}, {"label", label}, {"token", token}, {"createdAt", iso_time(now)}}, {}};
}

ApiResponse Api::list_tokens() {
    json out = json::array();
    for (const auto& t : storage_.list_tokens())
        out.push_back({{"id", t.id},
                       {"label", t.label},
                       {"userId", t.user_id},
                       {"createdAt", iso_time(t.created_at)},
                       {"lastUsedAt", t.last_used_at ? json(iso_time(*t.last_used_at)) : json(nullptr)}});
    return ApiResponse{200, json{{"tokens", out}}, {}};
}

ApiResponse Api::delete_token(const std::string& id_text) {
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || p != id_text.data() + id_text.size() || id <= 0)
        return error(400, "bad_request", "token id must be a positive integer");
    if (!storage_.delete_token(id)) return error(404, "not_found", "no token with id " + std::to_string(id));
    return ApiResponse{200, json{{"deleted", true}, {"id", id}}, {}};
}

ApiResponse Api::list_users() {
    json out = json::array();
    for (const auto& u : storage_.list_users()) out.push_back(user_json(u));
    return ApiResponse{200, json{{"users", out}}, {}};
}

// --- agent tokens and usage (the model routes' credentials and what they spent)

namespace {

// "a=1&agent=x" -> the value of `name`, percent-decoded; nullopt when absent.
std::optional<std::string> query_value(const std::string& query, const std::string& name) {
    std::size_t start = 0;
    while (start <= query.size()) {
        auto amp = query.find('&', start);
        std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) {
            std::string raw = eq == std::string::npos ? "" : pair.substr(eq + 1), out;
            for (std::size_t i = 0; i < raw.size(); ++i) {
                if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
                    std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
                    out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
                    i += 2;
                } else {
                    out += raw[i] == '+' ? ' ' : raw[i];
                }
            }
            return out;
        }
        if (amp == std::string::npos) break;
        start = amp + 1;
    }
    return std::nullopt;
}

std::string checked_agent(const std::string& name, const std::string& source) {
    static const std::regex agent(R"(^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$)");
    if (!std::regex_match(name, agent))
        throw BadRequest{source + " must be an agent name: 1 to 64 letters, digits, '_', '.' or '-', not starting "
                                  "with '_', '.' or '-'"};
    return name;
}

// A limit field: absent -> keep, null -> unlimited, a positive whole number -> that.
std::optional<std::optional<std::int64_t>> limit_field(const json& in, const char* field) {
    auto it = in.find(field);
    if (it == in.end()) return std::nullopt;
    if (it->is_null()) return std::optional<std::int64_t>{};
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1)
        throw BadRequest{std::string("field '") + field + "' must be a whole number of at least 1, or null"};
    return std::optional<std::int64_t>{it->get<std::int64_t>()};
}

json limit_json(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

json agent_token_json(const AgentToken& t) {
    return {{"id", t.id},
            {"agent", t.agent},
            {"active", !t.revoked_at},
            {"createdAt", iso_time(t.created_at)},
            {"lastUsedAt", t.last_used_at ? json(iso_time(*t.last_used_at)) : json(nullptr)},
            {"revokedAt", t.revoked_at ? json(iso_time(*t.revoked_at)) : json(nullptr)},
            {"requestsPerMinute", limit_json(t.limits.requests_per_minute)},
            {"tokensPerDay", limit_json(t.limits.tokens_per_day)}};
}

std::string utc_day(std::int64_t unix_s) {
    return support::format_utc(static_cast<std::time_t>(unix_s), "%Y-%m-%d");
}

std::string checked_day(const std::string& v, const char* name) {
    static const std::regex day(R"(^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$)");
    if (!std::regex_match(v, day)) throw BadRequest{std::string("'") + name + "' must be a date, YYYY-MM-DD"};
    return v;
}

std::optional<std::int64_t> positive_id(const std::string& text) {
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || p != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

}  // namespace

ApiResponse Api::agent_routes(const ApiRequest& r) {
    const std::string base = "/api/admin/agent-tokens";
    const std::string& p = r.path;
    std::string id_text = p.size() > base.size() + 1 && p.compare(0, base.size() + 1, base + "/") == 0
                              ? p.substr(base.size() + 1)
                              : std::string();
    bool collection = p == base, usage_route = p == "/api/admin/usage", one = !id_text.empty() && id_text.find('/') == std::string::npos;
    if (!collection && !usage_route && !one) return error(404, "not_found", "no route for '" + support::escape_for_message(p) + "'");
    auto not_allowed = [](const char* allow) {
        ApiResponse e = error(405, "method_not_allowed", std::string("allowed: ") + allow);
        e.headers["Allow"] = allow;
        return e;
    };
    if (collection && r.method != "GET" && r.method != "POST" && r.method != "DELETE") return not_allowed("GET, POST, DELETE");
    if (one && r.method != "PATCH" && r.method != "DELETE") return not_allowed("PATCH, DELETE");
    if (usage_route && r.method != "GET") return not_allowed("GET");
    if (!authenticate(r)) return error(401, "unauthorized", "a valid admin token or session is required");
    if (usage_route) return usage(r);
    if (collection && r.method == "POST") return create_agent_token(r);
    if (collection && r.method == "GET") return list_agent_tokens(r);
    if (one && r.method == "PATCH") {
        auto id = positive_id(id_text);
        if (!id) return error(400, "bad_request", "agent token id must be a positive integer");
        return set_agent_limits(r, *id);
    }
    return revoke_agent_tokens(r, id_text);
}

ApiResponse Api::create_agent_token(const ApiRequest& r) {
    json in = parse_object(r, false);
    std::string agent = checked_agent(required_string(in, "agent"), "field 'agent'");
    AgentLimits limits;
    if (auto v = limit_field(in, "requestsPerMinute")) limits.requests_per_minute = *v;
    if (auto v = limit_field(in, "tokensPerDay")) limits.tokens_per_day = *v;
    std::string token = new_agent_token();
    std::int64_t now = now_s();
    std::int64_t id = storage_.create_agent_token(agent, sha256_hex(token), limits, now);
    AgentToken t{id, agent, now, std::nullopt, std::nullopt, limits};
    json out = agent_token_json(t);
    out["token"] = token;
    return ApiResponse{201, out, {}};
}

ApiResponse Api::list_agent_tokens(const ApiRequest& r) {
    auto agent = query_value(r.query, "agent");
    json out = json::array();
    for (const auto& t : storage_.list_agent_tokens())
        if (!agent || t.agent == *agent) out.push_back(agent_token_json(t));
    return ApiResponse{200, json{{"tokens", out}}, {}};
}

ApiResponse Api::set_agent_limits(const ApiRequest& r, std::int64_t id) {
    json in = parse_object(r, false);
    auto tokens = storage_.list_agent_tokens();
    auto it = std::find_if(tokens.begin(), tokens.end(), [&](const AgentToken& t) { return t.id == id; });
    if (it == tokens.end()) return error(404, "not_found", "no agent token with id " + std::to_string(id));
    AgentLimits limits = it->limits;
    if (auto v = limit_field(in, "requestsPerMinute")) limits.requests_per_minute = *v;
    if (auto v = limit_field(in, "tokensPerDay")) limits.tokens_per_day = *v;
    storage_.set_agent_limits(id, limits);
    if (opt_.agent_tokens_changed) opt_.agent_tokens_changed();
    it->limits = limits;
    return ApiResponse{200, agent_token_json(*it), {}};
}

ApiResponse Api::revoke_agent_tokens(const ApiRequest& r, const std::string& id_text) {
    int n = 0;
    json out;
    if (!id_text.empty()) {
        auto id = positive_id(id_text);
        if (!id) return error(400, "bad_request", "agent token id must be a positive integer");
        n = storage_.revoke_agent_tokens(*id, "", now_s());
        if (n == 0) return error(404, "not_found", "no active agent token with id " + id_text);
        out = {{"revoked", n}, {"id", *id}};
    } else {
        auto agent = query_value(r.query, "agent");
        if (!agent) return error(400, "bad_request", "say which tokens to revoke: /api/admin/agent-tokens/:id or ?agent=NAME");
        checked_agent(*agent, "'agent'");
        n = storage_.revoke_agent_tokens(std::nullopt, *agent, now_s());
        out = {{"revoked", n}, {"agent", *agent}};
    }
    if (n > 0 && opt_.agent_tokens_changed) opt_.agent_tokens_changed();
    return ApiResponse{200, out, {}};
}

ApiResponse Api::usage(const ApiRequest& r) {
    std::int64_t now = now_s();
    std::string until = checked_day(query_value(r.query, "until").value_or(utc_day(now)), "until");
    std::string since = checked_day(query_value(r.query, "since").value_or(utc_day(now - 29 * 86400)), "since");
    std::string agent = query_value(r.query, "agent").value_or("");
    if (!agent.empty()) checked_agent(agent, "'agent'");
    if (since > until) return error(400, "bad_request", "'since' (" + since + ") is after 'until' (" + until + ")");
    json rows = json::array();
    json totals{{"requests", 0}, {"inputTokens", 0}, {"outputTokens", 0}, {"cacheReadTokens", 0}, {"cacheCreationTokens", 0}};
    for (const auto& u : storage_.usage(agent, since, until)) {
        rows.push_back({{"day", u.day},
                        {"agent", u.agent},
                        {"tokenId", u.token_id},
                        {"model", u.model},
                        {"requests", u.requests},
                        {"inputTokens", u.input_tokens},
                        {"outputTokens", u.output_tokens},
                        {"cacheReadTokens", u.cache_read_tokens},
                        {"cacheCreationTokens", u.cache_creation_tokens}});
        totals["requests"] = totals["requests"].get<std::int64_t>() + u.requests;
        totals["inputTokens"] = totals["inputTokens"].get<std::int64_t>() + u.input_tokens;
        totals["outputTokens"] = totals["outputTokens"].get<std::int64_t>() + u.output_tokens;
        totals["cacheReadTokens"] = totals["cacheReadTokens"].get<std::int64_t>() + u.cache_read_tokens;
        totals["cacheCreationTokens"] = totals["cacheCreationTokens"].get<std::int64_t>() + u.cache_creation_tokens;
    }
    json out{{"since", since}, {"until", until}, {"rows", rows}, {"totals", totals}};
    if (!agent.empty()) out["agent"] = agent;
    return ApiResponse{200, out, {}};
}

}  // namespace mosaic::gateway
