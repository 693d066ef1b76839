#include "host_table.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <type_traits>

#include <mosaic/support/file.hpp>

#include "catalogue.hpp"
#include "crash_report.hpp"
#include "loader.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace {

using Instance = Runtime::Instance;

Instance& self(void* host_ctx) { return *static_cast<Instance*>(host_ctx); }

void give(mosaic_sink_fn sink, void* sink_ctx, const std::string& s) {
    if (sink) sink(sink_ctx, s.data(), s.size());
}

std::string str(const char* s) { return s ? s : ""; }

// Every callback is noexcept: an exception (std::bad_alloc while copying a message) must
// not unwind into the plugin's C frames. `fallback` is what the callback returns then.
template <class F, class R = std::invoke_result_t<F>>
R guarded(F&& body, R fallback) noexcept {
    try {
        return body();
    } catch (...) {
        return fallback;
    }
}
template <class F>
void guarded(F&& body) noexcept {
    try {
        body();
    } catch (...) {
    }
}

void h_write(void*, int32_t stream, const char* data, size_t len) noexcept {
    if (data == nullptr || len == 0) return;
    guarded([&] { output::write(stream == MOSAIC_STDERR ? MOSAIC_STDERR : MOSAIC_STDOUT, std::string_view(data, len)); });
}

int32_t h_color_enabled(void*, int32_t stream) noexcept {
    return guarded([&] { return int32_t{output::color(stream)}; }, int32_t{0});
}

int32_t h_is_interactive(void* h) noexcept { return self(h).runtime->terminal().interactive() ? 1 : 0; }

int32_t finish(const PromptResult& r, mosaic_sink_fn sink, void* sink_ctx) {
    give(sink, sink_ctx, r.text);
    return r.code;
}

int32_t h_prompt_line(void* h, const char* q, const char* def, const char* hint, mosaic_sink_fn sink,
                      void* sc) noexcept {
    return guarded([&] {
        std::optional<std::string> d;
        if (def) d = def;
        return finish(self(h).runtime->terminal().line(str(q), d, str(hint)), sink, sc);
    }, int32_t{MOSAIC_EXIT_FAILED});
}

int32_t h_prompt_secret(void* h, const char* q, const char* hint, mosaic_sink_fn sink, void* sc) noexcept {
    return guarded([&] { return finish(self(h).runtime->terminal().secret(str(q), str(hint)), sink, sc); },
                   int32_t{MOSAIC_EXIT_FAILED});
}

int32_t h_confirm(void* h, const char* q, int32_t def, const char* hint, int32_t* answer, mosaic_sink_fn sink,
                  void* sc) noexcept {
    return guarded([&] {
        bool yes = false;
        auto r = self(h).runtime->terminal().confirm(str(q), def != 0, str(hint), yes);
        if (r.code == 0 && answer) *answer = yes ? 1 : 0;
        return r.code == 0 ? 0 : finish(r, sink, sc);
    }, int32_t{MOSAIC_EXIT_FAILED});
}

int32_t h_select(void* h, const char* q, const char* const* options, uint32_t count, uint32_t def, const char* hint,
                 uint32_t* chosen, mosaic_sink_fn sink, void* sc) noexcept {
    return guarded([&] {
        std::vector<std::string> opts;
        for (uint32_t i = 0; options && i < count; ++i) opts.push_back(str(options[i]));
        uint32_t index = 0;
        auto r = self(h).runtime->terminal().select(str(q), opts, def, str(hint), index);
        if (r.code == 0 && chosen) *chosen = index;
        return r.code == 0 ? 0 : finish(r, sink, sc);
    }, int32_t{MOSAIC_EXIT_FAILED});
}

void h_progress(void* h, const char* label, int32_t percent, int32_t done) noexcept {
    guarded([&] { self(h).runtime->terminal().progress(str(label), percent, done != 0); });
}

const char* h_path(void* h, int32_t kind) noexcept {
    Instance& in = self(h);
    const HostSettings& s = in.runtime->settings();
    switch (kind) {
        case MOSAIC_PATH_HOME: return s.home.c_str();
        case MOSAIC_PATH_CLAUDE_HOME: return s.claude_home.c_str();
        case MOSAIC_PATH_DATA_DIR: return in.data_dir.c_str();
        case MOSAIC_PATH_EXECUTABLE: return s.executable.c_str();
        default: return nullptr;
    }
}

