// The gateway's Deps factory: the real effects (or a test's), the terminal through the host.
#include "commands.hpp"

#include <charconv>

namespace mosaic::gateway {

namespace {

// What a Deps refers to, kept alive with it.
struct Owned {
    explicit Owned(const Context& ctx) : ui(ctx) {}
    ContextUi ui;
    std::unique_ptr<RealSeams> real;
    std::optional<GatewayDeps> gw;
};

std::chrono::milliseconds health_timeout(const std::optional<std::string>& text, std::chrono::milliseconds fallback) {
    if (!text) return fallback;
    long long s = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), s);
    if (ec != std::errc() || p != text->data() + text->size() || s < 1 || s > 3600)
        throw Error(exit_usage, "invalid MOSAIC_GATEWAY_HEALTH_TIMEOUT '" + *text + "': expected seconds, 1..3600");
    return std::chrono::seconds(s);
}

}  // namespace

std::unique_ptr<Deps> make_deps(const Context& ctx) {
    auto owned = std::make_shared<Owned>(ctx);
    const auto& installed = UseSeams::installed();
    if (!installed) owned->real = std::make_unique<RealSeams>();
    Seams s = installed ? *installed : owned->real->seams();
    owned->gw.emplace(GatewayDeps{[&ctx](const std::string& n) { return ctx.env(n); }, ctx.home(), ctx.executable(),
                                  owned->ui, s.runner, s.processes, s.http, s.clock, s.sleeper});
    owned->gw->health_timeout = health_timeout(ctx.env("MOSAIC_GATEWAY_HEALTH_TIMEOUT"), owned->gw->health_timeout);
    GatewayDeps& gw = *owned->gw;
    return std::unique_ptr<Deps>(new Deps{ctx, gw, GatewayPaths(ctx.home()), owned});
}

GatewaySettings installed_settings(const GatewayPaths& paths) {
    refuse_unless_complete(paths, detect_state(paths));
    return load_saved_settings(paths);
}

std::string token_banner(const std::string& token, const GatewayPaths& paths) {
    const std::string rule(64, '=');
    return "\n" + rule + "\n  Admin token (shown once, save it now):\n\n    " + token + "\n\n  A copy is kept in '" +
           paths.meta_file.string() + "' (readable by you only).\n" + rule + "\n\n";
}

}  // namespace mosaic::gateway
