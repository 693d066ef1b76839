// The provider proxy (proxy.hpp) in process: an engine whose handler forwards /anthropic/...
// and /openai/... to the fake provider (a child process), driven by a raw client. What comes
// back must be what the fake sent, byte for byte and event by event, with the usage read on
// the way; the provider key must replace the client's credential.
#include <gtest/gtest.h>

#include <cstdlib>
#include <future>
#include <mutex>

#include <mosaic/support/file.hpp>

#include "fake_provider.hpp"
#include "fake_provider_process.hpp"
#include "gateway_test_support.hpp"
#include "proxy.hpp"
#include "raw_http_client.hpp"

using namespace gateway_test;
using namespace std::chrono_literals;
using namespace mosaic::gateway;
using nlohmann::json;

namespace {

// An engine that proxies to `anthropic_url` / `openai_url` with the fake's keys.
class ProxyingEngine {
public:
    ProxyingEngine(const FakeProviderProcess& fake, ProxyOptions po = {})
        : ProxyingEngine(fake.url(), fake.url(), fake.anthropic_key, fake.openai_key, po) {}
    ProxyingEngine(const std::string& anthropic_url, const std::string& openai_url, std::string anthropic_key,
                   std::string openai_key, ProxyOptions po = {})
        : proxy_(po),
          anthropic_(parse_upstream_url(anthropic_url, "test")),
          openai_(parse_upstream_url(openai_url, "test")),
          anthropic_key_(std::move(anthropic_key)),
          openai_key_(std::move(openai_key)) {
        ServerOptions o;
        o.threads = 2;
        o.limits.max_body_bytes = 1 << 20;
        server_ = std::make_unique<HttpServer>(o, [this](HttpRequest& r, Exchange ex) { handle(r, ex); },
                                               HttpServer::Logger{});
        server_->bind();
        thread_ = std::thread([this] { server_->serve(); });
    }
    ~ProxyingEngine() {
        server_->stop();
        thread_.join();
    }
    int port() const { return server_->port(); }

    // The outcome of the last proxied call, once it is over.
    ProxyOutcome next_outcome() {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, 10s, [this] { return !outcomes_.empty(); });
        if (outcomes_.empty()) throw std::runtime_error("no proxy outcome");
        auto o = outcomes_.front();
        outcomes_.erase(outcomes_.begin());
        return o;
    }

private:
    void handle(HttpRequest& r, Exchange ex) {
        auto route = provider_route(r.path);
        if (!route) return ex.respond(HttpResponse{404, {}, "not a model route"});
        bool anthropic = route->kind == ProviderKind::anthropic;
        std::vector<std::pair<std::string, std::string>> credential;
        if (anthropic) credential.emplace_back("x-api-key", anthropic_key_);
        else credential.emplace_back("Authorization", "Bearer " + openai_key_);
        proxy_.forward(anthropic ? anthropic_ : openai_, route->kind,
                       route->upstream_path + (r.query.empty() ? "" : "?" + r.query), r, credential, ex,
                       [this](const ProxyOutcome& o) {
                           std::lock_guard lock(mu_);
                           outcomes_.push_back(o);
                           cv_.notify_all();
                       });
    }

    Proxy proxy_;
    UpstreamTarget anthropic_, openai_;
    std::string anthropic_key_, openai_key_;
    std::unique_ptr<HttpServer> server_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<ProxyOutcome> outcomes_;
};

std::string post(const std::string& path, const json& body, const std::string& extra_headers = "") {
    std::string b = body.dump();
    return "POST " + path + " HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n" + extra_headers +
           "Content-Length: " + std::to_string(b.size()) + "\r\n\r\n" + b;
}

const std::string agent_credentials = "x-api-key: mga_agent_token\r\nAuthorization: Bearer mga_agent_token\r\n";

}  // namespace

