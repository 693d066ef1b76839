#include "summary.hpp"

#include <algorithm>

#include "identity.hpp"

namespace mosaic::wizard {

namespace {

std::string row(const std::string& label, const std::string& value) {
    std::string l = "  " + label;
    l.resize(std::max<std::size_t>(l.size() + 1, 16), ' ');
    return l + value + "\n";
}

bool missing(const ApplyReport& r, const char* package) {
    return std::find(r.missing_packages.begin(), r.missing_packages.end(), package) != r.missing_packages.end();
}

std::string not_installed(const char* package) {
    return std::string("skipped: package ") + package + " is not installed";
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

}  // namespace

std::string closing_line(const ApplyReport& r, const std::set<Stage>& stages) {
    if (r.gateway_ran && r.gateway.healthy) return "Mosaic is ready.\n";
    if (stages.count(Stage::gateway) && missing(r, gateway_package))
        return std::string("Setup finished without the gateway: package ") + gateway_package + " is not installed.\n";
    return "Setup saved.\n";
}

std::string token_banner(const ApplyReport& r) {
    if (!r.admin_token) return "";
    return "\n*** Admin API token (shown once; save it now) ***\n    " + *r.admin_token +
           "\n    (stored for 'mosaic gateway'; see 'mosaic gateway config recover-token')\n";
}

std::string render_summary(const Answers& a, const Existing& ex, const ApplyReport& r, const std::set<Stage>& stages,
                           const std::filesystem::path& home, const std::string& settings_location) {
    std::string s = "\nSummary\n";
    bool config_stage = stages.count(Stage::config) > 0;
    if (config_stage) {
        if (missing(r, config_hooks_package))
            s += row("Configuration", not_installed(config_hooks_package) + " (answers kept in " + settings_location + ")");
        else
            s += row("Configuration", settings_location + (r.config_changed ? " (updated)" : " (unchanged)"));
        std::string intent = a.intent;
        if (a.intent == "custom" && a.intent_description && !a.intent_description->empty())
            intent += ": " + *a.intent_description;
        s += row("Agent", a.agent_name + " (" + intent + ")");
    }
    if (stages.count(Stage::provider)) {
        std::string p;
        if (a.provider && provider_key(a, ex))
            p = provider_title(*a.provider) + ", key in " + credentials_path(home).string() +
                (r.credentials_written ? " (written)" : " (unchanged)");
        else if (a.provider_skipped)
            p = "skipped (add a key later with 'mosaic wizard --section providers')";
        else
            p = "none";
        s += row("Provider", p);
    }
    if (stages.count(Stage::hooks)) {
        std::string h;
        if (missing(r, config_hooks_package)) h = not_installed(config_hooks_package);
        else if (!a.hooks) h = r.hooks_removed ? "declined; Mosaic's hooks removed" : "declined; none installed";
        else h = "installed" + (r.hooks_installed.empty() ? std::string() : ": " + join(r.hooks_installed));
        if (r.hooks_backup) h += " (backup of the previous file: " + *r.hooks_backup + ")";
        s += row("Hooks", h);
    }
    if (stages.count(Stage::gateway)) {
        if (missing(r, gateway_package)) {
            s += row("Gateway", not_installed(gateway_package));
        } else if (r.gateway_ran) {
            std::string tier = r.gateway.tier.empty() ? effective_tier(a, ex) : r.gateway.tier;
            s += row("Gateway", r.gateway.url + " (" + tier + " tier, " + (r.gateway.healthy ? "healthy" : "not healthy") +
                                    (r.gateway_reconfigured ? ", configured" : "") +
                                    (r.gateway_restarted_for_key ? ", restarted with the new provider key" : "") + ")");
            std::string admin = r.admin_created ? (a.admin_email ? *a.admin_email : std::string("admin")) + " (created)"
                                                : std::string("already exists");
            if (!r.admin_created && !r.gateway.token_stored)
                admin += "; no admin token on file" +
                         std::string(r.gateway_reconfigured ? " (the reconfiguration dropped it)" : "") +
                         ": run 'mosaic gateway login', then 'mosaic gateway config recover-token'";
            s += row("Admin", admin);
            s += row("Models", "the fleet's agents call " + r.gateway.url + "/anthropic and /openai/v1 with tokens of their "
                               "own ('mosaic fleet add' or 'fleet install-systemd' gives them); the provider key stays in the gateway");
        }
    }
    return s;
}

std::string render_detection(const Existing& ex) {
    if (!ex.found_anything()) return "No existing Mosaic install found; starting fresh.\n";
    std::string s = "Found an existing install:\n";
    if (ex.agent_name) s += row("Agent", *ex.agent_name + (ex.intent ? " (" + *ex.intent + ")" : ""));
    if (ex.key) s += row("Provider", provider_title(ex.key->first) + " key stored");
    else if (ex.provider_skipped) s += row("Provider", "key skipped");
    if (ex.gateway.installed) {
        std::string g = ex.gateway.url.empty() ? std::string("installed") : ex.gateway.url;
        g += std::string(" (") + (ex.gateway.healthy ? "healthy" : ex.gateway.running ? "running, not healthy" : "stopped");
        if (ex.gateway.admin_exists == true) g += ", admin exists";
        s += row("Gateway", g + ")");
    }
    if (!ex.sections_done.empty()) {
        std::vector<std::string> done;
        for (Section sec : all_sections())
            if (ex.sections_done.count(sec)) done.push_back(section_title(sec));
        s += row("Done", join(done));
    }
    return s;
}

}  // namespace mosaic::wizard
