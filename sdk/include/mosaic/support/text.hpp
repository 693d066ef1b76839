// text.hpp - quoting untrusted text (arguments, request paths) in messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mosaic::support {

bool is_valid_utf8(std::string_view s);

// The length of the longest prefix of `s` that is well-formed UTF-8 (no overlong forms,
// surrogates or code points past U+10FFFF): the offset of the first bad byte, or s.size().
std::size_t utf8_valid_prefix(std::string_view s);

// Whether `s` holds a C0 control byte (tab and newline included) or DEL.
bool has_control_character(std::string_view s);

// `s` for an error message: control bytes, and every non-ASCII byte when `s` is not valid
// UTF-8, shown as \xNN. The result is always valid UTF-8 (safe to put in JSON).
std::string escape_for_message(std::string_view s);

}  // namespace mosaic::support