TEST(Proxy, PassesAnAnthropicMessageThroughWithTheProviderKeyInsteadOfTheAgents) {
    FakeProviderProcess fake;
    ASSERT_NE(fake.port, 0);
    ProxyingEngine gw(fake);
    RawClient c(gw.port());
    ASSERT_TRUE(c.send(post("/anthropic/v1/messages?beta=true", {{"model", "claude-test"}, {"max_tokens", 10}},
                            agent_credentials + "anthropic-version: 2023-06-01\r\nConnection: x-hop\r\nX-Hop: 1\r\n")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, fake_provider::anthropic_message("claude-test").dump());
    EXPECT_EQ(r->header("request-id"), "req_fake");
    auto o = gw.next_outcome();
    EXPECT_TRUE(o.complete);
    EXPECT_EQ(o.usage.model, "claude-test");
    EXPECT_EQ(o.usage.input_tokens, fake_provider::anthropic_input);
    EXPECT_EQ(o.usage.output_tokens, fake_provider::anthropic_output);
    EXPECT_EQ(o.usage.cache_read_tokens, fake_provider::anthropic_cache_read);
    EXPECT_EQ(o.usage.cache_creation_tokens, fake_provider::anthropic_cache_creation);
    auto seen = fake.recorded().at(0);
    EXPECT_EQ(seen["path"], "/v1/messages");
    EXPECT_EQ(seen["query"], "beta=true");
    EXPECT_EQ(seen["headers"]["x-api-key"], fake.anthropic_key);
    EXPECT_FALSE(seen["headers"].contains("authorization"));
    EXPECT_FALSE(seen["headers"].contains("x-hop"));  // named in Connection: hop-by-hop
    EXPECT_EQ(seen["headers"]["anthropic-version"], "2023-06-01");
    EXPECT_EQ(seen["headers"]["accept-encoding"], "identity");
    EXPECT_EQ(seen["body"], json({{"model", "claude-test"}, {"max_tokens", 10}}).dump());
}

TEST(Proxy, ForwardsServerSentEventsAsTheyComeAndReadsTheirUsage) {
    FakeProviderProcess fake;
    ProxyingEngine gw(fake);
    RawClient c(gw.port());
    ASSERT_TRUE(c.send(post("/anthropic/v1/messages", {{"model", "fake-slow"}, {"stream", true}}, agent_credentials)));
    // Events are 300 ms apart at the fake: the first is here long before the last is sent.
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (got.find("message_start") == std::string::npos && std::chrono::steady_clock::now() < deadline)
        got += c.read_some(1s);
    EXPECT_NE(got.find("event: message_start"), std::string::npos) << got;
    EXPECT_EQ(got.find("message_stop"), std::string::npos) << "the stream arrived all at once";
    while (got.find("0\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline + 5s)
        got += c.read_some(1s);
    // De-chunk what came and compare with what the fake sent.
    std::string body, rest = got.substr(got.find("\r\n\r\n") + 4);
    for (;;) {
        auto eol = rest.find("\r\n");
        std::size_t n = std::stoul(rest.substr(0, eol), nullptr, 16);
        if (n == 0) break;
        body += rest.substr(eol + 2, n);
        rest = rest.substr(eol + 2 + n + 2);
    }
    EXPECT_EQ(body, fake_provider::joined(fake_provider::anthropic_events("fake-slow")));
    auto o = gw.next_outcome();
    EXPECT_TRUE(o.complete);
    EXPECT_EQ(o.usage.input_tokens, fake_provider::anthropic_input);
    EXPECT_EQ(o.usage.output_tokens, fake_provider::anthropic_output);
    EXPECT_EQ(o.usage.cache_read_tokens, fake_provider::anthropic_cache_read);
}

TEST(Proxy, ReadsOpenAiUsageFromChatChunksAndResponsesEvents) {
    FakeProviderProcess fake;
    ProxyingEngine gw(fake);
    RawClient c(gw.port());
    ASSERT_TRUE(c.send(post("/openai/v1/chat/completions",
                            {{"model", "gpt-test"}, {"stream", true}, {"stream_options", {{"include_usage", true}}}},
                            "Authorization: Bearer mga_agent\r\n")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, fake_provider::joined(fake_provider::chat_events("gpt-test", true)));
    auto o = gw.next_outcome();
    EXPECT_EQ(o.usage.input_tokens, fake_provider::chat_prompt);
    EXPECT_EQ(o.usage.output_tokens, fake_provider::chat_completion_tokens);
    EXPECT_EQ(o.usage.cache_read_tokens, fake_provider::chat_cached);
    EXPECT_EQ(fake.recorded().at(0)["headers"]["authorization"], "Bearer " + fake.openai_key);

    ASSERT_TRUE(c.send(post("/openai/v1/responses", {{"model", "gpt-test"}, {"stream", true}}, "Authorization: Bearer mga_agent\r\n")));
    r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, fake_provider::joined(fake_provider::response_events("gpt-test")));
    o = gw.next_outcome();
    EXPECT_EQ(o.usage.model, "gpt-test");
    EXPECT_EQ(o.usage.input_tokens, fake_provider::responses_input);
    EXPECT_EQ(o.usage.output_tokens, fake_provider::responses_output);

    ASSERT_TRUE(c.send("GET /openai/v1/models HTTP/1.1\r\nHost: g\r\nAuthorization: Bearer mga_agent\r\n\r\n"));
    r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->body)["data"][0]["id"], "gpt-test");
}

TEST(Proxy, PassesProviderErrorsAndRetryAfterThroughUnchanged) {
    FakeProviderProcess fake;
    ProxyingEngine gw(fake);
    RawClient c(gw.port());
    ASSERT_TRUE(c.send(post("/anthropic/v1/messages", {{"model", "fake-rate-limited"}}, agent_credentials)));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    EXPECT_EQ(r->header("retry-after"), "7");
    EXPECT_EQ(json::parse(r->body)["error"]["type"], "rate_limit_error");
    ASSERT_TRUE(c.send(post("/anthropic/v1/messages", {{"model", "fake-overloaded"}}, agent_credentials)));
    r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 529);
    EXPECT_EQ(gw.next_outcome().status, 429);
}

