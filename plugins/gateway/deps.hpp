// deps.hpp - everything gateway domain code touches outside itself, injected: the
// environment and paths the host resolved, the terminal (through the host), a command runner
// (systemctl), process control, an HTTP client, a clock and a sleeper. plugin.cpp builds the
// real ones; tests build fakes.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <mosaic/sdk.hpp>
#include <mosaic/support/clock.hpp>
#include <mosaic/support/process.hpp>

#include "http.hpp"
#include "process_control.hpp"
#include "settings.hpp"
#include "storage.hpp"

namespace mosaic::gateway {

// The terminal, as domain code may use it: questions go through the host (never printed
// here), progress is reported, nothing else is written.
class Ui {
public:
    virtual ~Ui() = default;
    virtual bool interactive() const = 0;
    virtual std::string ask(const std::string& question, const std::optional<std::string>& def,
                            const std::string& headless_hint) = 0;
    virtual std::string ask_secret(const std::string& question, const std::string& headless_hint) = 0;
    virtual std::size_t choose(const std::string& question, const std::vector<std::string>& options,
                               std::size_t def, const std::string& headless_hint) = 0;
    virtual void progress(const std::string& label, bool done) = 0;
    virtual void warn(const std::string& message) = 0;
};

// Asks through `attempt` (which prompts and validates, throwing mosaic::Error(exit_usage) for
// a bad answer) until an answer is valid: the problem is shown and the question asked again,
// three times at most, then the last error stands.
template <class F>
auto ask_until_valid(Ui& ui, F&& attempt) {
    for (int tries = 1;; ++tries) {
        try {
            return attempt();
        } catch (const Error& e) {
            if (e.code() != exit_usage || tries >= 3) throw;
            ui.warn(e.what());
        }
    }
}

// Ui over the host's Context (also what tests use with FakeHost).
class ContextUi final : public Ui {
public:
    explicit ContextUi(const Context& ctx) : ctx_(ctx) {}
    bool interactive() const override { return ctx_.interactive(); }
    std::string ask(const std::string& q, const std::optional<std::string>& def, const std::string& hint) override {
        return ctx_.prompt_line(q, def, hint);
    }
    std::string ask_secret(const std::string& q, const std::string& hint) override { return ctx_.prompt_secret(q, hint); }
    std::size_t choose(const std::string& q, const std::vector<std::string>& options, std::size_t def,
                       const std::string& hint) override {
        return ctx_.select(q, options, def, hint);
    }
    void progress(const std::string& label, bool done) override { ctx_.progress(label, -1, done); }
    void warn(const std::string& message) override { ctx_.warn(message); }

private:
    const Context& ctx_;
};

struct GatewayDeps {
    EnvLookup env;                          // the host's view of the environment
    std::filesystem::path home;             // mosaic home
    std::filesystem::path executable;       // the `mosaic` binary, to launch `gateway run`
    Ui& ui;
    support::CommandRunner& runner;         // systemctl
    ProcessControl& processes;
    HttpClient& http;
    support::Clock& clock;
    support::Sleeper& sleeper;
    std::chrono::milliseconds health_timeout{30000};  // MOSAIC_GATEWAY_HEALTH_TIMEOUT (seconds) overrides
    std::chrono::milliseconds stop_timeout{10000};
    // The team tier's backends as this machine reaches them (install checks them before
    // writing anything; doctor reports them). Default: probe_team_backends (real servers).
    std::function<std::vector<BackendHealth>(const GatewaySettings&)> probe_backends;
};

// Connects to settings.database_url and settings.valkey_url (each bounded by `timeout`) and
// asks each one trivial thing: one BackendHealth per backend, never throws.
std::vector<BackendHealth> probe_team_backends(const GatewaySettings& settings,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(3));
// deps.probe_backends, or the real probe when unset.
std::vector<BackendHealth> probe_backends(GatewayDeps& deps, const GatewaySettings& settings);

}  // namespace mosaic::gateway
