// The daemon over real HTTP: gateway-test-daemon (run_daemon, as `mosaic gateway run`) on a
// free loopback port with a temporary home. Every daemon is stopped by its test.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include <sys/resource.h>

#include "gateway_test_support.hpp"
#include "raw_http_client.hpp"

using namespace gateway_test;
using nlohmann::json;

namespace {

class DaemonTest : public ::testing::Test {
protected:
    mosaic::testing::TempDir tmp;
    std::filesystem::path home = tmp.path() / "mosaic";
    gw::GatewayPaths paths{home};
    int port = free_port();
    std::string url = "http://127.0.0.1:" + std::to_string(port);
    gw::BeastHttpClient http{std::chrono::seconds(10)};

    // The one-time setup token, as install writes it before creating the admin.
    std::string setup_token() { return gw::ensure_setup_token(paths.setup_token); }
    std::unique_ptr<DaemonProcess> start(const std::string& extra_env = "") {
        write_install(home, port);
        if (!extra_env.empty()) std::ofstream(paths.env_file, std::ios::app) << extra_env;
        auto d = std::make_unique<DaemonProcess>(home, paths.log_file);
        if (!d->wait_healthy(url)) ADD_FAILURE() << "daemon not healthy; log:\n" << read(paths.log_file);
        return d;
    }
};

int raw_connect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
    return fd;
}

std::string read_response(int fd) {
    std::string out;
    char buf[4096];
    while (out.find("\r\n\r\n") == std::string::npos || out.find("}") == std::string::npos) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

}  // namespace

TEST_F(DaemonTest, AnswersHealthAndLogsOneLinePerRequestWithoutQueryStrings) {
    auto d = start();
    auto r = http.send("GET", url, "/health?token=mgw_leak", "", {});
    EXPECT_EQ(r.status, 200);
    auto j = json::parse(r.body);
    EXPECT_EQ(j["tier"], "local");
    EXPECT_EQ(j["backends"]["sqlite"]["status"], "ok");
    EXPECT_EQ(d->terminate(), 0);
    auto log = read(paths.log_file);
    EXPECT_NE(log.find("listening on http://127.0.0.1:" + std::to_string(port)), std::string::npos);
    EXPECT_NE(log.find(" GET /health 200 "), std::string::npos);
    EXPECT_EQ(log.find("mgw_leak"), std::string::npos);
}

