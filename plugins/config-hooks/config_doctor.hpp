// config_doctor - the health of what config-hooks owns, for `mosaic doctor` (the
// config-hooks.doctor service): mosaic.config.json parses; hooks-config.json parses and is
// Mosaic's; each enabled Mosaic hook has its script, executable; settings.json parses and
// mirrors the enabled hooks. Reads files only.
#pragma once

#include <vector>

#include <mosaic/doctor.hpp>

#include "hooks_store.hpp"

namespace mosaic::config_hooks {

std::vector<doctor::Check> check_config_hooks(const HookPaths& paths);

}  // namespace mosaic::config_hooks
