// The HTTP engine (http_server.hpp) in process, on a free loopback port, with a test handler,
// driven byte by byte by a raw client: HTTP/1.1 framing, limits, deadlines, caps, streaming,
// cancellation and drain.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>

#include "http_server.hpp"
#include "raw_http_client.hpp"

using namespace gateway_test;
using namespace std::chrono_literals;
using mosaic::gateway::Exchange;
using mosaic::gateway::HttpRequest;
using mosaic::gateway::HttpResponse;
using mosaic::gateway::HttpServer;
using mosaic::gateway::ServerOptions;
using nlohmann::json;

namespace {

// An engine serving on its own threads for the test's lifetime. The default handler echoes
// the request as JSON.
class Engine {
public:
    explicit Engine(ServerOptions o = {}, HttpServer::Handler handler = {}) {
        o.port = 0;
        if (o.threads == 0) o.threads = 2;
        if (!handler) handler = [](HttpRequest& r, Exchange ex) { ex.respond(echo(r)); };
        server_ = std::make_unique<HttpServer>(o, std::move(handler), [this](const HttpRequest& r, int status, double) {
            std::lock_guard lock(mu_);
            log_.push_back(r.method + " " + r.path + " " + std::to_string(status));
        });
        server_->bind();
        thread_ = std::thread([this] { server_->serve(); });
    }
    ~Engine() { stop(); }

    static HttpResponse echo(const HttpRequest& r) {
        json j{{"method", r.method}, {"path", r.path}, {"query", r.query}, {"body", r.body}, {"version", r.version}};
        return HttpResponse{200, {{"Content-Type", "application/json"}}, j.dump()};
    }
    int port() const { return server_->port(); }
    void stop() {
        if (!thread_.joinable()) return;
        server_->stop();
        thread_.join();
    }
    HttpServer& server() { return *server_; }
    std::vector<std::string> log() {
        std::lock_guard lock(mu_);
        return log_;
    }

private:
    std::unique_ptr<HttpServer> server_;
    std::thread thread_;
    std::mutex mu_;
    std::vector<std::string> log_;
};

std::string get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

json body_of(const std::optional<RawResponse>& r) { return r ? json::parse(r->body) : json(); }

// Keeps the last exchange a handler received, for tests that answer from outside.
struct HeldExchange {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Exchange> exchange;
    HttpServer::Handler handler() {
        return [this](HttpRequest&, Exchange ex) {
            std::lock_guard lock(mu);
            exchange = ex;
            cv.notify_all();
        };
    }
    Exchange wait() {
        std::unique_lock lock(mu);
        cv.wait_for(lock, 5s, [this] { return exchange.has_value(); });
        if (!exchange) throw std::runtime_error("the handler was not called");
        return *exchange;
    }
};

// A connection that sends `bytes` gets `status` and is closed.
void expect_refused(int port, const std::string& bytes, int status) {
    RawClient c(port);
    c.send(bytes);
    auto r = c.read_response();
    ASSERT_TRUE(r) << bytes.substr(0, 80);
    EXPECT_EQ(r->status, status) << bytes.substr(0, 80);
    EXPECT_TRUE(c.closed_within(2s)) << bytes.substr(0, 80);
}

// Sends piece(i) every 200 ms, up to 50 of them (10 s), until an answer comes.
std::optional<RawResponse> trickle(RawClient& c, const std::function<std::string(int)>& piece) {
    std::optional<RawResponse> r;
    for (int i = 0; i < 50 && !r; ++i) {
        c.send(piece(i));
        r = c.read_response(200ms);
    }
    return r;
}

}  // namespace

TEST(HttpEngine, AnswersPipelinedRequestsInOrder) {
    Engine e;
    RawClient c(e.port());
    ASSERT_TRUE(c.send(get("/one") + get("/two") + get("/three")));  // one write
    for (const char* path : {"/one", "/two", "/three"}) {
        auto r = c.read_response();
        ASSERT_TRUE(r) << "no answer for " << path;
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(body_of(r)["path"], path);
    }
}

