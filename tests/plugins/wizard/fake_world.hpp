// FakeWorld: the config-hooks and gateway services as docs/services.md describes them, kept
// in memory, so the wizard can be driven through FakeHost with no other plugin. Each
// handler changes the world only the way the real service would, and counts real changes.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/testing/fake_host.hpp>

namespace wizard_test {

using nlohmann::json;

struct FakeWorld {
    // config-hooks
    json config = json::object();  // dotted key -> value
    int config_writes = 0;         // config.set calls that changed something
    bool hooks_installed = false;
    bool hooks_user_owned = false;  // a hooks-config.json that Mosaic does not manage
    int hooks_changes = 0;

    // gateway
    bool gateway_installed = false;
    bool gateway_running = false;
    int port = 0;
    std::string tier;
    std::string cors_origin;
    std::string anthropic_api_key;
    int gateway_changes = 0;
    bool fail_start = false;
    bool admin_exists = false;
    bool token_stored = false;  // dropped by a reconfiguration, as the real gateway does
    int restarts = 0;           // gateway.set restarted a running gateway
    std::string admin_email, admin_password;
    int admins_created = 0;

    void install(mosaic::testing::FakeHost& host, bool with_config_hooks = true, bool with_gateway = true) {
        if (with_config_hooks) {
            host.services["config.get"] = [this](const json& in) { return config_get(in); };
            host.services["config.set"] = [this](const json& in) { return config_set(in); };
            host.services["hooks.install"] = [this](const json& in) { return hooks_install(in); };
            host.services["hooks.uninstall"] = [this](const json&) { return hooks_uninstall(); };
            host.services["hooks.preview"] = [](const json&) {
                return ok({{"hooks",
                            {{{"id", "prevent-memory-write"}, {"event", "PreToolUse"}, {"matcher", "Write|Edit"},
                              {"description", "blocks writes to Claude's MEMORY.md"}},
                             {{"id", "typecheck"}, {"event", "PostToolUse"}, {"matcher", "Write|Edit"},
                              {"description", "runs tsc --noEmit on TypeScript edits"}}}}});
            };
        }
        if (with_gateway) {
            host.services["gateway.configure"] = [this](const json& in) { return gateway_configure(in); };
            host.services["gateway.start"] = [this](const json&) { return gateway_start(); };
            host.services["gateway.bootstrap"] = [this](const json& in) { return gateway_bootstrap(in); };
            host.services["gateway.status"] = [this](const json&) { return ok(status()); };
            host.services["gateway.set"] = [this](const json& in) { return gateway_set(in); };
            host.services["gateway.defaults"] = [](const json&) {
                return ok({{"port", 14242}, {"tier", "local"}, {"cors_origin", "http://localhost:3000"}});
            };
        }
    }

    static std::pair<int, std::string> ok(const json& j) { return {0, j.dump()}; }

