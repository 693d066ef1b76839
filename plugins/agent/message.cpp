#include "message.hpp"

#include <algorithm>

#include <mosaic/support/text.hpp>

namespace mosaic::agent {

const std::vector<std::string>& message_classes() {
    static const std::vector<std::string> classes{"terminal-log", "actionable", "human", "reaction"};
    return classes;
}

bool valid_message_class(const std::string& c) {
    const auto& all = message_classes();
    return std::find(all.begin(), all.end(), c) != all.end();
}

std::string render_preamble(const Preamble& p) {
    std::string out = "[" + p.src_host + ":" + p.src_label + " -> " + p.dst_host + ":" + p.dst_session;
    if (p.message_class) out += " class=" + *p.message_class;
    return out + "]";
}

std::string compose_message(const Preamble& p, const std::string& message) {
    return render_preamble(p) + " " + message;
}

std::optional<std::string> message_problem(const std::string& message) {
    if (message.empty()) return "the message is empty";
    if (!support::is_valid_utf8(message)) return "the message is not UTF-8 text";
    for (unsigned char c : message)
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return "the message holds a control character other than newline and tab";
    return std::nullopt;
}

std::optional<std::string> source_label_problem(const std::string& label) {
    if (label.empty() || label.size() > 64) return "a source label has 1 to 64 characters";
    if (!support::is_valid_utf8(label)) return "a source label is UTF-8 text";
    for (unsigned char c : label)
        if (c <= 0x20 || c == 0x7f || c == ':' || c == '[' || c == ']')
            return "a source label has no spaces, control characters, ':', '[' or ']'";
    return std::nullopt;
}

}  // namespace mosaic::agent