TEST(Proxy, AClientThatGoesAwayCancelsItsUpstreamRequest) {
    FakeProviderProcess fake;
    ProxyingEngine gw(fake);
    {
        RawClient c(gw.port());
        ASSERT_TRUE(c.send(post("/anthropic/v1/messages", {{"model", "fake-hang"}, {"stream", true}}, agent_credentials)));
        ASSERT_FALSE(c.read_some(2s).empty());  // the head of the stream
    }
    EXPECT_TRUE(fake.wait_for([](const json& j) { return j.contains("cancelled"); }));
    auto o = gw.next_outcome();
    EXPECT_TRUE(o.cancelled);
    EXPECT_FALSE(o.complete);
}

TEST(Proxy, AStreamThatBreaksOffIsCutShortForTheClient) {
    FakeProviderProcess fake;
    ProxyingEngine gw(fake);
    RawClient c(gw.port());
    ASSERT_TRUE(c.send(post("/anthropic/v1/messages", {{"model", "fake-drop"}, {"stream", true}}, agent_credentials)));
    EXPECT_FALSE(c.read_response(5s));  // never a complete answer
    EXPECT_TRUE(c.closed_within(5s));
    auto o = gw.next_outcome();
    EXPECT_FALSE(o.complete);
    EXPECT_NE(o.error.find("broke off"), std::string::npos) << o.error;
    EXPECT_EQ(o.usage.input_tokens, fake_provider::anthropic_input);  // message_start had come
}

