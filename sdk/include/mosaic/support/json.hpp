// mosaic/support/json.hpp - the one way Mosaic parses JSON it did not write itself: files,
// request bodies, service input. Header-only, so sdk.hpp uses it too.
//
// nlohmann's parser is iterative, but much of what follows a parse is recursive (dump, copy,
// compare, Mosaic's own walks): 100,000 nested arrays in a 200 KB file exhaust the stack. A
// parse is therefore bounded in depth. Duplicate keys are refused as well: nlohmann keeps the
// last one silently, so a rewrite would drop the other without a word, and two readers of one
// body could disagree about which one counts.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mosaic::support {

struct JsonLimits {
    int max_depth = 256;         // containers nested inside each other, the outermost counting 1
    bool unique_keys = true;     // refuse an object holding the same key twice
};

// A document within nlohmann's grammar but outside the limits. what(): "nested deeper than
// 256 levels" or "duplicate key 'env.A'" (the key's path, arrays as [index]).
class JsonLimitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace detail {

// The parser callback's view of where it is: one frame per open container.
class JsonLimitTracker {
public:
    explicit JsonLimitTracker(JsonLimits limits) : limits_(limits) {}

    template <class Json>
    bool on_event(int depth, nlohmann::json::parse_event_t event, Json& parsed) {
        using E = nlohmann::json::parse_event_t;
        switch (event) {
            case E::object_start:
            case E::array_start:
                if (depth >= limits_.max_depth)
                    throw JsonLimitError("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
                frames_.push_back(Frame{event == E::object_start, {}, {}, 0});
                break;
            case E::key:
                if (limits_.unique_keys && !frames_.empty() && frames_.back().is_object) {
                    const auto& key = parsed.template get_ref<const typename Json::string_t&>();
                    frames_.back().current_key = key;
                    if (!frames_.back().keys.insert(key).second) throw JsonLimitError("duplicate key '" + path() + "'");
                }
                break;
            case E::object_end:
            case E::array_end:
                if (!frames_.empty()) frames_.pop_back();
                element_done();
                break;
            case E::value:
                element_done();
                break;
        }
        return true;
    }

private:
    struct Frame {
        bool is_object;
        std::set<std::string> keys;
        std::string current_key;
        std::size_t index;
    };
    void element_done() {
        if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    }
    std::string path() const {
        std::string out;
        for (const auto& f : frames_) {
            if (f.is_object) out += (out.empty() ? "" : ".") + f.current_key;
            else out += "[" + std::to_string(f.index) + "]";
        }
        return out;
    }

    JsonLimits limits_;
    std::vector<Frame> frames_;
};

}  // namespace detail

// Parses `text` within `limits`. Throws Json::parse_error (with its byte position) for text
// that is not JSON and JsonLimitError for JSON outside the limits.
template <class Json = nlohmann::json>
Json parse_json_limited(std::string_view text, JsonLimits limits = {}) {
    detail::JsonLimitTracker tracker(limits);
    typename Json::parser_callback_t callback = [&tracker](int depth, nlohmann::json::parse_event_t event,
                                                           Json& parsed) { return tracker.on_event(depth, event, parsed); };
    return Json::parse(text.begin(), text.end(), callback);
}

// For records where anything unusable means "none" (a lock owner, a heartbeat, an answer):
// the document within `limits`, or nullopt.
template <class Json = nlohmann::json>
std::optional<Json> try_parse_json(std::string_view text, JsonLimits limits = {}) {
    try {
        return parse_json_limited<Json>(text, limits);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace mosaic::support
