// `mosaic gateway login` and `mosaic gateway config show|set|recover-token|rotate-token`.
#include "commands.hpp"

#include "admin_client.hpp"
#include "backend_url.hpp"
#include "config_set.hpp"

namespace mosaic::gateway {

void define_login(CLI::App& app, LoginCommand& o) {
    app.add_option("--url", o.url, "gateway URL (default: the installed one)");
    app.add_option("--email", o.email, "admin email (default: the installed admin, or MOSAIC_ADMIN_EMAIL)");
}

int run_login(const LoginCommand& o, Deps& d) {
    std::string url = o.url.empty() ? installed_settings(d.paths).url() : o.url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    std::string email = o.email;
    if (email.empty()) email = load_meta(d.paths).admin_email().value_or(d.ctx.env("MOSAIC_ADMIN_EMAIL").value_or(""));
    if (email.empty()) email = d.ctx.prompt_line("Admin email", std::nullopt, "MOSAIC_ADMIN_EMAIL or --email");
    parse_email(email, o.email.empty() ? "the admin email" : "--email");
    std::string password = d.ctx.env("MOSAIC_ADMIN_PASSWORD").value_or("");
    if (password.empty()) password = d.ctx.prompt_secret("Password for " + email, "MOSAIC_ADMIN_PASSWORD");
    LoginOutcome r = login(d.gw.http, d.paths, url, email, password);
    d.ctx.out("signed in as " + r.email + " (session until " + r.expires_at + "); kept in '" + d.paths.meta_file.string() +
              "'\n");
    return 0;
}

void define_config_show(CLI::App& app, ConfigShowCommand& o) { app.add_flag("--json", o.json, "print one JSON document"); }

int run_config_show(const ConfigShowCommand& o, Deps& d) {
    GatewaySettings s = installed_settings(d.paths);
    Meta meta = load_meta(d.paths);
    auto redact = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json("***"); };
    auto url = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(redact_url(v)); };
    nlohmann::json j{{"dir", d.paths.dir.string()},
                     {"env_file", d.paths.env_file.string()},
                     {"url", s.url()},
                     {"port", s.port},
                     {"bind_host", s.bind_host},
                     {"tier", s.tier},
                     {"cors_origin", s.cors_origin},
                     {"database_url", url(s.database_url)},
                     {"valkey_url", url(s.valkey_url)},
                     {"anthropic_api_key", redact(s.anthropic_api_key)},
                     {"anthropic_base_url", s.anthropic_base_url},
                     {"openai_api_key", redact(s.openai_api_key)},
                     {"openai_base_url", s.openai_base_url},
                     {"auth_secret", redact(load_auth_secret(d.paths).value_or(""))},
                     {"admin_email", meta.admin_email() ? nlohmann::json(*meta.admin_email()) : nlohmann::json(nullptr)},
                     {"admin_token", redact(meta.admin_token().value_or(""))},
                     {"service", meta.service()}};
    if (o.json) {
        d.ctx.out(j.dump(2) + "\n");
        return 0;
    }
    std::string out;
    for (const auto& [k, v] : j.items()) out += k + ": " + (v.is_string() ? v.get<std::string>() : v.dump()) + "\n";
    d.ctx.out(out);
    return 0;
}

void define_config_set(CLI::App& app, ConfigSetCommand& o) {
    std::string names;
    std::vector<std::string> keys;
    for (const auto& k : settable_keys()) names += (names.empty() ? "" : ", ") + std::string(k.name), keys.emplace_back(k.name);
    cli::complete_with(app.add_option("key", o.key, "what to set: " + names), cli::complete::choice(keys))->required();
    app.add_option("value", o.value, "the value; never for a secret (prompted, or from its variable)")
        ->each([&o](const std::string&) { o.value_given = true; });
}

int run_config_set(const ConfigSetCommand& o, Deps& d) {
    auto key = find_settable_key(o.key);
    if (!key || o.key != key->name) {
        std::string names;
        for (const auto& k : settable_keys()) names += (names.empty() ? "'" : ", '") + std::string(k.name) + "'";
        throw Error(exit_usage, "'" + o.key + "' cannot be set this way; settable: " + names +
                                    " (other settings: 'mosaic gateway install --force-reconfigure')");
    }
    std::string value = o.value;
    if (key->secret) {
        if (o.value_given)
            throw Error(exit_usage, "'" + o.key + "' is a secret and is not taken from the command line (other users "
                                    "can read it there); leave the value out to be asked, or set " + key->env_key);
        value = d.ctx.env(key->env_key).value_or("");
        if (value.empty()) value = d.ctx.prompt_secret("Value of " + o.key + " (empty removes it)", key->env_key);
    }
    SetOutcome r = set_gateway_value(d.gw, *key, value);
    if (!r.changed) d.ctx.out("'" + o.key + "' already has that value\n");
    else d.ctx.out("set '" + o.key + "' in '" + d.paths.env_file.string() + "'" +
                   (r.restarted ? "; restarted the gateway\n" : "; the gateway reads it when it next starts\n"));
    return 0;
}

int run_recover_token(const cli::NoOptions&, Deps& d) {
    TokenOutcome r = recover_token(d.gw.http, d.paths, installed_settings(d.paths).url());
    d.ctx.out(token_banner(r.token, d.paths));
    return 0;
}

int run_rotate_token(const cli::NoOptions&, Deps& d) {
    TokenOutcome r = rotate_token(d.gw.http, d.paths, installed_settings(d.paths).url());
    d.ctx.out(token_banner(r.token, d.paths) + (r.revoked_previous ? "the previous token is revoked\n" : ""));
    return 0;
}

}  // namespace mosaic::gateway
