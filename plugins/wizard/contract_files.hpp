// contract_files.hpp - the starter contract the wizard leaves in the mosaic home: AGENTS.md,
// SOUL.md, USER.md and TOOLS.md (what `mosaic compose-contract` reads, fleet's contract.hpp),
// written from the agent identity only where no such file exists. A user's file is never
// replaced, not even one the wizard wrote earlier; their additions belong in the *.local.md
// overlays, which the wizard never writes.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "answers.hpp"

namespace mosaic::wizard {

// The four files and their starter text for `answers` (name, intent, admin name). Pure.
std::vector<std::pair<std::string, std::string>> starter_contract_files(const Answers& answers);

// Creates each starter file of `home` that does not exist (0644; a temporary file linked into
// place, so that a file appearing meanwhile is kept and none is left half written). Returns
// the names it created.
std::vector<std::string> write_starter_contract_files(const std::filesystem::path& home, const Answers& answers);

}  // namespace mosaic::wizard
