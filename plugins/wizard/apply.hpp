// Apply, in the order of docs/behaviour.md ("wizard"): configuration (mosaic.config.json
// through config.set, the key to credentials.json), hooks (install, or remove when declined),
// then the gateway (configure; a new provider key for an installed gateway through
// gateway.set, which keeps its admin token; start, bootstrap the admin, confirm health). Only services are used; a stage
// whose plugin is not installed is skipped with one warning naming the package.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <mosaic/sdk.hpp>

#include "answers.hpp"
#include "existing.hpp"
#include "section.hpp"
#include "settings.hpp"

namespace mosaic::wizard {

struct ApplyReport {
    std::set<Stage> completed;                 // stages that ran to the end
    std::vector<std::string> missing_packages;  // packages whose stage was skipped

    bool config_changed = false;
    bool credentials_written = false;
    std::vector<std::string> contract_files;    // starter contract files created (contract_files.hpp)

    bool hooks_ran = false;
    std::vector<std::string> hooks_installed;   // ids from hooks.install
    bool hooks_removed = false;                 // declined: hooks.uninstall ran
    std::optional<std::string> hooks_backup;

    bool gateway_ran = false;
    GatewayStatus gateway;                      // gateway.status after bootstrap
    bool gateway_reconfigured = false;
    bool gateway_restarted_for_key = false;     // gateway.set restarted it with the new key
    bool admin_created = false;
    std::optional<std::string> admin_token;     // shown once, only when just created
};

struct ApplyOptions {
    std::set<Stage> stages = all_stages();
    bool interactive = false;  // may ask before replacing a user-owned hooks file
};

// Throws mosaic::Error naming the failed stage; a gateway failure exits 1 (2 or 3 when the
// gateway refused the input or its state).
ApplyReport apply(const Context& ctx, Settings& settings, const Answers& answers, const Existing& existing,
                  const ApplyOptions& options);

}  // namespace mosaic::wizard
