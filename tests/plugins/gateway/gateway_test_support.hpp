// Shared helpers of the gateway tests: free loopback ports, fakes for the injected effects,
// an HttpClient that answers from a real in-memory Api, and a daemon process guard.
#pragma once

#include <arpa/inet.h>
#include <csignal>
#include <deque>
#include <map>
#include <netinet/in.h>
#include <set>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <mosaic/support/file.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "api.hpp"
#include "crypto.hpp"
#include "deps.hpp"
#include "http.hpp"
#include "install_state.hpp"
#include "process_control.hpp"
#include "sqlite_storage.hpp"

namespace gw = mosaic::gateway;

namespace gateway_test {

// A port that was free a moment ago (bind port 0 and ask). Never 14242.
inline int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    int port = ntohs(a.sin_port);
    ::close(fd);
    if (port == 14242) return free_port();
    return port;
}

// Holds a loopback port bound (and listening) for its lifetime.
class PortBlocker {
public:
    PortBlocker() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
        ::listen(fd_, 1);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~PortBlocker() { ::close(fd_); }
    int port = 0;

private:
    int fd_ = -1;
};

// Scripted terminal.
class ScriptedUi final : public gw::Ui {
public:
    bool is_interactive = false;
    std::deque<std::string> answers;
    std::vector<std::string> questions, warnings, progress_labels;

    bool interactive() const override { return is_interactive; }
    std::string ask(const std::string& q, const std::optional<std::string>& def, const std::string& hint) override {
        questions.push_back(q);
        if (!is_interactive) {
            if (def) return *def;
            throw mosaic::Error(mosaic::exit_usage, "no terminal for '" + q + "'; set " + hint);
        }
        if (answers.empty()) throw mosaic::Error(mosaic::exit_interrupted, "no scripted answer for '" + q + "'");
        std::string a = answers.front();
        answers.pop_front();
        return a.empty() && def ? *def : a;
    }
    std::string ask_secret(const std::string& q, const std::string& hint) override { return ask(q, std::nullopt, hint); }
    std::size_t choose(const std::string& q, const std::vector<std::string>&, std::size_t def, const std::string& hint) override {
        std::string a = ask(q, std::to_string(def), hint);
        return std::stoul(a);
    }
    void progress(const std::string& label, bool) override { progress_labels.push_back(label); }
    void warn(const std::string& m) override { warnings.push_back(m); }
};

// Spawns nothing; processes "live" until signalled.
class FakeProcesses final : public gw::ProcessControl {
public:
    std::vector<std::vector<std::string>> spawned;
    std::vector<std::map<std::string, std::string>> spawn_envs;
    std::set<pid_t> running;
    std::vector<std::pair<pid_t, int>> signals;
    bool ignore_sigterm = false;
    pid_t next = 4242;
    std::function<void()> on_spawn;

    pid_t spawn_detached(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         const std::filesystem::path&) override {
        spawned.push_back(argv);
        spawn_envs.push_back(env);
        running.insert(next);
        // What the real daemon does first (claim_pid_file).
        if (auto it = env.find(gw::pid_file_variable); it != env.end()) gw::write_pid_file(it->second, next);
        if (on_spawn) on_spawn();
        return next++;
    }
    bool alive(pid_t pid) override { return running.count(pid) > 0; }
    bool is_gateway(pid_t pid) override { return alive(pid); }
    bool signal(pid_t pid, int sig) override {
        signals.emplace_back(pid, sig);
        if (sig == SIGKILL || (sig == SIGTERM && !ignore_sigterm)) running.erase(pid);
        return true;
    }
};