TEST(Proxy, AnUnreachableProviderIsA502InItsOwnShapeNamingWhere) {
    int nobody = free_port();
    ProxyingEngine gw("http://127.0.0.1:" + std::to_string(nobody), "http://127.0.0.1:" + std::to_string(nobody), "k", "k");
    RawClient c(gw.port());
    ASSERT_TRUE(c.send(post("/anthropic/v1/messages", {{"model", "x"}}, agent_credentials)));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502);
    auto j = json::parse(r->body);
    EXPECT_EQ(j["type"], "error");
    EXPECT_NE(j["error"]["message"].get<std::string>().find("127.0.0.1:" + std::to_string(nobody)), std::string::npos);
    ASSERT_TRUE(c.send(post("/openai/v1/chat/completions", {{"model", "x"}}, "Authorization: Bearer a\r\n")));
    r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 502);
    EXPECT_TRUE(json::parse(r->body)["error"].contains("code"));
}

TEST(Proxy, ReplacesAPooledConnectionTheProviderHasClosed) {
    FakeProviderProcess fake("sk-ant-provider-key", "sk-openai-provider-key", 1);  // closes idle ones after 1 s
    ProxyingEngine gw(fake);
    RawClient c(gw.port());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(c.send(post("/anthropic/v1/messages/count_tokens", {{"model", "m"}}, agent_credentials)));
        auto r = c.read_response();
        ASSERT_TRUE(r) << i;
        EXPECT_EQ(json::parse(r->body)["input_tokens"], 42);
        if (i == 1) std::this_thread::sleep_for(1600ms);  // the pooled connection is closed by now
    }
}

// TLS against `openssl s_server -WWW` with a certificate for localhost from a private CA that
// only this test trusts (SSL_CERT_FILE is where OpenSSL's default verify paths look first).
TEST(Proxy, SpeaksTlsAndVerifiesTheProvidersCertificate) {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl is not installed";
    mosaic::testing::TempDir dir;
    auto d = dir.path().string();
    ASSERT_EQ(std::system(("cd " + d + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
                           "-days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost >/dev/null 2>&1")
                              .c_str()),
              0);
    std::filesystem::create_directories(dir.path() / "www" / "v1");
    mosaic::support::write_file_atomic(dir.path() / "www" / "v1" / "models", R"({"data":[{"id":"tls-model"}]})");
    int port = free_port();
    mosaic::gateway::PosixProcessControl pc;
    pid_t server = pc.spawn_detached({"/bin/sh", "-c",
                                      "cd " + d + "/www && exec openssl s_server -quiet -WWW -accept 127.0.0.1:" +
                                          std::to_string(port) + " -cert ../cert.pem -key ../key.pem"},
                                     {{"PATH", "/usr/bin:/bin"}}, dir.path() / "s_server.log");
    for (int i = 0; i < 100; ++i) {
        RawClient probe(port);
        if (probe.connected()) break;
        std::this_thread::sleep_for(50ms);
    }
    std::string base = "https://localhost:" + std::to_string(port);
    {
        ::setenv("SSL_CERT_FILE", (dir.path() / "cert.pem").c_str(), 1);
        ProxyingEngine gw(base, base, "k", "k");
        ::unsetenv("SSL_CERT_FILE");
        RawClient c(gw.port());
        ASSERT_TRUE(c.send("GET /anthropic/v1/models HTTP/1.1\r\nHost: g\r\nx-api-key: mga_a\r\n\r\n"));
        auto r = c.read_response();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(json::parse(r->body)["data"][0]["id"], "tls-model");
    }
    {
        ProxyingEngine gw(base, base, "k", "k");  // the system store does not know this CA
        RawClient c(gw.port());
        ASSERT_TRUE(c.send("GET /anthropic/v1/models HTTP/1.1\r\nHost: g\r\nx-api-key: mga_a\r\n\r\n"));
        auto r = c.read_response();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 502);
        EXPECT_NE(r->body.find("TLS"), std::string::npos) << r->body;
    }
    ::kill(server, SIGTERM);
    ::waitpid(server, nullptr, 0);
}
