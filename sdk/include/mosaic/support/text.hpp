// text.hpp - small text helpers every part of mosaic needs once: quoting untrusted text
// (arguments, request paths) in messages, trimming, and "did you mean" suggestions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// `s` without leading and trailing ASCII white space (space, \t, \n, \v, \f, \r).
std::string trim(std::string_view s);
// `s` without trailing ASCII white space: a child's output or an error text ending in "\n".
std::string trim_end(std::string_view s);

// Levenshtein distance with adjacent transpositions (optimal string alignment).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is plausibly a typo of it (a few edits, or a
// prefix of at least two characters); ties go to the alphabetically first. Used for
// "unknown command 'x'; did you mean 'y'?" by the host and by every plugin's dispatcher.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace mosaic::support
