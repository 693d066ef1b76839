// Usage read from providers' answers (usage_meter.hpp), fed in arbitrary pieces.
#include <gtest/gtest.h>

#include "fake_provider.hpp"
#include "usage_meter.hpp"

using namespace mosaic::gateway;

namespace {
Usage meter(ProviderKind kind, bool stream, const std::string& body, std::size_t piece) {
    UsageMeter m(kind, stream);
    for (std::size_t i = 0; i < body.size(); i += piece) m.feed(std::string_view(body).substr(i, piece));
    return m.finish();
}
}  // namespace

TEST(UsageMeter, ReadsAnthropicJsonAndStreamsInAnyPieces) {
    for (std::size_t piece : {1u, 7u, 4096u}) {
        auto j = meter(ProviderKind::anthropic, false, fake_provider::anthropic_message("m1").dump(), piece);
        EXPECT_TRUE(j.reported);
        EXPECT_EQ(j.model, "m1");
        EXPECT_EQ(j.input_tokens, fake_provider::anthropic_input);
        EXPECT_EQ(j.output_tokens, fake_provider::anthropic_output);
        EXPECT_EQ(j.cache_read_tokens, fake_provider::anthropic_cache_read);
        EXPECT_EQ(j.cache_creation_tokens, fake_provider::anthropic_cache_creation);
        auto s = meter(ProviderKind::anthropic, true, fake_provider::joined(fake_provider::anthropic_events("m2")), piece);
        EXPECT_EQ(s.model, "m2");
        EXPECT_EQ(s.input_tokens, fake_provider::anthropic_input);
        EXPECT_EQ(s.output_tokens, fake_provider::anthropic_output);  // message_delta's, not message_start's 1
        EXPECT_EQ(s.cache_creation_tokens, fake_provider::anthropic_cache_creation);
    }
}

TEST(UsageMeter, ReadsOpenAiChatAndResponsesUsage) {
    auto chat = meter(ProviderKind::openai, true, fake_provider::joined(fake_provider::chat_events("g", true)), 5);
    EXPECT_EQ(chat.model, "g");
    EXPECT_EQ(chat.input_tokens, fake_provider::chat_prompt);
    EXPECT_EQ(chat.output_tokens, fake_provider::chat_completion_tokens);
    EXPECT_EQ(chat.cache_read_tokens, fake_provider::chat_cached);
    auto without = meter(ProviderKind::openai, true, fake_provider::joined(fake_provider::chat_events("g", false)), 64);
    EXPECT_FALSE(without.reported);
    EXPECT_EQ(without.total(), 0);
    EXPECT_EQ(without.model, "g");
    auto resp = meter(ProviderKind::openai, true, fake_provider::joined(fake_provider::response_events("r")), 3);
    EXPECT_EQ(resp.input_tokens, fake_provider::responses_input);
    EXPECT_EQ(resp.output_tokens, fake_provider::responses_output);
    EXPECT_EQ(resp.cache_read_tokens, fake_provider::responses_cached);
    auto json_chat = meter(ProviderKind::openai, false, fake_provider::chat_completion("g").dump(), 100);
    EXPECT_EQ(json_chat.input_tokens, fake_provider::chat_prompt);
}

TEST(UsageMeter, IgnoresWhatIsNotUsage) {
    EXPECT_FALSE(meter(ProviderKind::anthropic, false, "not json", 3).reported);
    EXPECT_FALSE(meter(ProviderKind::anthropic, true, "data: {broken\n\nevent: x\ndata: [1,2]\n\n", 2).reported);
    auto crlf = meter(ProviderKind::anthropic, true,
                      "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"c\",\"usage\":"
                      "{\"input_tokens\":5,\"output_tokens\":1}}}\r\n\r\n",
                      1);
    EXPECT_EQ(crlf.input_tokens, 5);
    EXPECT_EQ(crlf.model, "c");
    // An event the stream never closed still counts.
    auto open = meter(ProviderKind::anthropic, true, "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":9}}", 4);
    EXPECT_EQ(open.output_tokens, 9);
}
