#include <gtest/gtest.h>

#include "crypto.hpp"
#include "gateway_test_support.hpp"
#include "health.hpp"

using namespace std::chrono;

namespace {
const std::string key(64, 'k');

// Answers from a script; an answer proves it comes from the daemon keyed `key` unless the
// daemon is an impostor.
class ScriptedHttp final : public gw::HttpClient {
public:
    std::deque<gw::HttpResult> replies;
    int calls = 0;
    bool impostor = false;
    gw::HttpResult send(const std::string&, const std::string&, const std::string&, const std::string&,
                        const std::map<std::string, std::string>& headers) override {
        ++calls;
        if (replies.empty()) return gw::HttpResult{0, "", {}, "Connection"};
        auto r = replies.front();
        if (replies.size() > 1) replies.pop_front();
        if (r.answered() && !impostor) r.headers["X-Mosaic-Proof"] = gw::gateway_proof(key, headers.at("X-Mosaic-Challenge"));
        return r;
    }
};
}  // namespace

TEST(HealthWait, ReturnsHealthyOnceStatusOkAndReportsEachStateOnce) {
    ScriptedHttp http;
    http.replies = {{0, "", {}, "Connection"}, {0, "", {}, "Connection"}, {503, "{}", {}, ""}, {200, R"({"status":"ok"})", {}, ""}};
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper(&clock);
    std::vector<std::string> states;
    auto r = gw::wait_for_health(http, "http://127.0.0.1:1", key, clock, sleeper, seconds(30), milliseconds(200), nullptr,
                                 [&](const std::string& s) { states.push_back(s); });
    EXPECT_TRUE(r.healthy);
    EXPECT_EQ(http.calls, 4);
    ASSERT_EQ(states.size(), 3u);
    EXPECT_NE(states[0].find("waiting for"), std::string::npos);
    EXPECT_EQ(states[1], "answering HTTP 503");
    EXPECT_EQ(states[2], "healthy");
}

TEST(HealthWait, GivesUpAtTheDeadline) {
    ScriptedHttp http;
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper(&clock);
    auto r = gw::wait_for_health(http, "http://127.0.0.1:1", key, clock, sleeper, seconds(5), milliseconds(250), nullptr, nullptr);
    EXPECT_FALSE(r.healthy);
    EXPECT_NE(r.reason.find("5 s"), std::string::npos);
    EXPECT_EQ(sleeper.sleeps.size(), 20u);
}

TEST(HealthWait, StopsAtOnceWhenTheProcessExits) {
    ScriptedHttp http;
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper(&clock);
    auto r = gw::wait_for_health(http, "http://127.0.0.1:1", key, clock, sleeper, seconds(30), milliseconds(250),
                                 [] { return false; }, nullptr);
    EXPECT_FALSE(r.healthy);
    EXPECT_EQ(r.reason, "the gateway process exited");
    EXPECT_TRUE(sleeper.sleeps.empty());
}

TEST(HealthWait, AnAnswerWithoutTheProofIsNotThisGatewayAndEndsTheWait) {
    ScriptedHttp http;
    http.impostor = true;
    http.replies = {{200, R"({"status":"ok"})", {}, ""}};
    mosaic::support::FakeClock clock;
    mosaic::support::FakeSleeper sleeper(&clock);
    auto r = gw::wait_for_health(http, "http://127.0.0.1:1", key, clock, sleeper, seconds(30), milliseconds(200), nullptr,
                                 nullptr);
    EXPECT_FALSE(r.healthy);
    EXPECT_TRUE(r.foreign);
    EXPECT_NE(r.reason.find("not this gateway"), std::string::npos) << r.reason;
    EXPECT_EQ(http.calls, 1);
    // A proof made with another key is no proof either.
    ScriptedHttp other;
    other.replies = {{200, R"({"status":"ok"})", {}, ""}};
    EXPECT_TRUE(gw::probe_health(other, "http://127.0.0.1:1", std::string(64, 'x')).foreign);
    EXPECT_TRUE(gw::probe_health(other, "http://127.0.0.1:1", key).health.has_value());
}
