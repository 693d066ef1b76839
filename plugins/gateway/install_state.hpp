// install_state.hpp - the files a gateway install owns under <home>/gateway/, how the
// install state is detected from them, and reading/writing them (atomically; secrets 0600
// in a 0700 directory; unknown keys and lines kept).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "settings.hpp"

namespace mosaic::gateway {

namespace fs = std::filesystem;

struct GatewayPaths {
    explicit GatewayPaths(const fs::path& mosaic_home)
        : home(mosaic_home),
          dir(mosaic_home / "gateway"),
          env_file(dir / ".env"),
          config_file(dir / "mosaic.config.json"),
          meta_file(dir / "meta.json"),
          pid_file(dir / "gateway.pid"),
          log_file(dir / "gateway.log"),
          data_dir(dir / "data"),
          database(data_dir / "gateway.sqlite3"),
          writing_marker(dir / ".install-writing"),
          setup_token(dir / "setup-token") {}
    fs::path home, dir, env_file, config_file, meta_file, pid_file, log_file, data_dir, database;
    // Exists while install writes .env, mosaic.config.json and meta.json (apply_configuration):
    // a kill between those writes leaves it, so the next install knows to finish the job.
    fs::path writing_marker;
    // The one-time secret that authorises creating the first admin (setup_token.hpp).
    fs::path setup_token;
};

// Why the directories holding the gateway's secrets (data/, the gateway directory, the mosaic
// home and every one above) are not private to this user, or nullopt when they are
// (support::insecure_directory); require_private_dirs throws it as mosaic::Error(exit_refused).
std::optional<std::string> gateway_dirs_problem(const GatewayPaths& paths);
void require_private_dirs(const GatewayPaths& paths);

// partial: only one of .env / mosaic.config.json, not left by an interrupted install (refused,
// docs/behaviour.md, "gateway install"); interrupted: an install was killed while writing them (resumed by install).
enum class InstallState { none, complete, partial, interrupted };

// none: neither .env nor mosaic.config.json; complete: both; partial: exactly one;
// interrupted: either or both, with the writing marker left by a killed install.
InstallState detect_state(const GatewayPaths& paths);
// The exit-3 refusal for a partial install, naming what exists and what is missing.
[[noreturn]] void refuse_partial(const GatewayPaths& paths);
// For the commands that need an installed gateway: exit 3 with what to do unless complete.
void refuse_unless_complete(const GatewayPaths& paths, InstallState state);

// meta.json: install metadata and the admin token (0600).
struct Meta {
    nlohmann::json doc = nlohmann::json::object();  // everything, unknown keys included

    std::optional<std::string> admin_token() const;
    std::optional<long long> admin_token_id() const;
    std::optional<std::string> admin_email() const;
    std::optional<std::string> session_token() const;
    std::string service() const;  // "systemd" or "process" (default)
    bool admin_exists() const;    // recorded after a successful bootstrap
};
Meta load_meta(const GatewayPaths& paths);
// 0600, never through a symbolic link, only in private directories.
void store_meta(const GatewayPaths& paths, const Meta& meta);

// The saved settings (.env is the truth for the daemon; mosaic.config.json mirrors the
// non-secret part for humans and other plugins). Throws naming the file on bad content.
GatewaySettings load_saved_settings(const GatewayPaths& paths);
std::optional<std::string> load_auth_secret(const GatewayPaths& paths);

// Writes .env (0600, keeping every line it does not own, keeping `auth_secret`) and
// mosaic.config.json (keeping unknown keys). Returns true when either file changed.
bool write_config(const GatewayPaths& paths, const GatewaySettings& settings, const std::string& auth_secret);

// A new random auth secret (hex).
std::string new_auth_secret();

}  // namespace mosaic::gateway
