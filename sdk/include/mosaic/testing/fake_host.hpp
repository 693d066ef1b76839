// mosaic/testing/fake_host.hpp - an in-process host for testing one plugin, no dlopen.
//
// Link the test with the plugin's sources (mosaic_add_plugin gives an OBJECT library
// `<name>_objects` for this) so mosaic_plugin_query() resolves to the plugin under test:
//
//     mosaic::testing::FakeHost host;                 // temp HOME, mosaic home, claude home
//     host.env["MOSAIC_GATEWAY_PORT"] = "15000";       // the fake environment
//     host.answers = {"admin@example.com", "s3cret-pass"};  // scripted prompt answers
//     auto r = host.run("config", {"get", "agent.name"});
//     EXPECT_EQ(r.code, 0); EXPECT_EQ(r.out, "Mosaic\n");
//
// Other plugins' services are faked with host.services["gateway.start"] = handler.
#pragma once

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/host_side.hpp>
#include <mosaic/plugin_abi.h>

namespace mosaic::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mosaic-test-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
        path_ = std::filesystem::canonical(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

class FakeHost {
    TempDir tmp_;  // first: every path below lives inside it

public:
    struct Result {
        int code = 0;
        std::string out;    // stdout written during this call
        std::string err;    // stderr written during this call
        std::string error;  // message given to set_error ("" when none)
        nlohmann::json json;  // call(): the emitted result (null when none)
    };
    using ServiceHandler = std::function<std::pair<int, std::string>(const nlohmann::json& input)>;
    struct ProgressEvent {
        std::string label;
        int percent;
        bool done;
    };

    FakeHost()
        : root(tmp_.path()),
          home(root / "home/.config/mosaic"),
          claude_home(root / "home/.claude"),
          data_dir(root / "home/.config/mosaic/plugins/under-test"),
          config_dir(root / "home/.config/mosaic/config/under-test"),
          cache_dir(root / "home/.cache/mosaic/plugins/under-test"),
          executable(root / "bin/mosaic") {
        std::filesystem::create_directories(root / "home");
        env["HOME"] = (root / "home").string();
        env["MOSAIC_HOME"] = home.string();
        env["CLAUDE_HOME"] = claude_home.string();
        env["XDG_CONFIG_HOME"] = (root / "home/.config").string();
        env["XDG_DATA_HOME"] = (root / "home/.local/share").string();
        env["XDG_STATE_HOME"] = (root / "home/.local/state").string();
        env["XDG_RUNTIME_DIR"] = (root / "run").string();
        env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        table_.abi_major = MOSAIC_ABI_MAJOR;
        table_.abi_minor = MOSAIC_ABI_MINOR;
        table_.struct_size = sizeof(mosaic_host_v1);
        table_.host_ctx = this;
        table_.write = &s_write;
        table_.color_enabled = &s_color_enabled;
        table_.is_interactive = &s_is_interactive;
        table_.prompt_line = &s_prompt_line;
        table_.prompt_secret = &s_prompt_secret;
        table_.confirm = &s_confirm;
        table_.select = &s_select;
        table_.progress = &s_progress;
        table_.path = &s_path;
        table_.get_env = &s_get_env;
        table_.log = &s_log;
        table_.set_error = &s_set_error;
        table_.emit_result = &s_emit_result;
        table_.call_service = &s_call_service;
        table_.host_version = host_version;
        table_.plugin_dir = &s_plugin_dir;
    }

    ~FakeHost() {
        if (plugin_ && ctx_ready_) plugin_->shutdown(plugin_ctx_);
    }
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    // --- what the test sets -------------------------------------------------------------
    std::map<std::string, std::string> env;
    bool interactive = false;   // is_interactive()
    bool assume_yes = false;    // headless confirm answers yes
    bool color = false;
    std::deque<std::string> answers;  // prompt_line/secret: the text; confirm: y/n; select: index
    std::map<std::string, ServiceHandler> services;

    // --- what the test reads ------------------------------------------------------------
    std::string out, err;                     // everything written, across calls
    std::vector<std::string> prompts;         // every question asked, in order
    std::vector<std::string> logs;            // "warn: ..." etc.
    std::vector<std::pair<std::string, nlohmann::json>> service_calls;
    std::vector<ProgressEvent> progress_events;

    const std::filesystem::path root;
    std::filesystem::path home, claude_home, data_dir, config_dir, cache_dir, executable;
    static constexpr const char* host_version = "0.0.0-fakehost";  // host->host_version

    Result run(const std::string& command, const std::vector<std::string>& args) {
        ensure_init();
        std::vector<const char*> argv{command.c_str()};
        for (const auto& a : args) argv.push_back(a.c_str());
        Result r = capture([&](mosaic_status* st) {
            return plugin_->run(plugin_ctx_, command.c_str(), static_cast<int32_t>(argv.size()), argv.data(), st);
        });
        if (!MOSAIC_EXIT_STATUS_VALID(r.code)) r.code = MOSAIC_EXIT_FAILED;  // as the real host reports it
        return r;
    }

    Result call(const std::string& service, const nlohmann::json& input = nlohmann::json::object()) {
        ensure_init();
        std::string in = input.dump();
        return capture([&](mosaic_status* st) { return plugin_->call(plugin_ctx_, service.c_str(), in.c_str(), st); });
    }

    const mosaic_plugin_v1& descriptor() {
        if (!plugin_) plugin_ = mosaic_plugin_query();
        if (!plugin_) throw std::runtime_error("mosaic_plugin_query() returned NULL");
        return *plugin_;
    }
    const mosaic_host_v1& table() const { return table_; }

    // Result of init(); run()/call() call it on first use. The paths are fixed here, as the
    // real host fixes them before init: a pointer path() returned stays valid and unchanged.
    Result init() {
        descriptor();
        path_cache_[MOSAIC_PATH_HOME] = home.string();
        path_cache_[MOSAIC_PATH_CLAUDE_HOME] = claude_home.string();
        path_cache_[MOSAIC_PATH_DATA_DIR] = data_dir.string();
        path_cache_[MOSAIC_PATH_EXECUTABLE] = executable.string();
        Result r = capture([&](mosaic_status* st) { return plugin_->init(&table_, &plugin_ctx_, st); });
        init_done_ = true;
        ctx_ready_ = r.code == 0;
        return r;
    }

private:
    void ensure_init() {
        if (init_done_) {
            if (!ctx_ready_) throw std::runtime_error("plugin init() failed earlier");
            return;
        }
        Result r = init();
        if (r.code != 0) throw std::runtime_error("plugin init() failed: " + r.error);
    }

    template <class F>
    Result capture(F&& f) {
        std::size_t out0 = out.size(), err0 = err.size();
        mosaic_status st;
        Result r;
        r.code = f(&st);
        r.out = out.substr(out0);
        r.err = err.substr(err0);
        r.error = st.message;
        if (st.result) r.json = nlohmann::json::parse(*st.result);
        return r;
    }

    static FakeHost& self(void* h) { return *static_cast<FakeHost*>(h); }
    static void give(mosaic_sink_fn sink, void* sink_ctx, const std::string& s) { sink(sink_ctx, s.data(), s.size()); }

    std::optional<std::string> next_answer(const std::string& question) {
        prompts.push_back(question);
        if (answers.empty()) return std::nullopt;
        std::string a = answers.front();
        answers.pop_front();
        return a;
    }
    static std::string headless_message(const char* question, const char* hint, bool offer_yes = false) {
        return host_side::headless_message(question ? question : "", hint ? hint : "", offer_yes);
    }

    static void s_write(void* h, int32_t stream, const char* data, size_t len) {
        (stream == MOSAIC_STDERR ? self(h).err : self(h).out).append(data, len);
    }
    static int32_t s_color_enabled(void* h, int32_t) { return self(h).color ? 1 : 0; }
    static int32_t s_is_interactive(void* h) { return self(h).interactive ? 1 : 0; }
    static int32_t s_prompt_line(void* h, const char* q, const char* def, const char* hint, mosaic_sink_fn sink,
                                 void* sc) {
        FakeHost& s = self(h);
        if (!s.interactive) {
            if (def) return give(sink, sc, def), 0;
            return give(sink, sc, headless_message(q, hint)), MOSAIC_EXIT_USAGE;
        }
        auto a = s.next_answer(q);
        if (!a) return give(sink, sc, "no scripted answer for '" + std::string(q) + "'"), MOSAIC_EXIT_INTERRUPTED;
        if (a->empty() && def) a = def;
        give(sink, sc, *a);
        return 0;
    }
    static int32_t s_prompt_secret(void* h, const char* q, const char* hint, mosaic_sink_fn sink, void* sc) {
        FakeHost& s = self(h);
        if (!s.interactive) return give(sink, sc, headless_message(q, hint)), MOSAIC_EXIT_USAGE;
        auto a = s.next_answer(q);
        if (!a) return give(sink, sc, "no scripted answer for '" + std::string(q) + "'"), MOSAIC_EXIT_INTERRUPTED;
        give(sink, sc, *a);
        return 0;
    }
    static int32_t s_confirm(void* h, const char* q, int32_t def, const char* hint, int32_t* answer,
                             mosaic_sink_fn sink, void* sc) {
        FakeHost& s = self(h);
        if (!s.interactive) {
            if (s.assume_yes) return *answer = 1, 0;
            return give(sink, sc, headless_message(q, hint, true)), MOSAIC_EXIT_USAGE;
        }
        auto a = s.next_answer(q);
        if (!a) return give(sink, sc, "no scripted answer for '" + std::string(q) + "'"), MOSAIC_EXIT_INTERRUPTED;
        *answer = a->empty() ? def : ((*a)[0] == 'y' || (*a)[0] == 'Y');
        return 0;
    }
    static int32_t s_select(void* h, const char* q, const char* const* options, uint32_t count, uint32_t def,
                            const char* hint, uint32_t* chosen, mosaic_sink_fn sink, void* sc) {
        FakeHost& s = self(h);
        (void)options;
        (void)hint;
        if (count == 0) return give(sink, sc, "nothing to choose from for '" + std::string(q) + "'"), MOSAIC_EXIT_USAGE;
        if (def >= count) def = 0;
        if (!s.interactive) return *chosen = def, 0;
        auto a = s.next_answer(q);
        if (!a) return give(sink, sc, "no scripted answer for '" + std::string(q) + "'"), MOSAIC_EXIT_INTERRUPTED;
        uint32_t idx = a->empty() ? def : static_cast<uint32_t>(std::stoul(*a));
        if (idx >= count) return give(sink, sc, "scripted choice out of range"), MOSAIC_EXIT_USAGE;
        *chosen = idx;
        return 0;
    }
    static void s_progress(void* h, const char* label, int32_t percent, int32_t done) {
        self(h).progress_events.push_back({label ? label : "", percent, done != 0});
    }
    static const char* s_path(void* h, int32_t kind) {
        if (kind < MOSAIC_PATH_HOME || kind > MOSAIC_PATH_EXECUTABLE) return nullptr;
        return self(h).path_cache_[kind].c_str();
    }
    // Like the real host: the directory of `kind`, created 0700 on first use.
    static const char* s_plugin_dir(void* h, int32_t kind, mosaic_sink_fn sink, void* sc) {
        FakeHost& s = self(h);
        const std::filesystem::path* dir = kind == MOSAIC_DIR_DATA     ? &s.data_dir
                                           : kind == MOSAIC_DIR_CONFIG ? &s.config_dir
                                           : kind == MOSAIC_DIR_CACHE  ? &s.cache_dir
                                                                       : nullptr;
        if (dir == nullptr) return give(sink, sc, "unknown directory kind " + std::to_string(kind)), nullptr;
        std::error_code ec;
        std::filesystem::create_directories(*dir, ec);
        if (!ec) std::filesystem::permissions(*dir, std::filesystem::perms::owner_all, ec);
        if (ec) return give(sink, sc, "cannot create '" + dir->string() + "': " + ec.message()), nullptr;
        s.env_cache_.push_back(std::make_unique<std::string>(dir->string()));
        return s.env_cache_.back()->c_str();
    }
    static const char* s_get_env(void* h, const char* name) {
        FakeHost& s = self(h);
        auto it = s.env.find(name);
        if (it == s.env.end()) return nullptr;
        // Keep every returned string alive until the host dies, as the ABI promises.
        s.env_cache_.push_back(std::make_unique<std::string>(it->second));
        return s.env_cache_.back()->c_str();
    }
    static void s_log(void* h, int32_t level, const char* message) {
        static const char* names[] = {"debug", "info", "warn", "error"};
        const char* n = (level >= 0 && level <= 3) ? names[level] : "log";
        self(h).logs.push_back(std::string(n) + ": " + message);
        if (level >= MOSAIC_LOG_WARN) self(h).err += std::string("mosaic: ") + (level == MOSAIC_LOG_WARN ? "warning: " : "error: ") + message + "\n";
    }
    static void s_set_error(mosaic_status* st, int32_t code, const char* message) {
        st->code = code;
        st->message = message ? message : "";
    }
    static void s_emit_result(mosaic_status* st, const char* json, size_t len) { st->result = std::string(json, len); }
    static int32_t s_call_service(void* h, const char* name, const char* json_in, mosaic_sink_fn sink, void* sc) {
        FakeHost& s = self(h);
        nlohmann::json input = (json_in && *json_in) ? nlohmann::json::parse(json_in) : nlohmann::json::object();
        s.service_calls.emplace_back(name, input);
        auto it = s.services.find(name);
        if (it == s.services.end()) {
            give(sink, sc, "service '" + std::string(name) + "' is not provided by any installed plugin");
            return MOSAIC_EXIT_REFUSED;
        }
        auto [code, reply] = it->second(input);
        give(sink, sc, reply);
        return code;
    }

    mosaic_host_v1 table_{};
    const mosaic_plugin_v1* plugin_ = nullptr;
    void* plugin_ctx_ = nullptr;
    bool init_done_ = false;
    bool ctx_ready_ = false;
    std::string path_cache_[4];
    std::vector<std::unique_ptr<std::string>> env_cache_;
};

}  // namespace mosaic::testing
