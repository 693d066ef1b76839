#include "bootstrap.hpp"

#include <mosaic/error.hpp>

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

namespace {
template <class F>
std::string ask_until_valid(Ui& ui, F&& attempt) {
    for (int tries = 1;; ++tries) {
        try {
            return attempt();
        } catch (const Error& e) {
            if (e.code() != exit_usage || tries >= 3) throw;
            ui.warn(e.what());
        }
    }
}
}  // namespace

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

std::optional<bool> needs_setup(HttpClient& http, const std::string& url) {
    HttpResult r = http.send("GET", url, "/api/bootstrap/status");
    if (r.status != 200) return std::nullopt;
    auto j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("needsSetup") || !j["needsSetup"].is_boolean())
        return std::nullopt;
    return j["needsSetup"].get<bool>();
}

BootstrapOutcome bootstrap_admin(HttpClient& http, const GatewayPaths& paths, const std::string& url,
                                 const std::function<AdminCredentials()>& credentials) {
    BootstrapOutcome out;
    Meta meta = load_meta(paths);
    auto needed = needs_setup(http, url);
    if (!needed) throw Error(exit_failed, "the gateway at " + url + " did not answer GET /api/bootstrap/status");

    auto admin_already_exists = [&] {
        out.admin_exists = true;
        out.token_on_file = meta.admin_token().has_value();
        if (!meta.admin_exists()) {
            meta.doc["admin_exists"] = true;
            store_meta(paths, meta);
        }
        return out;
    };
    if (!*needed) return admin_already_exists();

    AdminCredentials c = credentials();
    json body{{"name", c.name}, {"email", c.email}, {"password", c.password}};
    HttpResult r = http.send("POST", url, "/api/bootstrap/setup", body.dump());
    if (r.status == 409) return admin_already_exists();
    auto j = json::parse(r.body, nullptr, false);
    if (r.status == 400)
        throw Error(exit_usage, "the gateway rejected the admin: " +
                                    (j.is_object() ? j.value("message", std::string("bad request")) : std::string("bad request")));
    if (r.status != 201 || j.is_discarded() || !j.is_object() || !j.contains("token") || !j["token"].is_string())
        throw Error(exit_failed, "admin bootstrap at " + url + " failed: " +
                                     (r.answered() ? "HTTP " + std::to_string(r.status) : r.error));
    std::string token = j["token"].get<std::string>();
    meta.doc["admin_exists"] = true;
    meta.doc["admin_email"] = c.email;
    meta.doc["admin_token"] = token;
    if (j.contains("tokenId") && j["tokenId"].is_number_integer()) meta.doc["admin_token_id"] = j["tokenId"];
    store_meta(paths, meta);
    out.bootstrapped = true;
    out.admin_exists = true;
    out.token = token;
    out.token_on_file = true;
    return out;
}

}  // namespace mosaic::gateway
