#include "bootstrap.hpp"

#include <mosaic/error.hpp>

#include "admin_client.hpp"
#include "health.hpp"
#include "setup_token.hpp"

namespace mosaic::gateway {

using nlohmann::json;

AdminInput admin_from_env(const EnvLookup& env) {
    AdminInput in;
    auto take = [&](std::optional<Sourced>& slot, const char* var) {
        if (auto v = env(var); v && !v->empty()) slot = Sourced{*v, var};
    };
    take(in.name, "MOSAIC_ADMIN_NAME");
    take(in.email, "MOSAIC_ADMIN_EMAIL");
    take(in.password, "MOSAIC_ADMIN_PASSWORD");
    return in;
}

AdminCredentials require_admin(const AdminInput& in) {
    std::string missing;
    auto need = [&](const std::optional<Sourced>& v, const char* var) {
        if (!v) missing += (missing.empty() ? "" : ", ") + std::string(var);
    };
    need(in.name, "MOSAIC_ADMIN_NAME");
    need(in.email, "MOSAIC_ADMIN_EMAIL");
    need(in.password, "MOSAIC_ADMIN_PASSWORD");
    if (!missing.empty())
        throw Error(exit_usage, "creating the first admin without a terminal needs " + missing +
                                    " (MOSAIC_ADMIN_PASSWORD at least 8 characters)");
    AdminCredentials c;
    c.name = parse_admin_name(in.name->value, in.name->source);
    c.email = parse_email(in.email->value, in.email->source);
    check_password(in.password->value, in.password->source);
    c.password = in.password->value;
    return c;
}

AdminCredentials ask_admin(Ui& ui, const AdminInput& in) {
    AdminCredentials c;
    c.name = in.name ? parse_admin_name(in.name->value, in.name->source) : ask_until_valid(ui, [&] {
        return parse_admin_name(ui.ask("Admin name", std::string("Admin"), "MOSAIC_ADMIN_NAME"), "the admin name");
    });
    c.email = in.email ? parse_email(in.email->value, in.email->source) : ask_until_valid(ui, [&] {
        return parse_email(ui.ask("Admin email", std::nullopt, "MOSAIC_ADMIN_EMAIL"), "the admin email");
    });
    if (in.password) {
        check_password(in.password->value, in.password->source);
        c.password = in.password->value;
    } else {
        c.password = ask_until_valid(ui, [&] {
            std::string p = ui.ask_secret("Admin password (at least 8 characters)", "MOSAIC_ADMIN_PASSWORD");
            check_password(p, "the admin password");
            std::string again = ui.ask_secret("Confirm the admin password", "MOSAIC_ADMIN_PASSWORD");
            if (again != p) throw Error(exit_usage, "the passwords do not match");
            return p;
        });
    }
    return c;
}

namespace {
std::optional<bool> needs_setup_in(const HttpResult& r) {
    if (r.status != 200) return std::nullopt;
    auto j = parse_answer(r.body);
    if (j.is_discarded() || !j.is_object() || !j.contains("needsSetup") || !j["needsSetup"].is_boolean())
        return std::nullopt;
    return j["needsSetup"].get<bool>();
}
}  // namespace

std::optional<bool> needs_setup(HttpClient& http, const std::string& url, const std::string& proof_key) {
    ProvenResult r = send_proven(http, "GET", url, "/api/bootstrap/status", proof_key);
    if (!r.proven) return std::nullopt;
    return needs_setup_in(r.http);
}

namespace {

// An admin that exists already (or appeared and is ours): recorded in meta.json.
BootstrapOutcome existing_admin(const GatewayPaths& paths, Meta& meta) {
    BootstrapOutcome out;
    out.admin_exists = true;
    out.token_on_file = meta.admin_token().has_value();
    if (!meta.admin_exists()) {
        meta.doc["admin_exists"] = true;
        store_meta(paths, meta);
    }
    return out;
}

// What a refused or failed POST /api/bootstrap/setup means for install (always throws).
[[noreturn]] void setup_failed(const HttpResult& r, const json& j, const GatewayPaths& paths, const std::string& url) {
    auto server_message = [&](const char* fallback) {
        return j.is_object() && j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>()
                                                                                   : std::string(fallback);
    };
    if (r.status == 403)
        throw Error(exit_failed, "the gateway at " + url + " refused the setup token in '" + paths.setup_token.string() +
                                     "': " + server_message("forbidden"));
    if (r.status == 400) throw Error(exit_usage, "the gateway rejected the admin: " + server_message("bad request"));
    throw Error(exit_failed,
                "admin bootstrap at " + url + " failed: " + (r.answered() ? "HTTP " + std::to_string(r.status) : r.error));
}

}  // namespace

BootstrapOutcome bootstrap_admin(HttpClient& http, const GatewayPaths& paths, const std::string& url,
                                 const std::function<AdminCredentials()>& credentials) {
    Meta meta = load_meta(paths);
    // Nothing is sent before the daemon has proved it is this install's own.
    ProvenResult status = send_proven(http, "GET", url, "/api/bootstrap/status", load_auth_secret(paths).value_or(""));
    if (status.http.answered() && !status.proven)
        throw Error(exit_failed, "refusing to send the admin's credentials: " + not_this_gateway(url));
    auto needed = needs_setup_in(status.http);
    if (!needed) throw Error(exit_failed, "the gateway at " + url + " did not answer GET /api/bootstrap/status");
    if (!*needed) return existing_admin(paths, meta);

    AdminCredentials c = credentials();
    // Written only now, 0600: whoever races install to the endpoint (or a web page) lacks it.
    std::string setup_token = ensure_setup_token(paths.setup_token);
    json body{{"name", c.name}, {"email", c.email}, {"password", c.password}, {"setupToken", setup_token}};
    HttpResult r = http.send("POST", url, "/api/bootstrap/setup", body.dump());
    auto j = parse_answer(r.body);
    if (r.status == 409) {
        // An admin appeared after the status said none. If its credentials are the ones given
        // here, it is this install's: an earlier run, killed after sending the same request,
        // or the same install run twice at once. Signing in proves it (and keeps the session,
        // as 'gateway login' does, for 'config recover-token'). Anything else is someone
        // else's admin and must not pass for success.
        try {
            login(http, paths, url, c.email, c.password);
        } catch (const Error&) {
            throw Error(exit_failed, "the gateway at " + url + " now has an admin that this install did not create: "
                                     "someone created it between install's check and its request; if that was not "
                                     "you, run 'mosaic gateway uninstall' and install again");
        }
        meta = load_meta(paths);
        return existing_admin(paths, meta);
    }
    if (r.status != 201 || j.is_discarded() || !j.is_object() || !j.contains("token") || !j["token"].is_string())
        setup_failed(r, j, paths, url);
    std::error_code ec;
    std::filesystem::remove(paths.setup_token, ec);  // the daemon consumed it; never leave it behind
    std::string token = j["token"].get<std::string>();
    meta.doc["admin_exists"] = true;
    meta.doc["admin_email"] = c.email;
    meta.doc["admin_token"] = token;
    if (j.contains("tokenId") && j["tokenId"].is_number_integer()) meta.doc["admin_token_id"] = j["tokenId"];
    store_meta(paths, meta);
    BootstrapOutcome out;
    out.bootstrapped = true;
    out.admin_exists = true;
    out.token = token;
    out.token_on_file = true;
    return out;
}

}  // namespace mosaic::gateway
