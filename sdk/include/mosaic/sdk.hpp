// mosaic/sdk.hpp - the header-only C++ side of a Mosaic plugin.
//
// A plugin is a class derived from mosaic::Plugin that declares what it provides as static
// data, plus one line that emits the C entry point:
//
//     class HelloPlugin final : public mosaic::Plugin {
//     public:
//         static constexpr mosaic::PluginInfo info{"hello", "1.0.0", "Example Inc", "say hello"};
//         static constexpr std::array commands{mosaic::CommandInfo{"hello", "print a greeting", "hello [NAME]"}};
//         static constexpr std::array services{mosaic::ServiceInfo{"hello.greet", "greeting as JSON"}};
//         using Plugin::Plugin;
//         int run(const std::string& command, const std::vector<std::string>& args) override;
//         nlohmann::json call(const std::string& service, const nlohmann::json& input) override;
//     };
//     MOSAIC_PLUGIN(HelloPlugin)
//
// Everything here is compiled into the plugin with hidden visibility; only
// mosaic_plugin_query is exported. Exceptions never cross the boundary: the trampolines
// catch mosaic::Error (its code), std::exception (exit 1) and anything else (exit 1) and
// report them with host->set_error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>
#include <mosaic/plugin_abi.h>
#include <mosaic/support/json.hpp>
#include <mosaic/tone.hpp>

namespace mosaic {

struct PluginInfo {
    const char* name;
    const char* version;
    const char* vendor;
    const char* summary;
};

struct CommandInfo {
    const char* name;
    const char* summary;
    const char* usage = nullptr;
};

struct ServiceInfo {
    const char* name;
    const char* summary;
};

namespace detail {
inline void append_to_string(void* sink_ctx, const char* data, std::size_t len) {
    static_cast<std::string*>(sink_ctx)->append(data, len);
}
}  // namespace detail

// Typed access to the host table. One per plugin instance; valid until shutdown.
class Context {
public:
    explicit Context(const mosaic_host_v1* host) : host_(host) {}

    // Output. Plugins never write to std::cout / std::cerr directly.
    void out(std::string_view text) const { host_->write(host_->host_ctx, MOSAIC_STDOUT, text.data(), text.size()); }
    void err(std::string_view text) const { host_->write(host_->host_ctx, MOSAIC_STDERR, text.data(), text.size()); }
    bool color(int stream = MOSAIC_STDOUT) const { return host_->color_enabled(host_->host_ctx, stream) != 0; }
    // `text` in the colour of `tone` when the host allows colour on `stream`, else as it is.
    std::string paint(std::string_view text, Tone tone, int stream = MOSAIC_STDOUT) const {
        return color(stream) ? mosaic::paint(text, tone) : std::string(text);
    }

    // Terminal. Every prompt throws mosaic::Error when no answer can be had (headless
    // without a default, end of input, interrupt); the message names `headless_hint`.
    bool interactive() const { return host_->is_interactive(host_->host_ctx) != 0; }

    std::string prompt_line(const std::string& question, const std::optional<std::string>& default_value,
                            const std::string& headless_hint) const {
        std::string answer;
        int32_t rc = host_->prompt_line(host_->host_ctx, question.c_str(),
                                        default_value ? default_value->c_str() : nullptr, headless_hint.c_str(),
                                        &detail::append_to_string, &answer);
        if (rc != 0) throw Error(rc, answer);
        return answer;
    }

    std::string prompt_secret(const std::string& question, const std::string& headless_hint) const {
        std::string answer;
        int32_t rc = host_->prompt_secret(host_->host_ctx, question.c_str(), headless_hint.c_str(),
                                          &detail::append_to_string, &answer);
        if (rc != 0) throw Error(rc, answer);
        return answer;
    }

    bool confirm(const std::string& question, bool default_yes, const std::string& headless_hint) const {
        int32_t answer = 0;
        std::string message;
        int32_t rc = host_->confirm(host_->host_ctx, question.c_str(), default_yes ? 1 : 0, headless_hint.c_str(),
                                    &answer, &detail::append_to_string, &message);
        if (rc != 0) throw Error(rc, message);
        return answer != 0;
    }

    std::size_t select(const std::string& question, const std::vector<std::string>& options,
                       std::size_t default_index, const std::string& headless_hint) const {
        std::vector<const char*> raw;
        raw.reserve(options.size());
        for (const auto& o : options) raw.push_back(o.c_str());
        uint32_t chosen = 0;
        std::string message;
        int32_t rc = host_->select(host_->host_ctx, question.c_str(), raw.data(), static_cast<uint32_t>(raw.size()),
                                   static_cast<uint32_t>(default_index), headless_hint.c_str(), &chosen,
                                   &detail::append_to_string, &message);
        if (rc != 0) throw Error(rc, message);
        return chosen;
    }

