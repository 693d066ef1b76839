#include "sections.hpp"

#include <variant>

#include <mosaic/support/text.hpp>

#include "identity.hpp"
#include "provider.hpp"
#include "validate.hpp"

namespace mosaic::wizard {

namespace {

void heading(const Context& ctx, const std::string& title) { ctx.out("\n== " + title + " ==\n"); }

using support::trim;

// Asks until `check` accepts the answer; the problem is shown and the question asked again.
std::string ask_checked(const Context& ctx, const std::string& question, const std::optional<std::string>& def,
                        const std::string& hint, const std::string& subject,
                        std::optional<std::string> (*check)(std::string_view)) {
    while (true) {
        std::string v = trim(ctx.prompt_line(question, def, hint));
        auto problem = check(v);
        if (!problem) return v;
        ctx.err(subject + " " + *problem + "; try again\n");
    }
}

bool gateway_missing(const Context& ctx, const Existing& ex, const std::string& what) {
    if (ex.gateway_plugin) return false;
    ctx.out(what + " needs package " + gateway_package + ", which is not installed; skipping\n");
    return true;
}

}  // namespace

void ask_provider_key(const Context& ctx, Answers& a) {
    while (true) {
        std::string key = trim(ctx.prompt_secret(
            "Provider API key (sk-ant-... for Anthropic, sk-... for OpenAI; empty to skip)", "MOSAIC_ANTHROPIC_API_KEY"));
        if (key.empty()) {
            if (ctx.confirm("Skip the provider key? (add one later with 'mosaic wizard --section providers')", true,
                            "MOSAIC_ANTHROPIC_API_KEY")) {
                a.provider_skipped = true;
                a.new_key.reset();
                ctx.out("Provider key skipped; it will not be asked for again.\n");
                return;
            }
            continue;
        }
        auto p = detect_provider(key);
        if (!p) {
            ctx.err("the key does not start with 'sk-ant-' (Anthropic) or 'sk-' (OpenAI); try again\n");
            continue;
        }
        a.provider = p;
        a.new_key = key;
        a.provider_skipped = false;
        ctx.out("Detected provider: " + provider_title(*p) + "\n");
        return;
    }
}

void ask_admin(const Context& ctx, Answers& a) {
    a.admin_email = ask_checked(ctx, "Admin email", a.admin_email, "MOSAIC_ADMIN_EMAIL", "the email", &check_email);
    while (true) {
        std::string password = ctx.prompt_secret(
            "Admin password (at least " + std::to_string(min_password_length) + " characters)", "MOSAIC_ADMIN_PASSWORD");
        if (auto problem = check_password(password)) {
            ctx.err("the password " + *problem + "; try again\n");
            continue;
        }
        std::string again = ctx.prompt_secret("Confirm admin password", "MOSAIC_ADMIN_PASSWORD");
        if (again != password) {
            ctx.err("the passwords do not match; try again\n");
            continue;
        }
        a.admin_password = password;
        return;
    }
}

void run_quick_start(const Context& ctx, Answers& a, const Existing& ex) {
    heading(ctx, "Quick Start");
    std::string gateway = ex.gateway_plugin
                              ? ", port " + std::to_string(effective_port(a, ex)) + ", tier " + effective_tier(a, ex)
                              : std::string();
    ctx.out("Three questions; everything else takes its default (agent " + a.agent_name + gateway + ", hooks " +
            (a.hooks ? "on" : "off") + ").\n");
    if (a.provider_skipped)
        ctx.out("Provider key: skipped earlier (add one with 'mosaic wizard --section providers').\n");
    else if (a.provider && provider_key(a, ex))
        ctx.out("Provider key: " + provider_title(*a.provider) + " key stored.\n");
    else
        ask_provider_key(ctx, a);

    if (!ex.gateway_plugin)
        ctx.out(std::string("Gateway admin: package ") + gateway_package + " is not installed; not asked.\n");
    else if (!needs_admin(ex))
        ctx.out("Gateway admin: already exists.\n");
    else
        ask_admin(ctx, a);
}

void run_providers(const Context& ctx, Answers& a, const Existing& ex) {
    heading(ctx, "Providers");
    if (a.provider && provider_key(a, ex)) {
        ctx.out("A " + provider_title(*a.provider) + " key is stored.\n");
        if (!ctx.confirm("Replace it?", false, "MOSAIC_ANTHROPIC_API_KEY")) return;
    }
    ask_provider_key(ctx, a);
}

void run_identity(const Context& ctx, Answers& a) {
    heading(ctx, "Agent Identity");
    std::vector<std::string> titles;
    std::size_t current = 0;
    for (std::size_t i = 0; i < intents().size(); ++i) {
        titles.push_back(std::string(intents()[i].title) + " (" + intents()[i].id + ")");
        if (a.intent == intents()[i].id) current = i;
    }
    std::size_t chosen = ctx.select("What will this agent mostly do?", titles, current, "MOSAIC_AGENT_INTENT");
    std::string intent = intents().at(chosen).id;
    if (intent == "custom") {
        std::string d = trim(ctx.prompt_line("Describe what the agent is for", a.intent_description.value_or(""),
                                             "MOSAIC_AGENT_INTENT"));
        a.intent_description = d.empty() ? std::nullopt : std::optional<std::string>(d);
    } else {
        a.intent_description.reset();
    }
    a.agent_name = ask_checked(ctx, "Agent name", proposed_name(intent, a.agent_name), "MOSAIC_AGENT_NAME",
                               "the agent name", &check_agent_name);
    a.intent = intent;
}

void run_hooks(const Context& ctx, Answers& a, const Existing& ex) {
    heading(ctx, "Hooks");
    if (!ex.config_plugin) {
        ctx.out(std::string("Hooks need package ") + config_hooks_package + ", which is not installed; skipping\n");
        return;
    }
    ctx.out("Mosaic installs these Claude Code hooks (scripts in its home, listed in " +
            (ctx.claude_home() / "settings.json").string() + "):\n");
    try {
        auto preview = ctx.call("hooks.preview");
        for (const auto& h : preview.value("hooks", nlohmann::json::array())) {
            ctx.out("  - " + h.value("id", std::string("?")) + " (" + h.value("event", std::string("?")) +
                    (h.value("matcher", std::string()).empty() ? "" : " on " + h.value("matcher", std::string())) +
                    "): " + h.value("description", std::string()) + "\n");
        }
    } catch (const Error& e) {
        ctx.out(std::string("  (no preview available: ") + e.what() + ")\n");
    }
    a.hooks = ctx.confirm("Install Mosaic's hooks?", a.hooks, "MOSAIC_SKIP_CLAUDE_HOOKS");
}

void run_gateway(const Context& ctx, Answers& a, const Existing& ex) {
    heading(ctx, "Gateway");
    if (gateway_missing(ctx, ex, "The gateway")) return;
    bool installed = ex.gateway.installed;

    int shown_port = effective_port(a, ex);
    while (true) {
        std::string text = trim(ctx.prompt_line("Gateway port", std::to_string(shown_port), "MOSAIC_GATEWAY_PORT"));
        auto port = parse_port(text);
        if (auto* problem = std::get_if<std::string>(&port)) {
            ctx.err("the port " + *problem + "; try again\n");
            continue;
        }
        if (!installed || std::get<int>(port) != shown_port || a.gateway.port) a.gateway.port = std::get<int>(port);
        break;
    }

    std::string shown_tier = effective_tier(a, ex);
    std::size_t t = ctx.select("Storage tier",
                               {"local (SQLite in the mosaic home; nothing else to run)",
                                "team (PostgreSQL and Valkey, shared by several gateways)"},
                               shown_tier == "team" ? 1 : 0, "MOSAIC_STORAGE_TIER");
    std::string tier = t == 1 ? "team" : "local";
    if (!installed || tier != shown_tier || a.gateway.tier) a.gateway.tier = tier;
    if (tier == "team") {
        a.gateway.database_url = ask_checked(ctx, "PostgreSQL URL", a.gateway.database_url, "MOSAIC_DATABASE_URL",
                                             "the database URL", &check_database_url);
        a.gateway.valkey_url = ask_checked(ctx, "Valkey URL", a.gateway.valkey_url, "MOSAIC_VALKEY_URL",
                                           "the Valkey URL", &check_valkey_url);
    }

    std::string shown_origin = effective_cors_origin(a, ex);
    std::string origin = ask_checked(ctx, "CORS origin (the web UI's address)", shown_origin, "MOSAIC_CORS_ORIGIN",
                                     "the origin", &check_origin);
    // An installed gateway keeps its origin unless the user typed another one.
    if (!installed || origin != shown_origin || a.gateway.cors_origin) a.gateway.cors_origin = origin;

    if (needs_admin(ex) && !(a.admin_email && a.admin_password)) ask_admin(ctx, a);
}

void run_section(const Context& ctx, Section s, Answers& a, const Existing& ex) {
    switch (s) {
        case Section::quick_start: return run_quick_start(ctx, a, ex);
        case Section::providers: return run_providers(ctx, a, ex);
        case Section::identity: return run_identity(ctx, a);
        case Section::hooks: return run_hooks(ctx, a, ex);
        case Section::gateway: return run_gateway(ctx, a, ex);
    }
}

}  // namespace mosaic::wizard
