#include "completion_query.hpp"

#include <string_view>

namespace mosaic::host {

namespace {

using manifest::Node;
using manifest::TreeOption;
using manifest::Value;
using manifest::ValueKind;

const TreeOption* find_option(const Node& n, std::string_view name) {
    for (const auto& o : n.options)
        for (const auto& candidate : o.names)
            if (candidate == name) return &o;
    return nullptr;
}

bool is_option_word(const std::string& w) { return w.size() > 1 && w[0] == '-'; }

bool is_global_with_value(const std::string& w) { return w == "--mosaic-home" || w == "--plugin-dir"; }

// The host takes its own options wherever they stand before a "--" (options.cpp), so the
// command never sees them: neither does the walk. The word under the cursor stays.
std::vector<std::string> without_global_options(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    bool ended = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        ended = ended || w == "--";
        bool last = i + 1 == words.size();
        if (!ended && !last && is_global_with_value(w)) {
            if (i + 2 < words.size()) ++i;  // its value too, unless the cursor is on it
            else out.push_back(w);
            continue;
        }
        bool global = w == "-y" || w == "--yes" || w == "--no-color" || w.rfind("--mosaic-home=", 0) == 0 ||
                      w.rfind("--plugin-dir=", 0) == 0;
        if (ended || last || !global) out.push_back(w);
    }
    return out;
}

// Where the words before the cursor leave us: the command node, how many arguments it has
// had, and an option still waiting for its value.
struct Walk {
    const Node* node;
    std::size_t positional = 0;
    const TreeOption* pending = nullptr;
    bool only_arguments = false;  // after "--"

    void step(const std::string& word) {
        if (pending) {
            if (word != "=") pending = nullptr;  // bash's "--tier", "=", "local"
            return;
        }
        if (!only_arguments && word == "--") {
            only_arguments = true;
            return;
        }
        if (!only_arguments && is_option_word(word)) {
            auto eq = word.find('=');
            const TreeOption* o = find_option(*node, std::string_view(word).substr(0, eq));
            if (o && o->value.kind != ValueKind::none && eq == std::string::npos) pending = o;
            return;
        }
        if (positional == 0)
            for (const auto& c : node->commands)
                if (c.name == word) {
                    node = &c;
                    return;
                }
        ++positional;
    }
};

CompletionAnswer value_answer(const Value& v, std::string prefix, std::string keep = {}) {
    CompletionAnswer a;
    a.prefix = std::move(prefix);
    a.keep = std::move(keep);
    switch (v.kind) {
        case ValueKind::file: a.mode = CompletionAnswer::Mode::file; break;
        case ValueKind::directory: a.mode = CompletionAnswer::Mode::directory; break;
        case ValueKind::choice:
            a.mode = CompletionAnswer::Mode::words;
            a.words = matching(v.choices, a.prefix, a.keep);
            break;
        case ValueKind::dynamic:
            a.mode = CompletionAnswer::Mode::words;
            a.ask = &v;
            break;
        default: break;  // none, text: nothing to offer
    }
    return a;
}

CompletionAnswer option_answer(const Node& node, const std::string& cur) {
    if (auto eq = cur.find('='); eq != std::string::npos) {  // zsh and fish keep "--tier=lo" whole
        const TreeOption* o = find_option(node, std::string_view(cur).substr(0, eq));
        if (o == nullptr || o->value.kind == ValueKind::none) return {};
        return value_answer(o->value, cur.substr(eq + 1), cur.substr(0, eq + 1));
    }
    std::vector<std::string> names;
    for (const auto& o : node.options) names.insert(names.end(), o.names.begin(), o.names.end());
    names.insert(names.end(), {"-h", "--help"});
    CompletionAnswer a;
    a.mode = CompletionAnswer::Mode::words;
    a.prefix = cur;
    a.words = matching(names, cur, "");
    return a;
}

}  // namespace

std::vector<std::string> matching(const std::vector<std::string>& candidates, const std::string& prefix,
                                  const std::string& keep) {
    std::vector<std::string> out;
    for (const auto& c : candidates)
        if (c.rfind(prefix, 0) == 0) out.push_back(keep + c);
    return out;
}

CompletionAnswer complete_in_tree(const Node& root, const std::vector<std::string>& all_words) {
    std::vector<std::string> words = without_global_options(all_words);
    if (words.empty()) return {};
    if (words.size() > 1 && is_global_with_value(words[words.size() - 2])) {
        CompletionAnswer a;
        a.mode = CompletionAnswer::Mode::directory;
        return a;
    }
    Walk w{&root};
    for (std::size_t i = 0; i + 1 < words.size(); ++i) w.step(words[i]);
    const std::string& cur = words.back();
    if (w.pending) return value_answer(w.pending->value, cur == "=" ? std::string() : cur);
    if (!w.only_arguments && !cur.empty() && cur[0] == '-') return option_answer(*w.node, cur);
    if (w.positional == 0 && !w.node->commands.empty()) {
        std::vector<std::string> names;
        for (const auto& c : w.node->commands) names.push_back(c.name);
        CompletionAnswer a;
        a.mode = CompletionAnswer::Mode::words;
        a.prefix = cur;
        a.words = matching(names, cur, "");
        return a;
    }
    const auto& args = w.node->args;
    if (w.positional < args.size()) return value_answer(args[w.positional].value, cur);
    if (!args.empty() && args.back().many) return value_answer(args.back().value, cur);
    return {};
}

const char* mode_name(CompletionAnswer::Mode m) {
    switch (m) {
        case CompletionAnswer::Mode::words: return "words";
        case CompletionAnswer::Mode::file: return "file";
        case CompletionAnswer::Mode::directory: return "directory";
        default: return "none";
    }
}

}  // namespace mosaic::host
