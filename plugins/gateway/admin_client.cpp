#include "admin_client.hpp"

#include <cctype>

#include <fmt/format.h>
#include <mosaic/error.hpp>

#include "health.hpp"

namespace mosaic::gateway {

using nlohmann::json;

namespace {

std::string server_message(const HttpResult& r) {
    auto j = parse_answer(r.body);
    if (j.is_object() && j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
    return r.answered() ? "HTTP " + std::to_string(r.status) : r.error;
}

[[noreturn]] void fail(const std::string& what, const std::string& url, const HttpResult& r) {
    if (!r.answered()) throw Error(exit_failed, what + ": the gateway at " + url + " does not answer (" + r.error + ")");
    throw Error(r.status == 400 ? exit_usage : exit_failed, what + ": " + server_message(r));
}

TokenOutcome mint(HttpClient& http, const GatewayPaths& paths, const std::string& url, const std::string& bearer,
                  Meta& meta, const std::string& label) {
    HttpResult r = http.send("POST", url, "/api/admin/tokens", json{{"label", label}}.dump(),
                             {{"Authorization", "Bearer " + bearer}});
    auto j = parse_answer(r.body);
    if (r.status != 201 || !j.is_object() || !j.contains("token") || !j["token"].is_string())
        fail("cannot create an admin token", url, r);
    TokenOutcome out;
    out.token = j["token"].get<std::string>();
    out.id = j.value("id", 0LL);
    meta.doc["admin_token"] = out.token;
    meta.doc["admin_token_id"] = out.id;
    meta.doc["admin_exists"] = true;
    store_meta(paths, meta);
    return out;
}

// The admin token on file, else the session; exit 3 saying how to get one.
std::string bearer_on_file(const Meta& meta) {
    if (auto t = meta.admin_token()) return *t;
    if (auto s = meta.session_token()) return *s;
    throw Error(exit_refused, "no admin token or session on file; run 'mosaic gateway login' then "
                              "'mosaic gateway config recover-token'");
}

}  // namespace

LoginOutcome login(HttpClient& http, const GatewayPaths& paths, const std::string& url, const std::string& email,
                   const std::string& password) {
    Meta meta = load_meta(paths);
    // The installed gateway proves it is ours before it gets a password; a remote one (--url)
    // cannot, as this machine does not hold its secret.
    if (detect_state(paths) == InstallState::complete && load_saved_settings(paths).url() == url)
        require_own_gateway(http, url, load_auth_secret(paths).value_or(""), "the password");
    HttpResult r = http.send("POST", url, "/api/auth/sign-in", json{{"email", email}, {"password", password}}.dump());
    if (r.status == 401) throw Error(exit_failed, "sign-in as '" + email + "' failed: invalid email or password");
    if (r.status == 429) {
        auto it = r.headers.find("retry-after");
        throw Error(exit_failed, "too many failed sign-ins; retry in " + (it != r.headers.end() ? it->second : std::string("a while")) + " s");
    }
    auto j = parse_answer(r.body);
    if (r.status != 200 || !j.is_object() || !j.contains("token") || !j["token"].is_string()) fail("sign-in failed", url, r);
    meta.doc["session_token"] = j["token"];
    meta.doc["session_expires_at"] = j.value("expiresAt", "");
    meta.doc["admin_email"] = email;
    meta.doc["admin_exists"] = true;
    store_meta(paths, meta);
    return LoginOutcome{email, j.value("expiresAt", "")};
}

TokenOutcome recover_token(HttpClient& http, const GatewayPaths& paths, const std::string& url) {
    Meta meta = load_meta(paths);
    auto session = meta.session_token();
    if (!session) throw Error(exit_refused, "no session on file; run 'mosaic gateway login' first");
    require_own_gateway(http, url, load_auth_secret(paths).value_or(""), "the session");
    return mint(http, paths, url, *session, meta, "recovered");
}

TokenOutcome rotate_token(HttpClient& http, const GatewayPaths& paths, const std::string& url) {
    Meta meta = load_meta(paths);
    auto old_token = meta.admin_token();
    auto old_id = meta.admin_token_id();
    std::string bearer = bearer_on_file(meta);
    require_own_gateway(http, url, load_auth_secret(paths).value_or(""), "the admin token");
    TokenOutcome out = mint(http, paths, url, bearer, meta, "rotated");
    if (old_token && old_id) {
        HttpResult r = http.send("DELETE", url, "/api/admin/tokens/" + std::to_string(*old_id), "",
                                 {{"Authorization", "Bearer " + out.token}});
        if (r.status != 200 && r.status != 404) fail("the new token is stored but the old one was not revoked", url, r);
        out.revoked_previous = r.status == 200;
    }
    return out;
}

AdminCalls::AdminCalls(HttpClient& http, const GatewayPaths& paths, std::string url) : http_(http), url_(std::move(url)) {
    bearer_ = bearer_on_file(load_meta(paths));
    require_own_gateway(http_, url_, load_auth_secret(paths).value_or(""), "the admin token");
}

json AdminCalls::call(const std::string& method, const std::string& path, const json& body, const std::string& what) {
    HttpResult r = http_.send(method, url_, path, body.is_null() ? "" : body.dump(), {{"Authorization", "Bearer " + bearer_}});
    if (r.status >= 200 && r.status < 300) return parse_answer(r.body);
    if (r.status == 401)
        throw Error(exit_failed, what + ": the gateway refused the admin token on file; run 'mosaic gateway login' then "
                                        "'mosaic gateway config recover-token'");
    if (r.status == 404) throw Error(exit_refused, what + ": " + server_message(r));
    fail(what, url_, r);
}

json AgentLimitsInput::to_json() const {
    json j = json::object();
    auto limit = [](long long v) { return v == 0 ? json(nullptr) : json(v); };
    if (requests_per_minute) j["requestsPerMinute"] = limit(*requests_per_minute);
    if (tokens_per_day) j["tokensPerDay"] = limit(*tokens_per_day);
    return j;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out;
    for (const auto& [name, value] : params) {
        if (value.empty()) continue;
        out += (out.empty() ? "?" : "&") + name + "=";
        for (unsigned char c : value) {
            if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
            else out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

}  // namespace mosaic::gateway
