// bootstrap.hpp - step 5 of install: create the first admin through the running gateway and
// keep its one-time admin token in meta.json (0600).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "deps.hpp"
#include "install_state.hpp"
#include "settings.hpp"

namespace mosaic::gateway {

struct AdminInput {
    std::optional<Sourced> name, email, password;
    bool complete() const { return name && email && password; }
    bool any() const { return name || email || password; }
};

struct AdminCredentials {
    std::string name, email, password;
};

// MOSAIC_ADMIN_NAME / _EMAIL / _PASSWORD.
AdminInput admin_from_env(const EnvLookup& env);
// Validates a complete input; when some are missing, throws mosaic::Error(exit_usage)
// naming every missing variable (headless, docs/behaviour.md "gateway"). Never quotes the password.
AdminCredentials require_admin(const AdminInput& in);
// Interactive: asks for what `in` lacks (name, email, password masked and confirmed),
// validating each answer and asking again (three tries).
AdminCredentials ask_admin(Ui& ui, const AdminInput& in);

struct BootstrapOutcome {
    bool bootstrapped = false;         // this call created the admin
    bool admin_exists = false;
    std::optional<std::string> token;  // only when just created: show once
    bool token_on_file = false;
};

// GET /api/bootstrap/status, which must prove it comes from this install's daemon
// (health.hpp); when setup is needed, `credentials()` is called, the one-time setup token
// written (setup_token.hpp) and POST /api/bootstrap/setup made with it; the admin token is
// stored in meta.json. An existing admin is success with bootstrapped = false, and so is a
// 409 to our setup when the given credentials sign in (the admin is this install's, created
// by an earlier run killed after its request). Throws mosaic::Error(exit_failed) when
// something else answers, when the gateway does not answer as expected, refuses the setup
// token, or answers 409 for an admin this install did not create; (exit_usage) when it
// rejects the admin.
BootstrapOutcome bootstrap_admin(HttpClient& http, const GatewayPaths& paths, const std::string& url,
                                 const std::function<AdminCredentials()>& credentials);

// needsSetup as this install's daemon at `url` says (proven with `proof_key`), or nullopt
// when it does not answer or cannot prove it is ours.
std::optional<bool> needs_setup(HttpClient& http, const std::string& url, const std::string& proof_key);

}  // namespace mosaic::gateway