TEST(HttpEngine, KeepsAConnectionAliveAcrossRequests) {
    Engine e;
    RawClient c(e.port());
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(c.send(get("/n" + std::to_string(i) + "?x=1")));
        auto r = c.read_response();
        ASSERT_TRUE(r);
        EXPECT_EQ(body_of(r)["path"], "/n" + std::to_string(i));
        EXPECT_EQ(body_of(r)["query"], "x=1");
        EXPECT_EQ(r->header("connection"), "");
        EXPECT_FALSE(r->header("date").empty());
    }
}

TEST(HttpEngine, AnswersHttp10WithCloseUnlessKeepAliveIsAsked) {
    Engine e;
    RawClient c(e.port());
    ASSERT_TRUE(c.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("connection"), "keep-alive");
    ASSERT_TRUE(c.send("GET /b HTTP/1.0\r\n\r\n"));
    r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(c.closed_within(2s));
}

TEST(HttpEngine, DecodesAChunkedRequestBody) {
    Engine e;
    RawClient c(e.port());
    ASSERT_TRUE(c.send("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n" + get("/after")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(body_of(r)["body"], "hello, world");
    EXPECT_EQ(body_of(c.read_response())["path"], "/after");
}

TEST(HttpEngine, SendsContinueOnlyAfterAcceptingTheHead) {
    Engine e;
    RawClient c(e.port());
    ASSERT_TRUE(c.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    EXPECT_EQ(c.read_some(5s), "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(c.send("hello"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(body_of(r)["body"], "hello");
}

TEST(HttpEngine, RefusesAnExpectedBodyOverTheLimitWithoutInvitingIt) {
    ServerOptions o;
    o.limits.max_body_bytes = 1000;
    Engine e(o);
    RawClient c(e.port());
    ASSERT_TRUE(c.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(json::parse(r->body)["error"], "payload_too_large");
    EXPECT_TRUE(c.closed_within(2s));
}

TEST(HttpEngine, AnswersHeadWithTheLengthOfGetAndNoBody) {
    Engine e;
    RawClient c(e.port());
    ASSERT_TRUE(c.send(get("/x")));
    auto full = c.read_response();
    ASSERT_TRUE(full);
    ASSERT_TRUE(c.send("HEAD /x HTTP/1.1\r\nHost: test\r\n\r\n" + get("/next")));
    auto head = c.read_response(5s, true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    // The echo says "HEAD" where GET said "GET": one byte longer.
    EXPECT_EQ(head->header("content-length"), std::to_string(full->body.size() + 1));
    EXPECT_TRUE(head->body.empty());
    EXPECT_EQ(body_of(c.read_response())["path"], "/next");  // nothing of a body came in between
}

TEST(HttpEngine, RefusesABodyOverTheLimitWith413AndCloses) {
    ServerOptions o;
    o.limits.max_body_bytes = 1000;
    Engine e(o);
    expect_refused(e.port(), "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n" + std::string(1001, 'a'), 413);
    expect_refused(e.port(),
                   "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n" +
                       std::string(1001, 'a') + "\r\n0\r\n\r\n",
                   413);
}

TEST(HttpEngine, RefusesALongTargetWith414AndLargeHeadersWith431) {
    ServerOptions o;
    o.limits.max_target_bytes = 1024;
    o.limits.max_head_bytes = 4096;
    Engine e(o);
    expect_refused(e.port(), get("/" + std::string(1100, 'a')), 414);
    expect_refused(e.port(), "GET /" + std::string(8000, 'a'), 414);  // longer than the head limit, no end of line
    expect_refused(e.port(), get("/h", "X-Big: " + std::string(5000, 'b') + "\r\n"), 431);
}

TEST(HttpEngine, RefusesAmbiguousBodyFramingWith400AndCloses) {
    Engine e;
    const char* smuggles[] = {
        "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    };
    for (const char* bytes : smuggles) expect_refused(e.port(), std::string(bytes) + get("/smuggled"), 400);
    expect_refused(e.port(), "POST /a HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n" + get("/smuggled"), 501);
    for (const auto& line : e.log()) EXPECT_EQ(line.find("/smuggled"), std::string::npos) << line;
}

TEST(HttpEngine, AnswersAHandlerExceptionWith500) {
    Engine e({}, [](HttpRequest&, Exchange) { throw std::runtime_error("boom"); });
    RawClient c(e.port());
    ASSERT_TRUE(c.send(get("/x")));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
}

TEST(HttpEngine, AnswersFromAnotherThread) {
    Engine e({}, [](HttpRequest& r, Exchange ex) {
        std::thread([ex, res = Engine::echo(r)] {
            std::this_thread::sleep_for(50ms);
            ex.respond(res);
        }).detach();
    });
    RawClient c(e.port());
    ASSERT_TRUE(c.send(get("/late") + get("/later")));
    EXPECT_EQ(body_of(c.read_response())["path"], "/late");
    EXPECT_EQ(body_of(c.read_response())["path"], "/later");
}

TEST(HttpEngine, StreamsAResponsePieceByPiece) {
    HeldExchange held;
    Engine e({}, held.handler());
    RawClient c(e.port());
    ASSERT_TRUE(c.send(get("/stream")));
    Exchange ex = held.wait();
    std::promise<bool> first_written;
    ex.begin(200, {{"Content-Type", "text/event-stream"}});
    ex.write("data: one\n\n", [&](bool ok) { first_written.set_value(ok); });
    // The first piece arrives while the second does not exist yet.
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (got.find("data: one\n\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline)
        got += c.read_some(1s);
    EXPECT_NE(got.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find("b\r\ndata: one\n\n\r\n"), std::string::npos) << got;
    EXPECT_TRUE(first_written.get_future().get());
    ex.write("data: two\n\n");
    ex.end();
    while (got.find("0\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) got += c.read_some(1s);
    EXPECT_NE(got.find("b\r\ndata: two\n\n\r\n0\r\n\r\n"), std::string::npos) << got;
    // The connection stays usable after a streamed answer.
    {
        std::lock_guard lock(held.mu);
        held.exchange.reset();
    }
    ASSERT_TRUE(c.send(get("/again")));
    held.wait().respond(HttpResponse{200, {}, "again"});
    auto again = c.read_response();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, "again");
}

TEST(HttpEngine, StreamsAResponseOfKnownLengthWithoutChunking) {
    HeldExchange held;
    Engine e({}, held.handler());
    RawClient c(e.port());
    ASSERT_TRUE(c.send(get("/sized")));
    Exchange ex = held.wait();
    ex.begin(200, {{"Content-Type", "application/json"}}, 11);
    ex.write("{\"a\":");
    ex.write("12345}");
    ex.end();
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("content-length"), "11");
    EXPECT_EQ(r->header("transfer-encoding"), "");
    EXPECT_EQ(r->body, "{\"a\":12345}");
    {
        std::lock_guard lock(held.mu);
        held.exchange.reset();
    }
    ASSERT_TRUE(c.send(get("/next")));  // still kept alive
    held.wait().respond(HttpResponse{200, {}, "next"});
    auto next = c.read_response();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body, "next");
}

TEST(HttpEngine, TellsTheHandlerWhenTheClientGoesAway) {
    HeldExchange held;
    Engine e({}, held.handler());
    std::promise<void> cancelled;
    {
        RawClient c(e.port());
        ASSERT_TRUE(c.send(get("/slow")));
        Exchange ex = held.wait();
        ex.on_cancel([&] { cancelled.set_value(); });
        EXPECT_FALSE(ex.cancelled());
    }  // the client closes its socket
    EXPECT_EQ(cancelled.get_future().wait_for(5s), std::future_status::ready);
    std::promise<bool> written;
    held.exchange->begin(200, {});
    held.exchange->write("late", [&](bool ok) { written.set_value(ok); });
    EXPECT_FALSE(written.get_future().get());
    EXPECT_TRUE(held.exchange->cancelled());
}

// A worker that finds its request cancelled and drops the Exchange without answering holds
// the last handler reference to that connection. The engine must still own the connection
// until it closes it: the sweep (every 250 ms) visits every open connection, and under
// AddressSanitizer a connection freed behind its back is a heap-use-after-free. The bench
// found it: wrk closing connections with /api/bootstrap/status in flight, then a crash.
TEST(HttpEngine, AHandlerThatDropsACancelledExchangeLeavesTheEngineWhole) {
    HeldExchange held;
    auto hold = held.handler();
    Engine e({}, [&](HttpRequest& r, Exchange ex) {
        if (r.path == "/slow") return hold(r, std::move(ex));
        ex.respond(Engine::echo(r));
    });
    {
        RawClient c(e.port());
        ASSERT_TRUE(c.send(get("/slow")));
        held.wait();
    }  // the client closes its socket with the request in flight
    auto deadline = std::chrono::steady_clock::now() + 10s;  // a bound, not a timing
    while (!held.exchange->cancelled() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(held.exchange->cancelled());
    {
        std::lock_guard lock(held.mu);
        held.exchange.reset();  // the last reference a handler had, dropped unanswered
    }
    // Several sweeps pass while new clients are served.
    auto until = std::chrono::steady_clock::now() + 1s;
    int answered = 0;
    while (std::chrono::steady_clock::now() < until) {
        RawClient c(e.port());
        ASSERT_TRUE(c.send(get("/after")));
        auto r = c.read_response();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        ++answered;
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_GT(answered, 0);
    e.stop();
}

TEST(HttpEngine, StopFinishesRequestsInFlightAndRefusesNewConnections) {
    HeldExchange held;
    Engine e({}, held.handler());
    RawClient busy(e.port());
    RawClient idle(e.port());
    ASSERT_TRUE(busy.send(get("/in-flight")));
    Exchange ex = held.wait();
    std::thread stopper([&] { e.stop(); });
    EXPECT_TRUE(idle.closed_within(5s));  // an idle connection is closed at once
    bool refused = false;
    for (int i = 0; i < 50 && !refused; ++i) {
        RawClient late(e.port());
        refused = !late.connected();
        if (!refused) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(refused);
    ex.respond(HttpResponse{200, {}, "done"});
    auto r = busy.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "done");
    EXPECT_EQ(r->header("connection"), "close");
    stopper.join();  // serve() returned
    EXPECT_EQ(e.server().open_connections(), 0u);
}

TEST(HttpEngine, ClosesAKeptAliveConnectionAfterTheIdleTimeout) {
    ServerOptions o;
    o.idle_timeout = 1s;
    Engine e(o);
    RawClient c(e.port());
    ASSERT_TRUE(c.send(get("/x")));
    ASSERT_TRUE(c.read_response());
    EXPECT_TRUE(c.closed_within(5s));
}

TEST(HttpEngine, AHeadTrickleCannotExtendItsDeadline) {
    ServerOptions o;
    o.head_timeout = 1s;
    Engine e(o);
    RawClient c(e.port());
    ASSERT_TRUE(c.send("GET /slow HTTP/1.1\r\n"));
    auto started = std::chrono::steady_clock::now();
    // One header line every 200 ms would go on for 10 s; the answer comes at the deadline.
    auto r = trickle(c, [](int i) { return "X-Slow-" + std::to_string(i) + ": 1\r\n"; });
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 408);
    EXPECT_TRUE(c.closed_within(2s));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 8s);
    EXPECT_EQ(e.log().back(), "GET /slow 408");
}

TEST(HttpEngine, ABodyTrickleCannotExtendItsDeadline) {
    ServerOptions o;
    o.body_timeout = 1s;
    Engine e(o);
    RawClient c(e.port());
    ASSERT_TRUE(c.send("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n"));
    auto r = trickle(c, [](int) { return std::string("a"); });
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 408);
    EXPECT_TRUE(c.closed_within(2s));
}

TEST(HttpEngine, CapsConnectionsPerClient) {
    ServerOptions o;
    o.max_connections_per_client = 3;
    Engine e(o);
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<RawClient>(e.port()));
        ASSERT_TRUE(held.back()->send(get("/ok")));
        ASSERT_TRUE(held.back()->read_response());
    }
    RawClient over(e.port());
    auto r = over.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(json::parse(r->body)["error"], "too_many_connections");
    EXPECT_TRUE(over.closed_within(2s));
    held.pop_back();  // one slot frees up
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        RawClient again(e.port());
        again.send(get("/ok"));
        auto a = again.read_response();
        served = a && a->status == 200;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

TEST(HttpEngine, RefusesABindToAPortInUseNamingIt) {
    Engine e;
    ServerOptions o;
    o.port = e.port();
    HttpServer second(o, [](HttpRequest&, Exchange) {}, {});
    try {
        second.bind();
        FAIL() << "bound a port in use";
    } catch (const mosaic::Error& err) {
        EXPECT_EQ(err.code(), mosaic::exit_failed);
        EXPECT_NE(std::string(err.what()).find("127.0.0.1:" + std::to_string(e.port())), std::string::npos) << err.what();
    }
}
