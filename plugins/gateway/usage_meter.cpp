#include "usage_meter.hpp"

#include <nlohmann/json.hpp>

namespace mosaic::gateway {

using nlohmann::json;

namespace {

// Bounds what is kept to read usage from: a JSON answer larger than this is passed through
// but not metered beyond counting the request; an SSE event, likewise.
constexpr std::size_t max_kept = 16 * 1024 * 1024;

std::int64_t count(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

const json* object(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? &*it : nullptr;
}

void take_model(Usage& u, const json& j) {
    auto it = j.find("model");
    if (it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) u.model = *it;
}

// Anthropic's usage object (a whole message's, or message_start's).
void anthropic_usage(Usage& u, const json& usage) {
    u.reported = true;
    if (usage.contains("input_tokens")) u.input_tokens = count(usage, "input_tokens");
    if (usage.contains("output_tokens")) u.output_tokens = count(usage, "output_tokens");
    if (usage.contains("cache_read_input_tokens")) u.cache_read_tokens = count(usage, "cache_read_input_tokens");
    if (usage.contains("cache_creation_input_tokens"))
        u.cache_creation_tokens = count(usage, "cache_creation_input_tokens");
}

// OpenAI's usage: chat completions name them prompt/completion, responses input/output.
void openai_usage(Usage& u, const json& usage) {
    u.reported = true;
    if (usage.contains("prompt_tokens") || usage.contains("completion_tokens")) {
        u.input_tokens = count(usage, "prompt_tokens");
        u.output_tokens = count(usage, "completion_tokens");
        if (const json* d = object(usage, "prompt_tokens_details")) u.cache_read_tokens = count(*d, "cached_tokens");
    } else {
        u.input_tokens = count(usage, "input_tokens");
        u.output_tokens = count(usage, "output_tokens");
        if (const json* d = object(usage, "input_tokens_details")) u.cache_read_tokens = count(*d, "cached_tokens");
    }
}

}  // namespace

UsageMeter::UsageMeter(ProviderKind provider, bool event_stream) : provider_(provider), stream_(event_stream) {}

void UsageMeter::feed(std::string_view bytes) {
    if (!stream_) {
        if (pending_.size() + bytes.size() > max_kept) overflow_ = true;
        if (!overflow_) pending_.append(bytes);
        return;
    }
    // Server-sent events: lines; an empty line ends an event; its data lines are joined.
    for (char c : bytes) {
        if (c == '\r') continue;
        if (c != '\n') {
            if (pending_.size() < max_kept) pending_ += c;
            continue;
        }
        if (!pending_.empty() && pending_.back() != '\n') {
            pending_ += '\n';  // end of a line within the event
            continue;
        }
        // A blank line: the event is complete.
        std::string data;
        std::size_t start = 0;
        while (start < pending_.size()) {
            std::size_t end = pending_.find('\n', start);
            std::string_view line(pending_.data() + start, (end == std::string::npos ? pending_.size() : end) - start);
            if (line.rfind("data:", 0) == 0) {
                line.remove_prefix(5);
                if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
                if (!data.empty()) data += '\n';
                data.append(line);
            }
            if (end == std::string::npos) break;
            start = end + 1;
        }
        pending_.clear();
        if (!data.empty()) event(data);
    }
}

void UsageMeter::event(std::string_view data) {
    if (data == "[DONE]") return;
    json j = json::parse(data, nullptr, false);
    if (!j.is_object()) return;
    auto type_it = j.find("type");
    std::string type = type_it != j.end() && type_it->is_string() ? type_it->get<std::string>() : "";
    if (provider_ == ProviderKind::anthropic) {
        if (type == "message_start") {
            if (const json* m = object(j, "message")) {
                take_model(usage_, *m);
                if (const json* u = object(*m, "usage")) anthropic_usage(usage_, *u);
            }
        } else if (type == "message_delta") {
            if (const json* u = object(j, "usage")) anthropic_usage(usage_, *u);
        }
        return;
    }
    if (type == "response.completed") {  // the responses API
        if (const json* r = object(j, "response")) {
            take_model(usage_, *r);
            if (const json* u = object(*r, "usage")) openai_usage(usage_, *u);
        }
        return;
    }
    if (usage_.model.empty()) take_model(usage_, j);  // chat completion chunks name the model
    if (const json* u = object(j, "usage")) openai_usage(usage_, *u);
}

void UsageMeter::json_document(std::string_view text) {
    json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return;
    take_model(usage_, j);
    if (const json* u = object(j, "usage")) {
        if (provider_ == ProviderKind::anthropic) anthropic_usage(usage_, *u);
        else openai_usage(usage_, *u);
    }
}

Usage UsageMeter::finish() {
    if (!stream_ && !overflow_) json_document(pending_);
    else if (stream_ && !pending_.empty()) feed("\n\n");  // an event the stream did not close
    pending_.clear();
    return usage_;
}

}  // namespace mosaic::gateway
