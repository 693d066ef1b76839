#include "config_show.hpp"

#include <algorithm>

#include <mosaic/support/file.hpp>

#include "hooks_config.hpp"
#include "mosaic_config.hpp"
#include "redact.hpp"

namespace mosaic::config_hooks {

namespace {

void flatten(const ojson& value, const std::string& prefix, std::string& out, const std::string& indent) {
    if (value.is_object() && !value.empty()) {
        for (const auto& [k, v] : value.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out, indent);
        return;
    }
    out += indent + (prefix.empty() ? "(value)" : prefix) + " = " + value.dump() + "\n";
}

std::string section(const ojson& value, const std::string& indent) {
    if (value.is_null()) return indent + "(absent)\n";
    if (value.is_object() && value.empty()) return indent + "(empty)\n";
    std::string out;
    flatten(value, "", out, indent);
    return out;
}

// {"dir", "env": {...} | null, "meta": {...} | null}, or null without a gateway directory.
ojson gateway_view(const fs::path& gateway_dir, bool hide) {
    std::error_code ec;
    if (!fs::is_directory(gateway_dir, ec)) return nullptr;
    ojson gateway{{"dir", gateway_dir.string()}, {"env", nullptr}, {"meta", nullptr}};
    if (fs::exists(gateway_dir / ".env", ec)) {
        ojson env = ojson::object();
        auto file = support::EnvFile::load(gateway_dir / ".env");
        for (const auto& line : file.lines)
            if (!line.key.empty()) env[line.key] = hide ? redact_value(line.key, line.value) : line.value;
        gateway["env"] = std::move(env);
    }
    JsonDocument meta = JsonDocument::load(gateway_dir / "meta.json");
    if (meta.exists) gateway["meta"] = hide ? redact_json(meta.value) : meta.value;
    return gateway;
}

// {"file", "exists", "managed", "enabled": [ids or events], "disabled": [...]}
ojson hooks_view(const fs::path& hooks_file) {
    JsonDocument hooks = JsonDocument::load(hooks_file);
    validate_hooks_config(hooks);
    ojson enabled = ojson::array(), disabled = ojson::array();
    for (const auto& row : list_hooks(hooks.value)) {
        std::string name = row.id.empty() ? row.event : row.id;
        ojson& list = row.enabled ? enabled : disabled;
        if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
    return {{"file", hooks_file.string()},
            {"exists", hooks.exists},
            {"managed", is_mosaic_managed(hooks.value)},
            {"enabled", enabled},
            {"disabled", disabled}};
}

}  // namespace

ojson build_config_view(const ShowOptions& opts) {
    const bool hide = !opts.show_secrets;
    fs::path gateway_dir = opts.home / "gateway";
    fs::path hooks_file = opts.claude_home / "hooks-config.json";
    struct Named {
        const char* name;
        fs::path path;
    };
    const Named files[] = {
        {"mosaic.config.json", config_file(opts.home)},
        {"credentials.json", opts.home / "credentials.json"},
        {"hooks-config.json", hooks_file},
        {"settings.json", opts.claude_home / "settings.json"},
        {"gateway/.env", gateway_dir / ".env"},
        {"gateway/meta.json", gateway_dir / "meta.json"},
    };

    ojson view = ojson::object();
    view["home"] = opts.home.string();
    view["claude_home"] = opts.claude_home.string();
    view["files"] = ojson::array();
    for (const auto& f : files) {
        std::error_code ec;
        view["files"].push_back({{"name", f.name}, {"path", f.path.string()}, {"exists", fs::exists(f.path, ec)}});
    }

    JsonDocument config = load_config(config_file(opts.home));
    view["config"] = hide ? redact_json(config.value) : config.value;

    JsonDocument credentials = JsonDocument::load(opts.home / "credentials.json");
    view["credentials"] = !credentials.exists ? ojson() : hide ? redact_json(credentials.value, true) : credentials.value;

    view["gateway"] = gateway_view(gateway_dir, hide);
    view["hooks"] = hooks_view(hooks_file);
    return view;
}

std::string render_config_view(const ojson& view) {
    std::string out;
    out += "mosaic home   " + view["home"].get<std::string>() + "\n";
    out += "claude home   " + view["claude_home"].get<std::string>() + "\n\nfiles\n";
    for (const auto& f : view["files"]) {
        std::string name = f["name"].get<std::string>();
        out += "  " + name + std::string(name.size() < 20 ? 20 - name.size() : 1, ' ') + f["path"].get<std::string>() +
               (f["exists"].get<bool>() ? "" : " (absent)") + "\n";
    }
    out += "\nmosaic.config.json\n" + section(view["config"], "  ");
    out += "\ncredentials.json\n" + section(view["credentials"], "  ");
    const ojson& gw = view["gateway"];
    if (gw.is_null()) {
        out += "\ngateway\n  (not installed)\n";
    } else {
        out += "\ngateway (" + gw["dir"].get<std::string>() + ")\n  .env\n" + section(gw["env"], "    ");
        out += "  meta.json\n" + section(gw["meta"], "    ");
    }
    const ojson& hooks = view["hooks"];
    auto names = [](const ojson& list) {
        std::string s;
        for (const auto& n : list) s += (s.empty() ? "" : ", ") + n.get<std::string>();
        return s.empty() ? std::string("none") : s;
    };
    out += "\nhooks (" + hooks["file"].get<std::string>() + ")\n";
    if (!hooks["exists"].get<bool>()) {
        out += "  (absent; run 'mosaic config hooks install')\n";
    } else {
        out += "  enabled    " + names(hooks["enabled"]) + "\n";
        out += "  disabled   " + names(hooks["disabled"]) + "\n";
    }
    return out;
}

}  // namespace mosaic::config_hooks
