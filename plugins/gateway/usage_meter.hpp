// usage_meter.hpp - what a model call cost, read from the provider's answer as it passes
// through the gateway (pure: bytes in, counts out).
//
// Anthropic: the JSON body's `usage` and `model`; in a stream, `message_start` (model, input
// and cache tokens) and `message_delta` (output tokens so far; the last one wins).
// OpenAI: chat completions' `usage` (prompt, completion, cached prompt tokens), in a stream
// the chunk that carries it (when the client asked for it with stream_options.include_usage);
// responses' `usage` (input, output, cached input tokens), in a stream the
// `response.completed` event. Counts are the provider's own; nothing is estimated: an answer
// without usage counts as a request with zero tokens.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mosaic::gateway {

enum class ProviderKind { anthropic, openai };

struct Usage {
    std::string model;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cache_read_tokens = 0;
    std::int64_t cache_creation_tokens = 0;
    bool reported = false;  // the answer carried usage
    std::int64_t total() const { return input_tokens + output_tokens + cache_read_tokens + cache_creation_tokens; }
};

class UsageMeter {
public:
    // `event_stream`: the answer is text/event-stream (else a JSON body).
    UsageMeter(ProviderKind provider, bool event_stream);

    // The answer's body bytes, in order, as they are forwarded.
    void feed(std::string_view bytes);
    // After the last byte.
    Usage finish();

private:
    void event(std::string_view data);
    void json_document(std::string_view text);

    ProviderKind provider_;
    bool stream_;
    bool overflow_ = false;
    std::string pending_;  // JSON body so far, or the current unfinished SSE event
    Usage usage_;
};

}  // namespace mosaic::gateway
