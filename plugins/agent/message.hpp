// message.hpp - what `mosaic agent send` types into a pane: the Mosaic preamble and the
// message, and the checks on both. Pure.
//
//     [<src_host>:<src_label> -> <dst_host>:<dst_session>] <message>
//     [box:operator -> box:coder-1 class=actionable] run the tests
//
// The source label is `operator` unless --source-label says otherwise; it is never taken
// from MOSAIC_AGENT_NAME, so nothing is sent in an agent's name that the sender did not
// choose.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mosaic::agent {

inline constexpr const char* default_source_label = "operator";

// terminal-log, actionable, human, reaction
const std::vector<std::string>& message_classes();
bool valid_message_class(const std::string& c);

struct Preamble {
    std::string src_host;
    std::string src_label = default_source_label;
    std::string dst_host;
    std::string dst_session;
    std::optional<std::string> message_class;
};

// "[h:operator -> h:coder-1]" or "[h:operator -> h:coder-1 class=human]"
std::string render_preamble(const Preamble& p);
// The preamble, a space, the message.
std::string compose_message(const Preamble& p, const std::string& message);

// Why `message` cannot be sent, or nullopt: empty, not UTF-8, or a control character other
// than newline and tab (an escape sequence would reach the runtime as keys).
std::optional<std::string> message_problem(const std::string& message);
// Why `label` cannot be a source label, or nullopt: 1 to 64 characters, none of them a space,
// a control character, ':', '[' or ']' (the preamble's own punctuation).
std::optional<std::string> source_label_problem(const std::string& label);

}  // namespace mosaic::agent
