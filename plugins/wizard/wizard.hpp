// The whole `mosaic wizard` run: detect, ask (interactive) or take the environment
// (headless), apply, summarise.
#pragma once

#include <optional>

#include <mosaic/sdk.hpp>

#include "section.hpp"

namespace mosaic::wizard {

struct WizardOptions {
    std::optional<Section> section;  // --section: only this section (and its stages)
    bool yes = false;                // -y/--yes: headless even on a terminal
};

// Returns the exit status; failures are thrown as mosaic::Error (codes: docs/architecture.md, "Exit statuses").
int run_wizard(const Context& ctx, const WizardOptions& options);

}  // namespace mosaic::wizard
