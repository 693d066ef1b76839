#include "admin_client.hpp"

#include <mosaic/error.hpp>

namespace mosaic::gateway {

using nlohmann::json;

namespace {

std::string server_message(const HttpResult& r) {
    auto j = json::parse(r.body, nullptr, false);
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
    auto j = json::parse(r.body, nullptr, false);
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

}  // namespace

LoginOutcome login(HttpClient& http, const GatewayPaths& paths, const std::string& url, const std::string& email,
                   const std::string& password) {
    Meta meta = load_meta(paths);
    HttpResult r = http.send("POST", url, "/api/auth/sign-in", json{{"email", email}, {"password", password}}.dump());
    if (r.status == 401) throw Error(exit_failed, "sign-in as '" + email + "' failed: invalid email or password");
    if (r.status == 429) {
        auto it = r.headers.find("Retry-After");
        throw Error(exit_failed, "too many failed sign-ins; retry in " + (it != r.headers.end() ? it->second : std::string("a while")) + " s");
    }
    auto j = json::parse(r.body, nullptr, false);
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
    return mint(http, paths, url, *session, meta, "recovered");
}

TokenOutcome rotate_token(HttpClient& http, const GatewayPaths& paths, const std::string& url) {
    Meta meta = load_meta(paths);
    auto old_token = meta.admin_token();
    auto old_id = meta.admin_token_id();
    std::string bearer;
    if (old_token) bearer = *old_token;
    else if (auto s = meta.session_token()) bearer = *s;
    else
        throw Error(exit_refused, "no admin token or session on file; run 'mosaic gateway login' then "
                                  "'mosaic gateway config recover-token'");
    TokenOutcome out = mint(http, paths, url, bearer, meta, "rotated");
    if (old_token && old_id) {
        HttpResult r = http.send("DELETE", url, "/api/admin/tokens/" + std::to_string(*old_id), "",
                                 {{"Authorization", "Bearer " + out.token}});
        if (r.status != 200 && r.status != 404) fail("the new token is stored but the old one was not revoked", url, r);
        out.revoked_previous = r.status == 200;
    }
    return out;
}

}  // namespace mosaic::gateway
