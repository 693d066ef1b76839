// completion_query.hpp - what to offer for the word under the cursor of a plugin command,
// from its manifest's command tree alone (docs/plugin-manifest.md, "Command tree"). Pure:
// a `dynamic` value is returned as the service to ask, and completion.cpp asks it.
#pragma once

#include <string>
#include <vector>

#include "manifest.hpp"

namespace mosaic::host {

struct CompletionAnswer {
    enum class Mode { words, file, directory, none };
    Mode mode = Mode::none;
    std::vector<std::string> words;  // words: every candidate, already matching `prefix`
    std::string prefix;              // what the candidates must start with
    std::string keep;                // put before each candidate ("--tier=" of "--tier=lo")
    const manifest::Value* ask = nullptr;  // a dynamic value: ask its service, then filter
};

// `words`: the words after the top-level command, the last being the one under the cursor
// (possibly empty). bash splits "--tier=lo" into "--tier", "=", "lo"; both forms work. The
// host's own options among them (--mosaic-home DIR, --plugin-dir DIR, -y, --no-color before
// any "--") are left out, as the host leaves them out of the command's words.
CompletionAnswer complete_in_tree(const manifest::Node& root, const std::vector<std::string>& words);

// Keeps the candidates that start with `prefix`, prefixed with `keep`.
std::vector<std::string> matching(const std::vector<std::string>& candidates, const std::string& prefix,
                                  const std::string& keep);

const char* mode_name(CompletionAnswer::Mode m);

}  // namespace mosaic::host
