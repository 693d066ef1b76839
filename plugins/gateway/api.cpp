#include "api.hpp"

#include <charconv>
#include <ctime>

#include <mosaic/error.hpp>
#include <mosaic/support/text.hpp>

#include "crypto.hpp"

namespace mosaic::gateway {

using nlohmann::json;

namespace {

std::string iso_time(std::int64_t unix_s) {
    std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json user_json(const User& u) {
    return {{"id", u.id}, {"name", u.name}, {"email", u.email}, {"role", u.role}, {"createdAt", iso_time(u.created_at)}};
}

// A request body problem; becomes 400.
struct BadRequest {
    std::string message;
};

json parse_object(const ApiRequest& r, bool allow_empty) {
    if (r.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (allow_empty) return json::object();
        throw BadRequest{"a JSON object body is required"};
    }
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) throw BadRequest{"the body is not valid JSON"};
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

}  // namespace

Api::Api(Storage& storage, const support::Clock& clock, ApiOptions options)
    : storage_(storage),
      clock_(clock),
      opt_(std::move(options)),
      email_limiter_(storage.attempt_limiter("email", opt_.max_failures_per_email, opt_.failure_window)),
      address_limiter_(storage.attempt_limiter("address", opt_.max_failures_per_address, opt_.failure_window)) {}

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

    if (request.method == "OPTIONS") {
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
    if (p == "/api/bootstrap/setup") return r.method == "POST" ? bootstrap_setup(r) : method_not_allowed("POST");
    if (p == "/api/auth/sign-in") return r.method == "POST" ? sign_in(r) : method_not_allowed("POST");

    const std::string tokens = "/api/admin/tokens";
    bool is_tokens = p == tokens;
    bool is_token_id = p.rfind(tokens + "/", 0) == 0 && p.size() > tokens.size() + 1 &&
                       p.find('/', tokens.size() + 1) == std::string::npos;
    bool is_users = p == "/api/admin/users";
    if (!is_tokens && !is_token_id && !is_users) return error(404, "not_found", "no route for '" + support::escape_for_message(p) + "'");
    if (is_tokens && r.method != "GET" && r.method != "POST") return method_not_allowed("GET, POST");
    if (is_token_id && r.method != "DELETE") return method_not_allowed("DELETE");
    if (is_users && r.method != "GET") return method_not_allowed("GET");

    auto user = authenticate(r);
    if (!user) return error(401, "unauthorized", "a valid admin token or session is required");
    if (is_users) return list_users();
    if (is_token_id) return delete_token(p.substr(tokens.size() + 1));
    if (r.method == "POST") return create_token(r, *user);
    return list_tokens();
}

ApiResponse Api::health() {
    json backends = json::object();
    json unavailable = json::array();
    for (const auto& b : storage_.check_backends()) {
        backends[b.name] = {{"status", b.ok ? "ok" : "error"}, {"latencyMs", b.latency_ms}};
        if (!b.ok) {
            backends[b.name]["error"] = b.detail;
            unavailable.push_back(b.name);
        }
    }
    bool ok = unavailable.empty();
    json body{{"status", ok ? "ok" : "degraded"}, {"version", opt_.version}, {"tier", storage_.tier()},
              {"backends", backends}};
    if (!ok) body["unavailable"] = unavailable;
    return ApiResponse{ok ? 200 : 503, body, {}};
}

ApiResponse Api::bootstrap_status() { return ApiResponse{200, json{{"needsSetup", !storage_.has_users()}}, {}}; }

ApiResponse Api::bootstrap_setup(const ApiRequest& r) {
    json in = parse_object(r, false);
    std::string name = required_string(in, "name");
    std::string email = required_string(in, "email");
    std::string password = required_string(in, "password");
    parse_admin_name(name, "field 'name'");
    parse_email(email, "field 'email'");
    check_password(password, "field 'password'");
    // Cheap early answer for the losers of a race; the transaction below decides for real.
    if (storage_.has_users()) return error(409, "already_set_up", "an admin already exists");
    std::string token = new_admin_token();
    std::int64_t token_id = 0;
    auto user = storage_.create_first_admin(NewAdmin{name, email, hash_password(password)}, sha256_hex(token),
                                            "bootstrap", now_s(), token_id);
    if (!user) return error(409, "already_set_up", "an admin already exists");
    return ApiResponse{201, json{{"user", user_json(*user)}, {"token", token}, {"tokenId", token_id}}, {}};
}

ApiResponse Api::sign_in(const ApiRequest& r) {
    json in = parse_object(r, false);
    std::string email = required_string(in, "email");
    std::string password = required_string(in, "password");
    auto now = clock_.now();
    std::string email_key = "email:" + email;
    std::string address_key = "ip:" + r.client_address;
    // Normalise case so "A@x.io" and "a@x.io" share a bucket.
    for (auto& c : email_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto wait = std::max(email_limiter_->blocked_for(email_key, now).value_or(0),
                         address_limiter_->blocked_for(address_key, now).value_or(0));
    if (wait > 0) {
        ApiResponse e = error(429, "too_many_attempts", "too many failed sign-ins; retry in " + std::to_string(wait) + " s");
        e.headers["Retry-After"] = std::to_string(wait);
        return e;
    }
    auto found = storage_.find_user_by_email(email);
    if (!found) std::call_once(dummy_once_, [this] { dummy_hash_ = hash_password(random_hex(16)); });
    bool ok = found ? verify_password(found->second, password) : (verify_password(dummy_hash_, password), false);
    if (!ok) {
        email_limiter_->record_failure(email_key, now);
        address_limiter_->record_failure(address_key, now);
        return error(401, "invalid_credentials", "invalid email or password");
    }
    email_limiter_->reset(email_key);
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

}  // namespace mosaic::gateway
