// Fuzz target: what the fleet restart lock reads from disk (plugins/fleet/restart_lock.hpp):
// parse_lock_owner (the JSON line in <home>/fleet/run/restart.lock, which may be debris from
// a crash) and parse_proc_stat_start_time (a /proc/<pid>/stat line).
//
// Checks: neither throws nor crashes on any text (both are documented to answer std::nullopt
// for anything malformed: a corrupt lock must be broken, not fatal); an accepted owner has a
// token and a positive pid and survives render_lock_owner -> parse_lock_owner unchanged.
#include <string>

#include "fuzz_support.hpp"
#include "restart_lock.hpp"

using namespace mosaic::fleet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = mosaic::fuzz::as_string(data, size);

    if (auto owner = parse_lock_owner(text)) {
        FUZZ_CHECK(!owner->token.empty() && owner->pid > 0, "owner without token or pid accepted");
        auto again = parse_lock_owner(render_lock_owner(*owner));
        FUZZ_CHECK(again.has_value(), "a rendered owner does not parse: " + render_lock_owner(*owner));
        FUZZ_CHECK(again->token == owner->token && again->pid == owner->pid && again->host == owner->host &&
                       again->boot_id == owner->boot_id && again->start_time == owner->start_time &&
                       again->acquired_ms == owner->acquired_ms,
                   "render/parse round trip changed the owner");
    }

    (void)parse_proc_stat_start_time(text);
    return 0;
}
