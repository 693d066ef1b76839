// `mosaic gateway tokens create|list|revoke|set-limits` and `mosaic gateway usage`: the agent
// tokens model routes take and what they spent, through the admin API with the admin token
// on file.
#include "commands.hpp"

#include <mosaic/support/table.hpp>

#include "admin_client.hpp"

namespace mosaic::gateway {

using nlohmann::json;

namespace {

AdminCalls admin_calls(Deps& d) { return AdminCalls(d.gw.http, d.paths, installed_settings(d.paths).url()); }

void define_limits(CLI::App& app, TokenLimitOptions& o) {
    app.add_option("--rpm", o.rpm, "model requests per minute (0: no limit)")->check(cli::whole_number(0, 1000000000));
    app.add_option("--tokens-per-day", o.tokens_per_day, "input + output tokens per UTC day (0: no limit)")
        ->check(cli::whole_number(0, 1000000000000LL));
}

AgentLimitsInput limits_of(const TokenLimitOptions& o) { return {o.rpm, o.tokens_per_day}; }

std::string limit_text(const json& v) { return v.is_null() ? "-" : std::to_string(v.get<long long>()); }
std::string time_text(const json& v) { return v.is_null() ? "-" : v.get<std::string>(); }

}  // namespace

void define_tokens_create(CLI::App& app, TokensCreateCommand& o) {
    app.add_option("agent", o.agent, "the agent's name, as in the fleet's roster")->required();
    define_limits(app, o.limits);
    app.add_flag("--json", o.json, "print one JSON document (with the token)");
}

int run_tokens_create(const TokensCreateCommand& o, Deps& d) {
    json in = limits_of(o.limits).to_json();
    in["agent"] = o.agent;
    json t = admin_calls(d).call("POST", "/api/admin/agent-tokens", in, "cannot create a token for '" + o.agent + "'");
    if (o.json) {
        d.ctx.out(t.dump(2) + "\n");
        return 0;
    }
    d.ctx.out("agent token " + std::to_string(t.value("id", 0LL)) + " for '" + o.agent +
              "' (shown once; the gateway keeps only its hash):\n  " + t.value("token", "") + "\n" +
              "the agent sends it as x-api-key or 'Authorization: Bearer' to " + installed_settings(d.paths).url() +
              "/anthropic or /openai/v1\n");
    return 0;
}

void define_tokens_list(CLI::App& app, TokensListCommand& o) {
    app.add_option("--agent", o.agent, "only this agent's tokens");
    app.add_flag("--json", o.json, "print one JSON document");
}

int run_tokens_list(const TokensListCommand& o, Deps& d) {
    std::string path = "/api/admin/agent-tokens" + query_string({{"agent", o.agent}});
    json j = admin_calls(d).call("GET", path, nullptr, "cannot list agent tokens");
    if (o.json) {
        d.ctx.out(j.dump(2) + "\n");
        return 0;
    }
    std::vector<support::Row> rows{{"ID", "AGENT", "STATE", "CREATED", "LAST USED", "RPM", "TOKENS/DAY"}};
    for (const auto& t : j.value("tokens", json::array()))
        rows.push_back({std::to_string(t.value("id", 0LL)), t.value("agent", ""),
                        t.value("active", false) ? support::Cell("active", Tone::ok) : support::Cell("revoked", Tone::warn),
                        time_text(t["createdAt"]), time_text(t["lastUsedAt"]), limit_text(t["requestsPerMinute"]),
                        limit_text(t["tokensPerDay"])});
    d.ctx.out(rows.size() == 1 ? "no agent tokens" + (o.agent.empty() ? std::string() : " for '" + o.agent + "'") + "\n"
                               : support::render_table(rows, d.ctx.color()));
    return 0;
}

void define_tokens_revoke(CLI::App& app, TokensRevokeCommand& o) {
    auto* id = app.add_option("id", o.id, "the token's id (from 'gateway tokens list')")->check(cli::whole_number(1, 1LL << 53));
    auto* agent = app.add_option("--agent", o.agent, "revoke every active token of this agent instead");
    id->excludes(agent);
}

int run_tokens_revoke(const TokensRevokeCommand& o, Deps& d) {
    if (!o.id && o.agent.empty()) throw Error(exit_usage, "say which token: an id, or --agent NAME for all of an agent's");
    std::string path = o.id ? "/api/admin/agent-tokens/" + std::to_string(*o.id)
                            : "/api/admin/agent-tokens" + query_string({{"agent", o.agent}});
    json j = admin_calls(d).call("DELETE", path, nullptr, "cannot revoke");
    long long n = j.value("revoked", 0LL);
    d.ctx.out(o.id ? "revoked agent token " + std::to_string(*o.id) + "\n"
                   : "revoked " + std::to_string(n) + " token" + (n == 1 ? "" : "s") + " of '" + o.agent + "'\n");
    return 0;
}

void define_tokens_set_limits(CLI::App& app, TokensSetLimitsCommand& o) {
    app.add_option("id", o.id, "the token's id (from 'gateway tokens list')")->required()->check(cli::whole_number(1, 1LL << 53));
    define_limits(app, o.limits);
}

int run_tokens_set_limits(const TokensSetLimitsCommand& o, Deps& d) {
    json in = limits_of(o.limits).to_json();
    if (in.empty()) throw Error(exit_usage, "nothing to change: give --rpm, --tokens-per-day or both");
    json t = admin_calls(d).call("PATCH", "/api/admin/agent-tokens/" + std::to_string(o.id), in,
                                 "cannot set the limits of token " + std::to_string(o.id));
    d.ctx.out("token " + std::to_string(o.id) + " of '" + t.value("agent", "") + "': " +
              limit_text(t["requestsPerMinute"]) + " requests per minute, " + limit_text(t["tokensPerDay"]) +
              " tokens per day ('-': no limit)\n");
    return 0;
}

void define_usage(CLI::App& app, UsageCommand& o) {
    app.add_option("--agent", o.agent, "only this agent");
    app.add_option("--since", o.since, "first UTC day, YYYY-MM-DD (default: 29 days before --until)");
    app.add_option("--until", o.until, "last UTC day, YYYY-MM-DD (default: today)");
    app.add_flag("--json", o.json, "print one JSON document");
}

int run_usage(const UsageCommand& o, Deps& d) {
    std::string query = query_string({{"agent", o.agent}, {"since", o.since}, {"until", o.until}});
    json j = admin_calls(d).call("GET", "/api/admin/usage" + query, nullptr, "cannot read usage");
    if (o.json) {
        d.ctx.out(j.dump(2) + "\n");
        return 0;
    }
    auto n = [](const json& v, const char* k) { return std::to_string(v.value(k, 0LL)); };
    std::vector<support::Row> rows{{"DAY", "AGENT", "MODEL", "REQUESTS", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE"}};
    for (const auto& u : j.value("rows", json::array()))
        rows.push_back({u.value("day", ""), u.value("agent", ""), u.value("model", ""), n(u, "requests"),
                        n(u, "inputTokens"), n(u, "outputTokens"), n(u, "cacheReadTokens"), n(u, "cacheCreationTokens")});
    const json& t = j["totals"];
    rows.push_back({support::Cell("total", Tone::strong), "", "", n(t, "requests"), n(t, "inputTokens"),
                    n(t, "outputTokens"), n(t, "cacheReadTokens"), n(t, "cacheCreationTokens")});
    d.ctx.out("usage " + j.value("since", "") + " .. " + j.value("until", "") + " (UTC)\n" +
              support::render_table(rows, d.ctx.color()));
    return 0;
}

}  // namespace mosaic::gateway
