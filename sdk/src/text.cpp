#include <mosaic/support/text.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace mosaic::support {

std::size_t utf8_valid_prefix(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n;
        char32_t cp;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07;
        else return i;
        if (i + n >= s.size()) return i;
        for (std::size_t k = 1; k <= n; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        static constexpr char32_t min_for_len[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += n + 1;
    }
    return i;
}

bool is_valid_utf8(std::string_view s) { return utf8_valid_prefix(s) == s.size(); }

bool has_control_character(std::string_view s) {
    for (char ch : s)
        if (auto c = static_cast<unsigned char>(ch); c < 0x20 || c == 0x7F) return true;
    return false;
}

std::string escape_for_message(std::string_view s) {
    bool valid = is_valid_utf8(s);
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 0x20 && c != 0x7F) && (c < 0x80 || valid)) {
            out += ch;
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
    }
    return out;
}

namespace {
constexpr std::string_view white_space = " \t\n\v\f\r";
}  // namespace

std::string trim(std::string_view s) {
    auto first = s.find_first_not_of(white_space);
    if (first == std::string_view::npos) return {};
    return std::string(s.substr(first, s.find_last_not_of(white_space) - first + 1));
}

std::string trim_end(std::string_view s) {
    auto last = s.find_last_not_of(white_space);
    return last == std::string_view::npos ? std::string() : std::string(s.substr(0, last + 1));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Two rows and the one before them (for transpositions).
    std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        prev2 = prev;
        prev = cur;
    }
    return prev[b.size()];
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    if (word.empty()) return std::nullopt;
    std::optional<std::string> best;
    std::size_t best_distance = 0;
    const std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, word.size() / 3 + 1));
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        bool prefix = word.size() >= 2 && c.rfind(word, 0) == 0;
        if (d > limit && !prefix) continue;
        if (prefix) d = std::min(d, limit);
        if (!best || d < best_distance || (d == best_distance && c < *best)) best = c, best_distance = d;
    }
    return best;
}

}  // namespace mosaic::support
