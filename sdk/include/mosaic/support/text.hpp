// text.hpp - quoting untrusted text (arguments, request paths) in messages.
#pragma once

#include <string>
#include <string_view>

namespace mosaic::support {

bool is_valid_utf8(std::string_view s);

// `s` for an error message: control bytes, and every non-ASCII byte when `s` is not valid
// UTF-8, shown as \xNN. The result is always valid UTF-8 (safe to put in JSON).
std::string escape_for_message(std::string_view s);

}  // namespace mosaic::support