    // percent in 0..100, or -1 when unknown.
    void progress(const std::string& label, int percent = -1, bool done = false) const {
        host_->progress(host_->host_ctx, label.c_str(), percent, done ? 1 : 0);
    }

    // Paths (absolute, resolved once by the host).
    std::filesystem::path home() const { return path(MOSAIC_PATH_HOME); }
    std::filesystem::path claude_home() const { return path(MOSAIC_PATH_CLAUDE_HOME); }
    std::filesystem::path data_dir() const { return path(MOSAIC_PATH_DATA_DIR); }
    std::filesystem::path executable() const { return path(MOSAIC_PATH_EXECUTABLE); }

    // ABI 1.1. The running mosaic's version, e.g. "0.2.0".
    std::string host_version() const { return host_->host_version ? host_->host_version : ""; }
    // ABI 1.1. This plugin's own directory of `kind` (MOSAIC_DIR_DATA, _CONFIG, _CACHE; see
    // plugin_abi.h for where each lives), created 0700 on first use. Throws
    // mosaic::Error(exit_failed) naming the directory when it cannot be created or is unsafe.
    std::filesystem::path own_dir(int kind) const {
        std::string why;
        const char* p = host_->plugin_dir(host_->host_ctx, kind, &detail::append_to_string, &why);
        if (p == nullptr) throw Error(exit_failed, why.empty() ? "the host gave no directory of kind " + std::to_string(kind) : why);
        return std::filesystem::path(p);
    }
    std::filesystem::path config_dir() const { return own_dir(MOSAIC_DIR_CONFIG); }
    std::filesystem::path cache_dir() const { return own_dir(MOSAIC_DIR_CACHE); }

    // The environment, as the host sees it (faked in tests).
    std::optional<std::string> env(const std::string& name) const {
        const char* v = host_->get_env(host_->host_ctx, name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    }

    // Logs: debug and info are shown only with MOSAIC_DEBUG=1; a warning always, on stderr.
    void debug(const std::string& message) const { host_->log(host_->host_ctx, MOSAIC_LOG_DEBUG, message.c_str()); }
    void info(const std::string& message) const { host_->log(host_->host_ctx, MOSAIC_LOG_INFO, message.c_str()); }
    void warn(const std::string& message) const { host_->log(host_->host_ctx, MOSAIC_LOG_WARN, message.c_str()); }

    // Another plugin's service. Throws mosaic::Error with the service's exit code and message
    // (exit_refused when no installed plugin provides it).
    nlohmann::json call(const std::string& service, const nlohmann::json& input = nlohmann::json::object()) const {
        std::string reply;
        std::string in = input.dump();
        int32_t rc = host_->call_service(host_->host_ctx, service.c_str(), in.c_str(), &detail::append_to_string, &reply);
        if (rc != 0) throw Error(rc, reply);
        if (reply.empty()) return nlohmann::json::object();
        try {
            return support::parse_json_limited(reply);
        } catch (const std::exception& e) {
            throw Error(exit_failed, "service '" + service + "' answered with unusable JSON: " + e.what());
        }
    }

    const mosaic_host_v1* raw() const { return host_; }

private:
    std::filesystem::path path(int kind) const {
        const char* p = host_->path(host_->host_ctx, kind);
        return p ? std::filesystem::path(p) : std::filesystem::path();
    }

    const mosaic_host_v1* host_;
};

// Base class of every plugin. One instance lives from init() to shutdown().
class Plugin {
public:
    explicit Plugin(Context& ctx) : ctx_(ctx) {}
    virtual ~Plugin() = default;
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;

    // Runs top-level command `command` with the words after it. Returns the exit status.
    virtual int run(const std::string& command, const std::vector<std::string>& args) = 0;

    // Serves a service declared in `services`. Throw mosaic::Error to fail.
    virtual nlohmann::json call(const std::string& service, const nlohmann::json& /*input*/) {
        throw Error(exit_refused, "service '" + service + "' is not implemented");
    }