TEST_F(DaemonTest, TwentyConcurrentSetupsYieldOneAdmin) {
    auto d = start();
    const std::string token = setup_token();
    std::atomic<int> created{0}, conflict{0}, other{0};
    std::mutex mu;
    std::string others;
    std::vector<std::thread> threads;
    for (int i = 0; i < 20; ++i)
        threads.emplace_back([&, i] {
            gw::BeastHttpClient c{std::chrono::seconds(30)};
            auto r = c.send("POST", url, "/api/bootstrap/setup",
                            json{{"name", "U"}, {"email", "u" + std::to_string(i) + "@x.io"}, {"password", "securepass123"},
                                 {"setupToken", token}}.dump(), {});
            (r.status == 201 ? created : r.status == 409 ? conflict : other)++;
            if (r.status != 201 && r.status != 409) {
                std::lock_guard lock(mu);
                others += std::to_string(r.status) + " " + r.error + " " + r.body + "\n";
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflict.load(), 19);
    EXPECT_EQ(other.load(), 0) << others << read(paths.log_file);
    auto st = json::parse(http.send("GET", url, "/api/bootstrap/status", "", {}).body);
    EXPECT_EQ(st["needsSetup"], false);
    EXPECT_EQ(d->terminate(), 0);
}

TEST_F(DaemonTest, BadRequestsGetJsonErrorsAndNeverCrashIt) {
    auto d = start("MOSAIC_GATEWAY_MAX_BODY_BYTES=2048\n");
    auto big = http.send("POST", url, "/api/auth/sign-in", std::string(8192, 'x'), {});
    EXPECT_EQ(big.status, 413);
    EXPECT_EQ(json::parse(big.body)["error"], "payload_too_large");
    auto bad = http.send("POST", url, "/api/auth/sign-in", "{nope", {});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(json::parse(bad.body)["error"], "bad_request");
    auto types = http.send("POST", url, "/api/auth/sign-in", R"({"email":["a"],"password":1})", {});
    EXPECT_EQ(types.status, 400);
    auto missing = http.send("GET", url, "/does/not/exist", "", {});
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(json::parse(missing.body)["error"], "not_found");
    // Garbage on the wire.
    int fd = raw_connect(port);
    ASSERT_GE(fd, 0);
    std::string junk = "\x01\x02 NOT HTTP\r\n\r\n";
    ::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    read_response(fd);
    ::close(fd);
    EXPECT_EQ(http.send("GET", url, "/health", "", {}).status, 200);
    EXPECT_EQ(d->terminate(), 0);
}

TEST_F(DaemonTest, CorsHeadersOnlyForTheConfiguredOrigin) {
    auto d = start();
    auto ok = http.send("GET", url, "/health", "", {{"Origin", "http://localhost:3000"}});
    EXPECT_EQ(ok.headers["access-control-allow-origin"], "http://localhost:3000");
    auto other = http.send("GET", url, "/health", "", {{"Origin", "http://evil.example"}});
    EXPECT_EQ(other.headers.count("Access-Control-Allow-Origin"), 0u);
    EXPECT_EQ(d->terminate(), 0);
}

TEST_F(DaemonTest, SignInRateLimitAnswers429WithRetryAfterAndLogsNoSecret) {
    auto d = start();
    auto setup = http.send("POST", url, "/api/bootstrap/setup",
                           json{{"name", "Ada"}, {"email", "ada@example.com"}, {"password", "securepass123"},
                                {"setupToken", setup_token()}}.dump(), {});
    ASSERT_EQ(setup.status, 201);
    std::string token = json::parse(setup.body)["token"];
    int last = 0;
    gw::HttpResult r;
    for (int i = 0; i < 6; ++i) {
        r = http.send("POST", url, "/api/auth/sign-in", R"({"email":"ada@example.com","password":"wrong-password-1"})", {});
        last = r.status;
    }
    EXPECT_EQ(last, 429);
    EXPECT_FALSE(r.headers["retry-after"].empty());
    auto users = http.send("GET", url, "/api/admin/users", "", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(users.status, 200);
    EXPECT_EQ(d->terminate(), 0);
    auto log = read(paths.log_file);
    for (const std::string& secret : {token, std::string("securepass123"), std::string("wrong-password-1")})
        EXPECT_EQ(log.find(secret), std::string::npos) << secret;
    EXPECT_NE(log.find("POST /api/auth/sign-in 429"), std::string::npos);
}

TEST_F(DaemonTest, SigtermLetsARequestInFlightFinishThenExitsZero) {
    auto d = start();
    int fd = raw_connect(port);
    ASSERT_GE(fd, 0);
    // First request on a keep-alive connection: a server thread now owns the connection.
    std::string first = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ::send(fd, first.data(), first.size(), MSG_NOSIGNAL);
    EXPECT_NE(read_response(fd).find("200"), std::string::npos);
    // Half of the second request, then SIGTERM, then (once the daemon has logged that it took
    // the signal, so the order is certain) the rest: it is still answered.
    std::string head = "GET /api/bootstrap/status HTTP/1.1\r\n";
    ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    ::kill(d->pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);  // a bound, not a timing
    while (read(paths.log_file).find("received SIGTERM") == std::string::npos) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the daemon never logged the signal";
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::string rest = "Host: 127.0.0.1\r\nConnection: close\r\n\r\n";
    ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    auto second = read_response(fd);
    ::close(fd);
    EXPECT_NE(second.find("needsSetup"), std::string::npos) << "answer: " << second << "\nlog:\n" << read(paths.log_file);
    EXPECT_EQ(d->wait_exit(), 0);
    auto log = read(paths.log_file);
    EXPECT_NE(log.find("received SIGTERM"), std::string::npos);
    EXPECT_NE(log.find("gateway stopped"), std::string::npos);
}

TEST_F(DaemonTest, ABusyPortFailsWithExitOneNamingIt) {
    PortBlocker busy;
    gw::GatewaySettings s;
    s.port = busy.port;
    gw::write_config(paths, s, gw::new_auth_secret());
    DaemonProcess d(home, paths.log_file);
    EXPECT_EQ(d.wait_exit(), 1);
    EXPECT_NE(read(paths.log_file).find("cannot listen on 127.0.0.1:" + std::to_string(busy.port)), std::string::npos);
}

TEST_F(DaemonTest, RefusesToRunWhenNotInstalled) {
    std::filesystem::create_directories(home);
    DaemonProcess d(home, tmp.path() / "out.log");
    EXPECT_EQ(d.wait_exit(), 3);
    EXPECT_NE(read(tmp.path() / "out.log").find("mosaic gateway install"), std::string::npos);
}

TEST_F(DaemonTest, TeamTierWithoutItsDatabaseExitsOneNamingItAndNotThePassword) {
    int dead_port = free_port();  // nothing listens there
    gw::GatewaySettings s;
    s.port = port;
    s.tier = "team";
    s.database_url = "postgresql://u:topsecret@127.0.0.1:" + std::to_string(dead_port) + "/m";
    s.valkey_url = "redis://127.0.0.1:1";
    gw::write_config(paths, s, gw::new_auth_secret());
    DaemonProcess d(home, paths.log_file);
    EXPECT_EQ(d.wait_exit(), 1);
    std::string log = read(paths.log_file);
    EXPECT_NE(log.find("postgresql at 127.0.0.1:" + std::to_string(dead_port)), std::string::npos) << log;
    EXPECT_EQ(log.find("topsecret"), std::string::npos) << log;
}

TEST_F(DaemonTest, ASecondDaemonCannotShareThePort) {
    auto first = start();
    mosaic::testing::TempDir other;
    write_install(other.path(), port);
    DaemonProcess second(other.path(), other.path() / "second.log");
    EXPECT_EQ(second.wait_exit(), 1);
    EXPECT_NE(read(other.path() / "second.log").find("cannot listen"), std::string::npos);
    EXPECT_EQ(first->terminate(), 0);
}

TEST_F(DaemonTest, SlowClientsNeitherDelayOthersNorOutliveTheirDeadlines) {
    // 600 slow connections and our own descriptors: more than a default soft limit of 1024.
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < 4096 && rl.rlim_max >= 4096) {
        rl.rlim_cur = 4096;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    auto d = start("MOSAIC_GATEWAY_HEAD_TIMEOUT=3\nMOSAIC_GATEWAY_BODY_TIMEOUT=3\n");
    std::vector<std::unique_ptr<RawClient>> heads, bodies;
    for (int i = 0; i < 300; ++i) {
        heads.push_back(std::make_unique<RawClient>(port));
        ASSERT_TRUE(heads.back()->send("GET /health HTTP/1.1\r\n")) << i;
        bodies.push_back(std::make_unique<RawClient>(port));
        ASSERT_TRUE(bodies.back()->send("POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        "Content-Length: 1000\r\n\r\n{")) << i;
    }
    auto opened = std::chrono::steady_clock::now();
    std::atomic<bool> trickle{true};
    std::thread trickler([&] {  // a header line, a body byte, every second, to each
        for (int i = 0; trickle.load(); ++i) {
            for (auto& c : heads) c->send("X-Slow-" + std::to_string(i) + ": 1\r\n");
            for (auto& c : bodies) c->send("a");
            for (int t = 0; t < 10 && trickle.load(); ++t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    gw::BeastHttpClient client(std::chrono::seconds(2));
    int answered = 0;
    for (int i = 0; i < 100; ++i) {
        auto r = client.send("GET", url, "/health", "", {});
        if (r.status == 200) ++answered;
        else ADD_FAILURE() << "request " << i << ": " << (r.answered() ? std::to_string(r.status) : r.error);
    }
    EXPECT_EQ(answered, 100);
    // Each slow connection is answered 408 and closed at its deadline (3 s, swept every
    // 250 ms), though it kept sending: none is still open well after that.
    int closed = 0;
    for (auto* group : {&heads, &bodies})
        for (auto& c : *group) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(opened + std::chrono::seconds(10) -
                                                                              std::chrono::steady_clock::now());
            if (c->closed_within(std::max(left, std::chrono::milliseconds(1)))) ++closed;
        }
    trickle = false;
    trickler.join();
    EXPECT_EQ(closed, 600);
    EXPECT_EQ(d->terminate(), 0);
    EXPECT_NE(read(paths.log_file).find(" GET /health 408 "), std::string::npos);
    EXPECT_NE(read(paths.log_file).find(" POST /api/auth/sign-in 408 "), std::string::npos);
}

TEST_F(DaemonTest, AnswersPipelinedRequestsInOrderOverTheApi) {
    auto d = start();
    RawClient c(port);
    ASSERT_TRUE(c.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/bootstrap/status HTTP/1.1\r\n"
                       "Host: 127.0.0.1\r\n\r\nGET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    auto first = c.read_response();
    auto second = c.read_response();
    auto third = c.read_response();
    ASSERT_TRUE(first && second && third);
    EXPECT_EQ(json::parse(first->body)["status"], "ok");
    EXPECT_EQ(json::parse(second->body)["needsSetup"], true);
    EXPECT_EQ(json::parse(third->body)["status"], "ok");
    EXPECT_EQ(d->terminate(), 0);
}
