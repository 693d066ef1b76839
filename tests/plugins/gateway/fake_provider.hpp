// The fake model provider of the gateway's tests and benchmarks (fake-provider, built from
// fake_provider_main.cpp): it speaks the Anthropic Messages API and the OpenAI Chat
// Completions and Responses APIs closely enough for SDKs, in JSON and as server-sent events,
// and misbehaves on request. The documents it sends are defined here, so that a test can
// check that what came through the gateway is byte for byte what the fake sent.
//
// The model named in the request picks the behaviour:
//   anything else        a normal answer (streamed when "stream": true)
//   fake-slow            streamed events 300 ms apart
//   fake-rate-limited    429 with retry-after: 7 and the provider's error body
//   fake-overloaded      529 (Anthropic) / 503 (OpenAI) with the provider's error body
//   fake-drop            a stream that breaks off after two events (connection reset)
//   fake-hang            a stream that sends its head and then nothing, until the client goes
// A request without the provider's key (x-api-key for Anthropic, Authorization: Bearer for
// OpenAI) gets the provider's 401.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fake_provider {

// Usage the fake reports, per API.
inline constexpr int anthropic_input = 25, anthropic_output = 12, anthropic_cache_read = 3, anthropic_cache_creation = 4;
inline constexpr int chat_prompt = 20, chat_completion_tokens = 9, chat_cached = 5;
inline constexpr int responses_input = 30, responses_output = 8, responses_cached = 6;

inline std::string sse(const std::string& event, const nlohmann::json& data) {
    return (event.empty() ? "" : "event: " + event + "\n") + "data: " + data.dump() + "\n\n";
}

inline nlohmann::json anthropic_message(const std::string& model) {
    return {{"id", "msg_fake"},
            {"type", "message"},
            {"role", "assistant"},
            {"model", model},
            {"content", {{{"type", "text"}, {"text", "Hello from the fake provider."}}}},
            {"stop_reason", "end_turn"},
            {"stop_sequence", nullptr},
            {"usage",
             {{"input_tokens", anthropic_input},
              {"output_tokens", anthropic_output},
              {"cache_read_input_tokens", anthropic_cache_read},
              {"cache_creation_input_tokens", anthropic_cache_creation}}}};
}

// The events of a streamed Anthropic answer, each a complete "event: ...\ndata: ...\n\n".
inline std::vector<std::string> anthropic_events(const std::string& model) {
    nlohmann::json start = anthropic_message(model);
    start["content"] = nlohmann::json::array();
    start["stop_reason"] = nullptr;
    start["usage"]["output_tokens"] = 1;
    return {
        sse("message_start", {{"type", "message_start"}, {"message", start}}),
        sse("content_block_start",
            {{"type", "content_block_start"}, {"index", 0}, {"content_block", {{"type", "text"}, {"text", ""}}}}),
        sse("ping", {{"type", "ping"}}),
        sse("content_block_delta",
            {{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "text_delta"}, {"text", "Hello"}}}}),
        sse("content_block_delta",
            {{"type", "content_block_delta"},
             {"index", 0},
             {"delta", {{"type", "text_delta"}, {"text", " from the fake provider."}}}}),
        sse("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}),
        sse("message_delta",
            {{"type", "message_delta"},
             {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
             {"usage", {{"output_tokens", anthropic_output}}}}),
        sse("message_stop", {{"type", "message_stop"}}),
    };
}

inline nlohmann::json chat_usage() {
    return {{"prompt_tokens", chat_prompt},
            {"completion_tokens", chat_completion_tokens},
            {"total_tokens", chat_prompt + chat_completion_tokens},
            {"prompt_tokens_details", {{"cached_tokens", chat_cached}}}};
}

inline nlohmann::json chat_completion(const std::string& model) {
    return {{"id", "chatcmpl-fake"},
            {"object", "chat.completion"},
            {"created", 1700000000},
            {"model", model},
            {"choices",
             {{{"index", 0},
               {"message", {{"role", "assistant"}, {"content", "Hello from the fake provider."}}},
               {"finish_reason", "stop"}}}},
            {"usage", chat_usage()}};
}

// Streamed chat completion chunks ("data: ...\n\n"), the usage chunk when asked for, [DONE].
inline std::vector<std::string> chat_events(const std::string& model, bool include_usage) {
    auto chunk = [&](const nlohmann::json& delta, const nlohmann::json& finish) {
        return nlohmann::json{{"id", "chatcmpl-fake"},
                              {"object", "chat.completion.chunk"},
                              {"created", 1700000000},
                              {"model", model},
                              {"choices", {{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}}}};
    };
    std::vector<std::string> out{
        sse("", chunk({{"role", "assistant"}, {"content", ""}}, nullptr)),
        sse("", chunk({{"content", "Hello"}}, nullptr)),
        sse("", chunk({{"content", " from the fake provider."}}, nullptr)),
        sse("", chunk(nlohmann::json::object(), "stop")),
    };
    if (include_usage) {
        nlohmann::json last = chunk(nlohmann::json::object(), nullptr);
        last["choices"] = nlohmann::json::array();
        last["usage"] = chat_usage();
        out.push_back(sse("", last));
    }
    out.push_back("data: [DONE]\n\n");
    return out;
}

inline nlohmann::json response_object(const std::string& model, bool done) {
    nlohmann::json r{{"id", "resp_fake"}, {"object", "response"}, {"created_at", 1700000000}, {"model", model},
                     {"status", done ? "completed" : "in_progress"}};
    r["output"] = done ? nlohmann::json::array({{{"type", "message"},
                                                 {"id", "msg_fake"},
                                                 {"role", "assistant"},
                                                 {"content",
                                                  {{{"type", "output_text"},
                                                    {"text", "Hello from the fake provider."},
                                                    {"annotations", nlohmann::json::array()}}}}}})
                       : nlohmann::json::array();
    r["usage"] = done ? nlohmann::json{{"input_tokens", responses_input},
                                       {"output_tokens", responses_output},
                                       {"total_tokens", responses_input + responses_output},
                                       {"input_tokens_details", {{"cached_tokens", responses_cached}}}}
                      : nlohmann::json(nullptr);
    return r;
}

inline std::vector<std::string> response_events(const std::string& model) {
    return {
        sse("response.created", {{"type", "response.created"}, {"response", response_object(model, false)}}),
        sse("response.output_text.delta",
            {{"type", "response.output_text.delta"}, {"item_id", "msg_fake"}, {"output_index", 0},
             {"content_index", 0}, {"delta", "Hello"}}),
        sse("response.output_text.delta",
            {{"type", "response.output_text.delta"}, {"item_id", "msg_fake"}, {"output_index", 0},
             {"content_index", 0}, {"delta", " from the fake provider."}}),
        sse("response.completed", {{"type", "response.completed"}, {"response", response_object(model, true)}}),
    };
}

inline std::string joined(const std::vector<std::string>& events) {
    std::string out;
    for (const auto& e : events) out += e;
    return out;
}

}  // namespace fake_provider