    // Defaults a derived class hides with its own declarations.
    static constexpr std::array<CommandInfo, 0> commands{};
    static constexpr std::array<ServiceInfo, 0> services{};

protected:
    Context& ctx() const { return ctx_; }

private:
    Context& ctx_;
};

namespace detail {

template <class F>
int32_t guarded(const mosaic_host_v1* host, mosaic_status* status, F&& body) noexcept {
    try {
        return body();
    } catch (const Error& e) {
        int code = e.code() != 0 && MOSAIC_EXIT_STATUS_VALID(e.code()) ? e.code() : exit_failed;
        host->set_error(status, code, e.what());
        return code;
    } catch (const std::exception& e) {
        host->set_error(status, exit_failed, e.what());
        return exit_failed;
    } catch (...) {
        host->set_error(status, exit_failed, "unknown exception inside the plugin");
        return exit_failed;
    }
}

template <class P>
struct Instance {
    explicit Instance(const mosaic_host_v1* h) : host(h), ctx(h) {}
    const mosaic_host_v1* host;
    Context ctx;
    std::optional<P> plugin;
};

using describe_fn = int32_t (*)(const char* command, mosaic_sink_fn sink, void* sink_ctx);

// ABI 1.1 describe(): a plugin class that has `static int32_t describe_command(const char*,
// mosaic_sink_fn, void*) noexcept` (every mosaic::TablePlugin, mosaic/cli.hpp) describes its
// command trees; any other leaves the slot NULL.
template <class P>
constexpr describe_fn describe_slot() {
    if constexpr (requires { &P::describe_command; }) return &P::describe_command;
    else return nullptr;
}

template <class P>
struct Descriptor {
    template <std::size_t... I>
    static constexpr auto make_commands(std::index_sequence<I...>) {
        return std::array<mosaic_command_v1, sizeof...(I)>{
            {mosaic_command_v1{MOSAIC_ABI_MAJOR, MOSAIC_ABI_MINOR, sizeof(mosaic_command_v1), P::commands[I].name,
                               P::commands[I].summary, P::commands[I].usage}...}};
    }
    template <std::size_t... I>
    static constexpr auto make_services(std::index_sequence<I...>) {
        return std::array<mosaic_service_v1, sizeof...(I)>{{mosaic_service_v1{
            MOSAIC_ABI_MAJOR, MOSAIC_ABI_MINOR, sizeof(mosaic_service_v1), P::services[I].name, P::services[I].summary}...}};
    }
    static constexpr auto commands = make_commands(std::make_index_sequence<P::commands.size()>{});
    static constexpr auto services = make_services(std::make_index_sequence<P::services.size()>{});

    template <class T, std::size_t N, std::size_t... I>
    static constexpr std::array<const T*, N> pointers(const std::array<T, N>& a, std::index_sequence<I...>) {
        return {{&a[I]...}};
    }
    static constexpr auto command_ptrs = pointers(commands, std::make_index_sequence<commands.size()>{});
    static constexpr auto service_ptrs = pointers(services, std::make_index_sequence<services.size()>{});

    static int32_t init(const mosaic_host_v1* host, void** plugin_ctx, mosaic_status* status) noexcept {
        return guarded(host, status, [&]() -> int32_t {
            auto inst = std::make_unique<Instance<P>>(host);
            inst->plugin.emplace(inst->ctx);
            *plugin_ctx = inst.release();
            return 0;
        });
    }

    static int32_t run(void* plugin_ctx, const char* command, int32_t argc, const char* const* argv,
                       mosaic_status* status) noexcept {
        auto* inst = static_cast<Instance<P>*>(plugin_ctx);
        return guarded(inst->host, status, [&]() -> int32_t {
            std::vector<std::string> args;
            for (int32_t i = 1; i < argc; ++i) args.emplace_back(argv[i]);
            int rc = inst->plugin->run(command, args);
            return MOSAIC_EXIT_STATUS_VALID(rc) ? rc : exit_failed;
        });
    }

    static int32_t call(void* plugin_ctx, const char* service, const char* json_in, mosaic_status* status) noexcept {
        auto* inst = static_cast<Instance<P>*>(plugin_ctx);
        return guarded(inst->host, status, [&]() -> int32_t {
            nlohmann::json input = nlohmann::json::object();
            try {
                if (json_in && *json_in) input = support::parse_json_limited(json_in);
            } catch (const std::exception& e) {
                throw Error(exit_usage, "the input of service '" + std::string(service) + "' is not usable JSON: " + e.what());
            }
            std::string out = inst->plugin->call(service, input).dump();
            inst->host->emit_result(status, out.data(), out.size());
            return 0;
        });
    }

    static void shutdown(void* plugin_ctx) noexcept {
        try {
            delete static_cast<Instance<P>*>(plugin_ctx);
        } catch (...) {
        }
    }

    static constexpr mosaic_plugin_v1 plugin{
        MOSAIC_ABI_MAJOR,    MOSAIC_ABI_MINOR,
        sizeof(mosaic_plugin_v1),
        P::info.name,        P::info.version,
        P::info.vendor,      P::info.summary,
        command_ptrs.data(), static_cast<uint32_t>(command_ptrs.size()),
        service_ptrs.data(), static_cast<uint32_t>(service_ptrs.size()),
        &init,               &run,
        &call,               &shutdown,
        describe_slot<P>(),
    };
};

}  // namespace detail
}  // namespace mosaic

// Emits the plugin's descriptor and its single exported C entry point. Put it last in the
// plugin's main source file, once per library.
#define MOSAIC_PLUGIN(PluginClass)                                                    \
    extern "C" MOSAIC_PLUGIN_EXPORT const struct mosaic_plugin_v1* mosaic_plugin_query(void) { \
        return &::mosaic::detail::Descriptor<PluginClass>::plugin;                    \
    }
