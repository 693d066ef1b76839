// mosaic/tone.hpp - the few colours mosaic uses, by meaning rather than by hue, so the host
// and every plugin colour the same things the same way. Whether colour may be used at all
// is the host's decision (Context::color, plugin_abi.h color_enabled): on a terminal only,
// never with NO_COLOR, --no-color or TERM=dumb.
#pragma once

#include <string>
#include <string_view>

namespace mosaic {

enum class Tone {
    plain,   // no colour
    ok,      // green: ok, running, healthy, enabled, active
    warn,    // yellow: degraded, stale, disabled by the user
    bad,     // red: FAIL, not running, failed, error
    strong,  // bold: table headers, headings
    dim,     // faint: secondary detail
};

// `text` between the ANSI SGR sequence of `tone` and a reset; `text` itself for plain.
inline std::string paint(std::string_view text, Tone tone) {
    const char* sgr = nullptr;
    switch (tone) {
        case Tone::plain: return std::string(text);
        case Tone::ok: sgr = "\033[32m"; break;
        case Tone::warn: sgr = "\033[33m"; break;
        case Tone::bad: sgr = "\033[31m"; break;
        case Tone::strong: sgr = "\033[1m"; break;
        case Tone::dim: sgr = "\033[2m"; break;
    }
    return sgr + std::string(text) + "\033[0m";
}

}  // namespace mosaic
