// host_table.hpp - the host side of the plugin ABI: one mosaic_host_v1 per loaded plugin
// (host_ctx points at that plugin's Instance, so paths like the data dir are per plugin),
// lazy loading and a single init per plugin, and call_service between plugins.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/host_side.hpp>  // struct mosaic_status, shared with FakeHost
#include <mosaic/plugin_abi.h>

#include "discovery.hpp"
#include "terminal.hpp"

namespace mosaic::host {

struct HostSettings {
    std::string home;         // mosaic home
    std::string claude_home;
    std::string executable;   // /proc/self/exe
    std::string cache_home;   // ${XDG_CACHE_HOME:-~/.cache}: plugins' cache dirs go below it
    bool debug_log = false;   // MOSAIC_DEBUG=1: plugin debug/info logs shown
    bool debug_plugins = false;  // MOSAIC_DEBUG_PLUGINS=1: loading explained on stderr
};

class Runtime {
public:
    Runtime(const Discovery& discovery, HostSettings settings, Terminal& terminal);
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // Runs `args[0]` of plugin `entry`. Returns the exit status; `error` receives the
    // message to print (empty when there is none).
    int run_command(const PluginEntry& entry, const std::vector<std::string>& args, std::string& error);

    // Returns the exit status; `out` receives the result JSON on 0, else the error message.
    int call_service(const std::string& name, const std::string& json_in, std::string& out);

    // Service `name` of plugin `entry` itself, whether or not discovery routes it there
    // (`plugins verify` checks a plugin's own services). Same results as call_service.
    int call_service_of(const PluginEntry& entry, const std::string& name, const std::string& json_in, std::string& out);

    // Loads and initialises `entry` without running anything. Returns 0, or the exit status
    // with `error` saying why.
    int start(const PluginEntry& entry, std::string& error);

    // shutdown() of every initialised plugin, most recent first. Idempotent.
    void shutdown_all();

    struct Instance {
        Runtime* runtime = nullptr;
        const PluginEntry* entry = nullptr;
        const mosaic_plugin_v1* descriptor = nullptr;
        mosaic_host_v1 table{};
        void* ctx = nullptr;
        enum class State { fresh, initialising, ready, failed } state = State::fresh;
        int failure_code = 0;
        std::string failure;  // load or init error, repeated to every later use
        std::string data_dir;
        std::map<int, std::string> own_dirs;  // plugin_dir() results, kept until exit
    };

    // Used by the C callbacks.
    Terminal& terminal() { return terminal_; }
    const HostSettings& settings() const { return settings_; }
    const char* env(const std::string& name);

private:
    Instance& instance(const PluginEntry& entry);  // loaded and initialised, or failed
    static void fail(Instance& in, int code, std::string message);

    const Discovery& discovery_;
    HostSettings settings_;
    Terminal& terminal_;
    std::deque<Instance> instances_;  // stable addresses: host_ctx points into it
    std::vector<Instance*> init_order_;
    std::map<std::string, std::optional<std::string>> env_cache_;  // values live until exit
};

}  // namespace mosaic::host