// plugin_dir (ABI 1.1): the plugin's own directory of `kind`, made private on first use.
const char* h_plugin_dir(void* h, int32_t kind, mosaic_sink_fn sink, void* sc) noexcept {
    Instance& in = self(h);
    const HostSettings& s = in.runtime->settings();
    std::string dir;
    switch (kind) {
        case MOSAIC_DIR_DATA: dir = in.data_dir; break;
        case MOSAIC_DIR_CONFIG: dir = s.home + "/config/" + in.entry->name; break;
        case MOSAIC_DIR_CACHE: dir = s.cache_home + "/mosaic/plugins/" + in.entry->name; break;
        default:
            give(sink, sc, "unknown directory kind " + std::to_string(kind) + " (0 data, 1 config, 2 cache)");
            return nullptr;
    }
    try {
        auto [it, fresh] = in.own_dirs.try_emplace(kind, dir);
        if (fresh) {
            support::make_dirs(dir, 0700);
            support::require_private_directory(dir);
        }
        return it->second.c_str();
    } catch (const std::exception& e) {
        in.own_dirs.erase(kind);
        guarded([&] { give(sink, sc, e.what()); });
        return nullptr;
    }
}

const char* h_get_env(void* h, const char* name) noexcept {
    return name ? guarded([&] { return self(h).runtime->env(name); }, static_cast<const char*>(nullptr)) : nullptr;
}

void h_log(void* h, int32_t level, const char* message) noexcept {
    guarded([&] {
        Instance& in = self(h);
        if (level >= MOSAIC_LOG_ERROR) return output::error(str(message));
        if (level == MOSAIC_LOG_WARN) return output::warning(str(message));
        if (!in.runtime->settings().debug_log) return;
        output::err("mosaic: " + std::string(level == MOSAIC_LOG_INFO ? "info" : "debug") + ": " + in.entry->name +
                    ": " + str(message) + "\n");
    });
}

void h_set_error(mosaic_status* st, int32_t code, const char* message) noexcept {
    if (st == nullptr) return;
    st->code = code;
    guarded([&] { st->message = str(message); });
}

void h_emit_result(mosaic_status* st, const char* json, size_t len) noexcept {
    if (st != nullptr) guarded([&] { st->result = json ? std::string(json, len) : std::string(); });
}

int32_t h_call_service(void* h, const char* name, const char* json_in, mosaic_sink_fn sink, void* sc) noexcept {
    return guarded([&] {
        std::string out;
        int rc = self(h).runtime->call_service(str(name), str(json_in), out);
        give(sink, sc, out);
        return int32_t{rc};
    }, int32_t{MOSAIC_EXIT_FAILED});
}