// An HttpClient answered by a real Api over a real SQLite store, as the daemon of the install
// in `gateway_dir` would answer: with that directory's setup token, and proving it knows the
// auth secret of its .env (read at each request, as install writes it). "up" decides whether
// the gateway answers at all (false = connection refused).
class ApiHttpClient final : public gw::HttpClient {
public:
    ApiHttpClient(const std::filesystem::path& db, const std::filesystem::path& gateway_dir)
        : gateway_dir_(gateway_dir), storage(db.string()), api(storage, clock, options(gateway_dir)) {}
    static gw::ApiOptions options(const std::filesystem::path& gateway_dir) {
        gw::ApiOptions o{"test", "http://localhost:3000", std::string(64, 'k')};
        o.setup_token = std::make_shared<gw::FileSetupToken>(gateway_dir / "setup-token");
        return o;
    }
    bool up = true;
    std::vector<std::string> requests;  // "METHOD path"
    // Runs before each request is answered: another client acting at that moment.
    std::function<void(const std::string& method, const std::string& path)> before;
    gw::HttpResult send(const std::string& method, const std::string&, const std::string& path, const std::string& body,
                        const std::map<std::string, std::string>& headers) override {
        requests.push_back(method + " " + path);
        gw::HttpResult r;
        if (!up) {
            r.error = "Connection";
            return r;
        }
        if (before) before(method, path);
        gw::ApiRequest q{method, path, body, "127.0.0.1", {}};
        for (const auto& [k, v] : headers) {
            std::string key = k;
            for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            q.headers[key] = v;
        }
        if (method == "POST" && !q.headers.count("content-type")) q.headers["content-type"] = "application/json";
        auto a = api.handle(q);
        r.status = a.status;
        r.body = a.body.is_null() ? "" : a.body.dump();
        r.headers = a.headers;
        auto secret = mosaic::support::EnvFile::load(gateway_dir_ / ".env").get(gw::key_auth_secret);
        if (secret && q.headers.count("x-mosaic-challenge"))
            r.headers["X-Mosaic-Proof"] = gw::gateway_proof(*secret, q.headers.at("x-mosaic-challenge"));
        return r;
    }

private:
    std::filesystem::path gateway_dir_;

public:
    mosaic::support::SystemClock clock;
    gw::SqliteStorage storage;
    gw::Api api;
};

// A daemon process (gateway-test-daemon) on a temporary home; SIGTERM + reaped on scope exit.
class DaemonProcess {
public:
    DaemonProcess(const std::filesystem::path& home, const std::filesystem::path& log) {
        gw::PosixProcessControl pc;
        pid = pc.spawn_detached({GATEWAY_TEST_DAEMON, "--mosaic-home", home.string(), "gateway", "run"}, {{"PATH", "/usr/bin:/bin"}}, log);
    }
    ~DaemonProcess() {
        if (pid > 0 && !exited_) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    // Waits (bounded) until /health answers; false when the process died first.
    bool wait_healthy(const std::string& url) {
        gw::BeastHttpClient http(std::chrono::milliseconds(500));
        for (int i = 0; i < 200; ++i) {
            if (http.send("GET", url, "/health", "", {}).status == 200) return true;
            int st = 0;
            if (::waitpid(pid, &st, WNOHANG) == pid) {
                exited_ = true;
                status_ = st;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }
    // SIGTERM and wait for exit; returns the exit status (or 128 + signal).
    int terminate() {
        ::kill(pid, SIGTERM);
        return wait_exit();
    }
    int wait_exit() {
        if (!exited_) {
            ::waitpid(pid, &status_, 0);
            exited_ = true;
        }
        return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
    }
    pid_t pid = -1;

private:
    bool exited_ = false;
    int status_ = 0;
};

// Writes a complete local-tier install for `port` under `home` (what configure writes).
inline gw::GatewaySettings write_install(const std::filesystem::path& home, int port,
                                         const std::string& cors = "http://localhost:3000") {
    gw::GatewaySettings s;
    s.port = port;
    s.cors_origin = cors;
    gw::write_config(gw::GatewayPaths(home), s, gw::new_auth_secret());
    return s;
}

inline std::string read(const std::filesystem::path& p) { return mosaic::support::read_file(p).value_or(""); }

inline unsigned mode_of(const std::filesystem::path& p) {
    return static_cast<unsigned>(std::filesystem::status(p).permissions()) & 0777u;
}

}  // namespace gateway_test