    std::pair<int, std::string> config_get(const json& in) {
        std::string key = in.at("key");
        if (!config.contains(key)) return ok({{"key", key}, {"set", false}, {"value", nullptr}});
        return ok({{"key", key}, {"set", true}, {"value", config[key]}});
    }
    std::pair<int, std::string> config_set(const json& in) {
        bool changed = false;
        for (auto it = in.at("values").begin(); it != in.at("values").end(); ++it) {
            if (!config.contains(it.key()) || config[it.key()] != it.value()) changed = true;
            config[it.key()] = it.value();
        }
        if (changed) ++config_writes;
        return ok({{"changed", changed}});
    }
    std::pair<int, std::string> hooks_install(const json& in) {
        if (hooks_user_owned && !in.value("force", false))
            return {3, "'/claude/hooks-config.json' is not managed by mosaic; pass force to replace it"};
        bool changed = !hooks_installed;
        json backup = hooks_user_owned ? json("/claude/hooks-config.json.mosaic-bak-1") : json();
        hooks_installed = true;
        hooks_user_owned = false;
        if (changed) ++hooks_changes;
        return ok({{"changed", changed}, {"hooks", {"prevent-memory-write", "typecheck"}}, {"backup", backup}});
    }
    std::pair<int, std::string> hooks_uninstall() {
        bool changed = hooks_installed;
        hooks_installed = false;
        if (changed) ++hooks_changes;
        return ok({{"changed", changed}});
    }
    std::pair<int, std::string> gateway_configure(const json& in) {
        int new_port = in.value("port", gateway_installed ? port : 14242);
        std::string new_tier = in.value("tier", gateway_installed ? tier : std::string("local"));
        std::string new_cors = in.value("cors_origin", gateway_installed ? cors_origin : std::string("http://localhost:3000"));
        std::string new_key = in.value("anthropic_api_key", anthropic_api_key);
        bool changed = !gateway_installed || new_port != port || new_tier != tier || new_cors != cors_origin ||
                       new_key != anthropic_api_key;
        if (changed && gateway_installed) token_stored = false;  // a reconfiguration drops it
        gateway_installed = true;
        port = new_port;
        tier = new_tier;
        cors_origin = new_cors;
        anthropic_api_key = new_key;
        if (changed) ++gateway_changes;
        return ok({{"changed", changed}, {"port", port}, {"tier", tier}, {"url", url()}});
    }
    // Only the key changes; the token stays; a running gateway restarts.
    std::pair<int, std::string> gateway_set(const json& in) {
        if (!gateway_installed) return {3, "the gateway is not installed"};
        std::string key = in.at("anthropic_api_key");
        bool changed = key != anthropic_api_key;
        anthropic_api_key = key;
        bool restarted = changed && gateway_running;
        if (restarted) ++restarts;
        return ok({{"changed", changed}, {"restarted", restarted}});
    }
    std::pair<int, std::string> gateway_start() {
        if (fail_start) return {1, "the gateway did not answer /health in time; last log lines:\nboom"};
        gateway_running = true;
        return ok({{"url", url()}, {"healthy", true}, {"pid", 4242}, {"via", "process"}});
    }
    std::pair<int, std::string> gateway_bootstrap(const json& in) {
        if (admin_exists) return ok({{"bootstrapped", false}, {"admin_exists", true}});
        if (!in.contains("email") || !in.contains("password")) return {2, "email and password are required"};
        admin_exists = true;
        admin_email = in["email"];
        admin_password = in["password"];
        token_stored = true;
        ++admins_created;
        return ok({{"bootstrapped", true}, {"admin_exists", true}, {"token", "tok-shown-once"}});
    }
    json status() const {
        return {{"installed", gateway_installed}, {"running", gateway_running}, {"healthy", gateway_running},
                {"url", url()}, {"port", port}, {"tier", tier},
                {"admin_exists", gateway_installed ? json(admin_exists) : json()}, {"token_stored", token_stored}};
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

    // A finished install, as a successful earlier run leaves it.
    void finished_install(int at_port = 15123) {
        gateway_installed = gateway_running = admin_exists = token_stored = hooks_installed = true;
        port = at_port;
        tier = "local";
        cors_origin = "http://localhost:3000";
        config = {{"agent.name", "Mosaic"}, {"agent.intent", "general"}, {"provider.name", nullptr},
                  {"provider.skipped", true}, {"wizard.hooks", true},
                  {"wizard.sections_done", {"quick-start", "providers", "identity", "hooks", "gateway"}}};
    }
};

// Names of the services called, in order, without the read-only probes and reads.
inline std::vector<std::string> writes(const mosaic::testing::FakeHost& host) {
    std::vector<std::string> names;
    for (const auto& [name, input] : host.service_calls)
        if (name != "config.get" && name != "gateway.status" && name != "gateway.defaults" && name != "hooks.preview")
            names.push_back(name);
    return names;
}

inline std::vector<std::string> called(const mosaic::testing::FakeHost& host) {
    std::vector<std::string> names;
    for (const auto& c : host.service_calls) names.push_back(c.first);
    return names;
}

inline json last_input(const mosaic::testing::FakeHost& host, const std::string& service) {
    for (auto it = host.service_calls.rbegin(); it != host.service_calls.rend(); ++it)
        if (it->first == service) return it->second;
    return json();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace wizard_test