std::string exception_text() {
    try {
        throw;
    } catch (const std::exception& e) {
        return std::string("an exception: ") + e.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

int clamp_status(int rc) { return MOSAIC_EXIT_STATUS_VALID(rc) ? rc : MOSAIC_EXIT_FAILED; }

}  // namespace

Runtime::Runtime(const Discovery& discovery, HostSettings settings, Terminal& terminal)
    : discovery_(discovery), settings_(std::move(settings)), terminal_(terminal) {}

Runtime::~Runtime() { shutdown_all(); }

const char* Runtime::env(const std::string& name) {
    auto it = env_cache_.find(name);
    if (it == env_cache_.end()) {
        const char* v = std::getenv(name.c_str());
        it = env_cache_.emplace(name, v ? std::optional<std::string>(v) : std::nullopt).first;
    }
    return it->second ? it->second->c_str() : nullptr;
}

void Runtime::fail(Instance& in, int code, std::string message) {
    in.state = Instance::State::failed;
    in.failure_code = code;
    in.failure = std::move(message);
}

namespace {
// The host table a plugin instance is given (plugin_abi.h).
void fill_host_table(Instance& in) {
    mosaic_host_v1& t = in.table;
    t.abi_major = MOSAIC_ABI_MAJOR;
    t.abi_minor = MOSAIC_ABI_MINOR;
    t.struct_size = sizeof(mosaic_host_v1);
    t.host_ctx = &in;
    t.write = h_write;
    t.color_enabled = h_color_enabled;
    t.is_interactive = h_is_interactive;
    t.prompt_line = h_prompt_line;
    t.prompt_secret = h_prompt_secret;
    t.confirm = h_confirm;
    t.select = h_select;
    t.progress = h_progress;
    t.path = h_path;
    t.get_env = h_get_env;
    t.log = h_log;
    t.set_error = h_set_error;
    t.emit_result = h_emit_result;
    t.call_service = h_call_service;
    t.host_version = MOSAIC_VERSION;
    t.plugin_dir = h_plugin_dir;
}
}  // namespace

Instance& Runtime::instance(const PluginEntry& entry) {
    for (auto& in : instances_)
        if (in.entry == &entry) return in;
    Instance& in = instances_.emplace_back();
    in.runtime = this;
    in.entry = &entry;
    in.data_dir = settings_.home + "/plugins/" + entry.name;

    if (settings_.debug_plugins)
        output::err("mosaic: plugins: loading '" + entry.library_path + "' for plugin '" + entry.name + "'\n");
    install_plugin_crash_report();
    LoadResult loaded;
    {
        PluginCrashScope scope(entry.name, entry.library_path, "loading");
        loaded = load_plugin(entry.library_path, *entry.manifest);
    }
    if (!loaded.descriptor) {
        if (settings_.debug_plugins) output::err("mosaic: plugins: " + loaded.error + "\n");
        fail(in, MOSAIC_EXIT_REFUSED, loaded.error);
        return in;
    }
    in.descriptor = loaded.descriptor;

    fill_host_table(in);

    in.state = Instance::State::initialising;
    mosaic_status st;
    int rc;
    try {
        PluginCrashScope scope(entry.name, entry.library_path, "starting");
        rc = in.descriptor->init(&in.table, &in.ctx, &st);
    } catch (...) {
        fail(in, MOSAIC_EXIT_FAILED, "plugin '" + entry.name + "' failed to start: it threw " + exception_text());
        return in;
    }
    if (rc != 0) {
        std::string why = st.message.empty() ? "init returned " + std::to_string(rc) : st.message;
        fail(in, clamp_status(rc), "plugin '" + entry.name + "' failed to start: " + why);
        return in;
    }
    in.state = Instance::State::ready;
    init_order_.push_back(&in);
    return in;
}

int Runtime::run_command(const PluginEntry& entry, const std::vector<std::string>& args, std::string& error) {
    Instance& in = instance(entry);
    if (in.state == Instance::State::failed) return error = in.failure, in.failure_code;
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    mosaic_status st;
    int rc;
    try {
        PluginCrashScope scope(entry.name, entry.library_path, "running command '" + args[0] + "'");
        rc = in.descriptor->run(in.ctx, args[0].c_str(), static_cast<int32_t>(args.size()), argv.data(), &st);
    } catch (...) {
        error = "command '" + args[0] + "' of plugin '" + entry.name + "' failed with " + exception_text();
        return MOSAIC_EXIT_FAILED;
    }
    if (rc != 0) error = st.message;
    return clamp_status(rc);
}

int Runtime::call_service(const std::string& name, const std::string& json_in, std::string& out) {
    const PluginEntry* entry = discovery_.for_service(name);
    if (entry == nullptr) {
        const CatalogueEntry* c = catalogue_entry_for_service(name);
        out = c ? not_installed_message(*c, "service", name)
                : "service '" + name + "' is not provided by any installed plugin";
        return MOSAIC_EXIT_REFUSED;
    }
    return call_service_of(*entry, name, json_in, out);
}

int Runtime::call_service_of(const PluginEntry& entry, const std::string& name, const std::string& json_in,
                             std::string& out) {
    Instance& in = instance(entry);
    if (in.state == Instance::State::initialising) {
        out = "plugin '" + entry.name + "' called service '" + name + "' before it finished starting";
        return MOSAIC_EXIT_FAILED;
    }
    if (in.state == Instance::State::failed) return out = in.failure, in.failure_code;
    mosaic_status st;
    int rc;
    try {
        PluginCrashScope scope(entry.name, entry.library_path, "serving '" + name + "'");
        rc = in.descriptor->call(in.ctx, name.c_str(), json_in.c_str(), &st);
    } catch (...) {
        out = "service '" + name + "' of plugin '" + entry.name + "' failed with " + exception_text();
        return MOSAIC_EXIT_FAILED;
    }
    if (rc != 0) {
        out = st.message.empty() ? "service '" + name + "' failed with status " + std::to_string(rc) : st.message;
        return clamp_status(rc);
    }
    out = st.result.value_or("");
    return 0;
}

int Runtime::start(const PluginEntry& entry, std::string& error) {
    Instance& in = instance(entry);
    if (in.state == Instance::State::failed) return error = in.failure, in.failure_code;
    return 0;
}

void Runtime::shutdown_all() {
    while (!init_order_.empty()) {
        Instance* in = init_order_.back();
        init_order_.pop_back();
        if (in->descriptor->shutdown == nullptr) continue;
        try {
            PluginCrashScope scope(in->entry->name, in->entry->library_path, "stopping");
            in->descriptor->shutdown(in->ctx);
        } catch (...) {
            // A plugin that throws on the way out must not take the exit status with it.
        }
    }
}

}  // namespace mosaic::host
