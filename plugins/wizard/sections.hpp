// The interactive sections. Every question goes through the host's terminal services
// (ctx.prompt_line / prompt_secret / confirm / select); each section refines `answers` and
// writes nothing: apply does.
#pragma once

#include <mosaic/sdk.hpp>

#include "answers.hpp"
#include "existing.hpp"
#include "section.hpp"

namespace mosaic::wizard {

// Asks for a provider API key (masked) until one is recognised or the user explicitly skips.
void ask_provider_key(const Context& ctx, Answers& answers);
// Asks for the admin email and password (masked, asked twice, at least 8 characters),
// again on a mismatch or a short password.
void ask_admin(const Context& ctx, Answers& answers);

// Provider key (unless one is stored or it was skipped), admin email and password (unless
// an admin exists); defaults for everything else.
void run_quick_start(const Context& ctx, Answers& answers, const Existing& existing);
void run_providers(const Context& ctx, Answers& answers, const Existing& existing);
void run_identity(const Context& ctx, Answers& answers);
void run_hooks(const Context& ctx, Answers& answers, const Existing& existing);
void run_gateway(const Context& ctx, Answers& answers, const Existing& existing);

void run_section(const Context& ctx, Section section, Answers& answers, const Existing& existing);

}  // namespace mosaic::wizard
