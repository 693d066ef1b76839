// commands.hpp - the wiring of config-hooks: its Deps bundle, and one options struct, one
// define_* (its CLI11 options) and one run_* per subcommand, in the shape of mosaic/cli.hpp.
// The tables that name them are in plugin.cpp; the services in services.cpp. Only these
// files print; every decision lives in the domain files.
#pragma once

#include <memory>
#include <string>

#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>

#include "hooks_store.hpp"
#include "mosaic_config.hpp"

namespace mosaic::config_hooks {

struct Deps {
    const Context& ctx;
    HookPaths hooks;   // mosaic home and Claude home
    fs::path config;   // <home>/mosaic.config.json
};
// The one factory (config-hooks has no effect to fake but the files under the homes).
std::unique_ptr<Deps> make_deps(const Context& ctx);

// mosaic config ...
struct ShowCommand { bool json = false, show_secrets = false; };
void define_show(CLI::App& app, ShowCommand& o);
int run_show(const ShowCommand& o, Deps& d);

struct GetCommand { std::string key; };
void define_get(CLI::App& app, GetCommand& o);
int run_get(const GetCommand& o, Deps& d);

struct SetCommand { std::string key, value; bool as_string = false; };
void define_set(CLI::App& app, SetCommand& o);
int run_set(const SetCommand& o, Deps& d);

int run_path(const cli::NoOptions& o, Deps& d);

// mosaic config hooks ...
struct ListCommand { bool json = false; };
void define_list(CLI::App& app, ListCommand& o);
int run_list(const ListCommand& o, Deps& d);

struct ToggleCommand { std::string target; };
void define_toggle(CLI::App& app, ToggleCommand& o);
int run_disable(const ToggleCommand& o, Deps& d);
int run_enable(const ToggleCommand& o, Deps& d);

struct InstallCommand { bool force = false; };
void define_install(CLI::App& app, InstallCommand& o);
int run_install(const InstallCommand& o, Deps& d);

int run_uninstall(const cli::NoOptions& o, Deps& d);

// Services (services.cpp).
nlohmann::json serve_config_get(const nlohmann::json& in, Deps& d);
nlohmann::json serve_config_set(const nlohmann::json& in, Deps& d);
nlohmann::json serve_hooks_install(const nlohmann::json& in, Deps& d);
nlohmann::json serve_hooks_uninstall(const nlohmann::json& in, Deps& d);
nlohmann::json serve_hooks_preview(const nlohmann::json& in, Deps& d);
nlohmann::json serve_doctor(const nlohmann::json& in, Deps& d);

}  // namespace mosaic::config_hooks
