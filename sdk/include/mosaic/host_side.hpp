// mosaic/host_side.hpp - what every implementation of the host side of the ABI shares, so
// that the `mosaic` executable and the in-process FakeHost (mosaic/testing/fake_host.hpp)
// cannot drift apart: the per-call status slot and the wording of a prompt that cannot be
// shown. Plugins never include this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

// The per-call status slot of the ABI (plugin_abi.h declares it opaque to plugins).
struct mosaic_status {
    int32_t code = 0;
    std::string message;
    std::optional<std::string> result;
};

namespace mosaic::host_side {

// A hint naming an environment variable ("MOSAIC_ADMIN_EMAIL") reads "set ...", one naming
// a flag ("--email", "--yes") reads "pass ...".
inline bool hint_is_variable(const std::string& hint) { return !hint.empty() && hint[0] != '-'; }

// "cannot ask 'Admin email' without a terminal; set MOSAIC_ADMIN_EMAIL", and for a
// confirmation (offer_yes) "... or pass --yes".
inline std::string headless_message(const std::string& question, const std::string& hint, bool offer_yes) {
    std::string how = hint.empty() ? "" : (hint_is_variable(hint) ? "; set " : "; pass ") + hint;
    return "cannot ask '" + question + "' without a terminal" + how + (offer_yes ? " or pass --yes" : "");
}

}  // namespace mosaic::host_side
