#include "install_state.hpp"

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>

#include "crypto.hpp"

namespace mosaic::gateway {

using support::EnvFile;

std::optional<std::string> gateway_dirs_problem(const GatewayPaths& paths) {
    return support::insecure_directory(paths.data_dir);
}

void require_private_dirs(const GatewayPaths& paths) { support::require_private_directory(paths.data_dir); }

InstallState detect_state(const GatewayPaths& paths) {
    bool env = fs::exists(paths.env_file);
    bool cfg = fs::exists(paths.config_file);
    if (!env && !cfg) return InstallState::none;
    if (fs::exists(paths.writing_marker)) return InstallState::interrupted;
    return env && cfg ? InstallState::complete : InstallState::partial;
}

void refuse_unless_complete(const GatewayPaths& paths, InstallState state) {
    if (state == InstallState::partial) refuse_partial(paths);
    if (state == InstallState::interrupted)
        throw Error(exit_refused, "an install of the gateway in '" + paths.dir.string() +
                                      "' was interrupted; run 'mosaic gateway install' to finish it");
    if (state == InstallState::none)
        throw Error(exit_refused, "the gateway is not installed in '" + paths.dir.string() +
                                      "'; run 'mosaic gateway install'");
}

void refuse_partial(const GatewayPaths& paths) {
    bool env = fs::exists(paths.env_file);
    const fs::path& present = env ? paths.env_file : paths.config_file;
    const fs::path& missing = env ? paths.config_file : paths.env_file;
    throw Error(exit_refused, "partial gateway install in '" + paths.dir.string() + "': '" + present.string() +
                                  "' exists but '" + missing.string() +
                                  "' does not; run 'mosaic gateway uninstall' and install again");
}

namespace {
std::optional<std::string> string_at(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
    return it->get<std::string>();
}
}  // namespace

std::optional<std::string> Meta::admin_token() const { return string_at(doc, "admin_token"); }
std::optional<std::string> Meta::admin_email() const { return string_at(doc, "admin_email"); }
std::optional<std::string> Meta::session_token() const { return string_at(doc, "session_token"); }
std::optional<long long> Meta::admin_token_id() const {
    auto it = doc.find("admin_token_id");
    if (it == doc.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<long long>();
}
std::string Meta::service() const { return string_at(doc, "service").value_or("process"); }
bool Meta::admin_exists() const { return doc.value("admin_exists", false) == true; }

Meta load_meta(const GatewayPaths& paths) {
    Meta m;
    if (auto j = support::load_json_file(paths.meta_file)) {
        if (!j->is_object())
            throw Error(exit_usage, "cannot use '" + paths.meta_file.string() + "': expected a JSON object; fix or remove the file");
        m.doc = std::move(*j);
    }
    return m;
}

void store_meta(const GatewayPaths& paths, const Meta& meta) {
    require_private_dirs(paths);
    support::make_dirs(paths.dir, 0700);
    support::WriteOptions o;
    o.mode = 0600;
    o.force_mode = true;
    o.private_dirs = true;
    o.symlinks = support::Symlinks::refuse;
    support::store_json_file(paths.meta_file, meta.doc, o);
}

GatewaySettings load_saved_settings(const GatewayPaths& paths) {
    EnvFile env = EnvFile::load(paths.env_file);
    return settings_from_env_values(env.values(), paths.env_file.string());
}

std::optional<std::string> load_auth_secret(const GatewayPaths& paths) {
    auto v = EnvFile::load(paths.env_file).get(key_auth_secret);
    if (v && v->empty()) return std::nullopt;
    return v;
}

std::string new_auth_secret() { return random_hex(32); }

bool write_config(const GatewayPaths& paths, const GatewaySettings& settings, const std::string& auth_secret) {
    require_private_dirs(paths);
    support::make_dirs(paths.dir, 0700);
    fs::permissions(paths.dir, fs::perms::owner_all, fs::perm_options::replace);

    // Read (and so validate) both files before writing either: nothing half-written.
    EnvFile env = EnvFile::load(paths.env_file);
    nlohmann::json cfg = support::load_json_file(paths.config_file).value_or(nlohmann::json::object());
    if (!cfg.is_object())
        throw Error(exit_usage, "cannot use '" + paths.config_file.string() + "': expected a JSON object; fix or remove the file");
    std::string before = env.render();
    if (env.lines.empty()) {
        EnvFile::Line header;
        header.raw = "# Mosaic gateway configuration, written by 'mosaic gateway install'. Secrets: keep this file private.";
        env.lines.push_back(header);
    }
    for (const auto& [key, value] : env_values_for(settings)) {
        if (value.empty()) env.erase(key);
        else if (env.get(key) != value) env.set(key, value);
    }
    if (env.get(key_auth_secret) != auth_secret) env.set(key_auth_secret, auth_secret);
    std::string after = env.render();
    bool changed = after != before;
    if (changed || !fs::exists(paths.env_file)) support::write_secret_file(paths.env_file, after);

    nlohmann::json old = cfg;
    cfg["schema"] = 1;
    cfg["port"] = settings.port;
    cfg["tier"] = settings.tier;
    cfg["cors_origin"] = settings.cors_origin;
    cfg["url"] = settings.url();
    if (cfg != old || !fs::exists(paths.config_file)) {
        support::WriteOptions o;
        o.mode = 0644;
        o.private_dirs = true;
        support::store_json_file(paths.config_file, cfg, o);
        changed = true;
    }
    return changed;
}

}  // namespace mosaic::gateway
