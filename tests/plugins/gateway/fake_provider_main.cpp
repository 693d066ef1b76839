// fake-provider: the fake Anthropic/OpenAI server of the gateway's tests and benchmarks (see
// fake_provider.hpp for what it answers). Serves on 127.0.0.1 with the gateway's own HTTP
// engine until SIGTERM/SIGINT.
//
//   fake-provider --port-file F [--port N] [--anthropic-key K] [--openai-key K]
//                 [--record F] [--threads N] [--idle-timeout SECONDS]
//
// --record appends one JSON line per request ({method, path, headers, body}) and one
// {"cancelled": path} line per stream whose client went away before its end.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <thread>

#include <boost/asio/steady_timer.hpp>

#include "fake_provider.hpp"
#include "http_server.hpp"

using namespace mosaic::gateway;
using nlohmann::json;

namespace {

struct Options {
    std::string port_file, anthropic_key = "sk-ant-fake", openai_key = "sk-fake", record;
    int port = 0, threads = 1, idle_timeout_s = 60;
};

class Recorder {
public:
    explicit Recorder(const std::string& path) {
        if (!path.empty()) out_.open(path, std::ios::app);
    }
    void line(const json& j) {
        if (!out_.is_open()) return;
        std::lock_guard lock(mu_);
        out_ << j.dump() << "\n" << std::flush;
    }

private:
    std::mutex mu_;
    std::ofstream out_;
};

HttpResponse json_response(int status, const json& body, std::vector<std::pair<std::string, std::string>> extra = {}) {
    extra.emplace_back("Content-Type", "application/json");
    extra.emplace_back("request-id", "req_fake");
    return HttpResponse{status, std::move(extra), body.dump()};
}

json anthropic_error(const std::string& type, const std::string& message) {
    return {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}};
}

json openai_error(const std::string& type, const std::string& code, const std::string& message) {
    return {{"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", code}}}};
}

// Sends `events` one by one, `gap` apart; `drop_after` events then a reset (0: all);
// `hang`: the head and nothing more.
void stream(Exchange ex, std::vector<std::string> events, std::chrono::milliseconds gap, std::size_t drop_after,
            bool hang, Recorder& rec, const std::string& path) {
    ex.begin(200, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}, {"request-id", "req_fake"}});
    ex.on_cancel([&rec, path, ex] {
        rec.line({{"cancelled", path}});
        ex.abort();
    });
    if (hang) return;
    struct State {
        Exchange ex;
        std::vector<std::string> events;
        std::size_t next = 0, drop_after;
        std::chrono::milliseconds gap;
        boost::asio::steady_timer timer;
    };
    auto st = std::make_shared<State>(State{ex, std::move(events), 0, drop_after, gap, boost::asio::steady_timer(ex.executor())});
    auto step = std::make_shared<std::function<void()>>();
    *step = [st, step] {
        if (st->drop_after && st->next == st->drop_after) return st->ex.abort();
        if (st->next == st->events.size()) {
            st->ex.end();
            *step = nullptr;  // breaks the cycle
            return;
        }
        st->ex.write(st->events[st->next++], [st, step](bool ok) {
            if (!ok || !*step) return;
            if (st->gap.count() == 0) return (*step)();
            st->timer.expires_after(st->gap);
            st->timer.async_wait([step](const boost::system::error_code& ec) {
                if (!ec && *step) (*step)();
            });
        });
    };
    (*step)();
}

void handle(const Options& opt, Recorder& rec, HttpRequest& r, Exchange ex) {
    json headers = json::object();
    for (const auto& [k, v] : r.headers) headers[k] = v;
    rec.line({{"method", r.method}, {"path", r.path}, {"query", r.query}, {"headers", headers}, {"body", r.body}});

    const std::string* api_key = r.header("x-api-key");
    const std::string* bearer = r.header("authorization");
    bool anthropic = r.path.rfind("/v1/messages", 0) == 0 || (r.path == "/v1/models" && api_key);
    if (anthropic) {
        if (!api_key || *api_key != opt.anthropic_key)
            return ex.respond(json_response(401, anthropic_error("authentication_error", "invalid x-api-key")));
    } else if (!bearer || *bearer != "Bearer " + opt.openai_key) {
        return ex.respond(json_response(401, openai_error("invalid_request_error", "invalid_api_key", "Incorrect API key provided")));
    }

    if (r.path == "/v1/models") {
        if (anthropic)
            return ex.respond(json_response(200, {{"data", {{{"id", "claude-test"}, {"type", "model"}, {"display_name", "Claude Test"}}}},
                                                  {"has_more", false}, {"first_id", "claude-test"}, {"last_id", "claude-test"}}));
        return ex.respond(json_response(200, {{"object", "list"}, {"data", {{{"id", "gpt-test"}, {"object", "model"}, {"owned_by", "fake"}}}}}));
    }
    if (r.path == "/v1/messages/count_tokens") return ex.respond(json_response(200, {{"input_tokens", 42}}));

    json body = json::parse(r.body, nullptr, false);
    std::string model = body.is_object() && body.contains("model") && body["model"].is_string() ? body["model"].get<std::string>() : "fake";
    bool streamed = body.is_object() && body.value("stream", false);
    if (model == "fake-rate-limited")
        return ex.respond(json_response(429, anthropic ? anthropic_error("rate_limit_error", "slow down")
                                                       : openai_error("requests", "rate_limit_exceeded", "slow down"),
                                        {{"retry-after", "7"}}));
    if (model == "fake-overloaded")
        return ex.respond(anthropic ? json_response(529, anthropic_error("overloaded_error", "Overloaded"))
                                    : json_response(503, openai_error("server_error", "overloaded", "Overloaded")));

    std::vector<std::string> events;
    if (r.path == "/v1/messages") {
        if (!streamed) return ex.respond(json_response(200, fake_provider::anthropic_message(model)));
        events = fake_provider::anthropic_events(model);
    } else if (r.path == "/v1/chat/completions") {
        if (!streamed) return ex.respond(json_response(200, fake_provider::chat_completion(model)));
        bool usage = body.contains("stream_options") && body["stream_options"].is_object() &&
                     body["stream_options"].value("include_usage", false);
        events = fake_provider::chat_events(model, usage);
    } else if (r.path == "/v1/responses") {
        if (!streamed) return ex.respond(json_response(200, fake_provider::response_object(model, true)));
        events = fake_provider::response_events(model);
    } else {
        return ex.respond(json_response(404, anthropic ? anthropic_error("not_found_error", "no such route")
                                                       : openai_error("invalid_request_error", "not_found", "no such route")));
    }
    auto gap = model == "fake-slow" ? std::chrono::milliseconds(300) : std::chrono::milliseconds(0);
    stream(ex, std::move(events), gap, model == "fake-drop" ? 2 : 0, model == "fake-hang", rec, r.path);
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--port-file") opt.port_file = v;
        else if (a == "--port") opt.port = std::stoi(v);
        else if (a == "--anthropic-key") opt.anthropic_key = v;
        else if (a == "--openai-key") opt.openai_key = v;
        else if (a == "--record") opt.record = v;
        else if (a == "--threads") opt.threads = std::stoi(v);
        else if (a == "--idle-timeout") opt.idle_timeout_s = std::stoi(v);
        else {
            std::cerr << "fake-provider: unknown option " << a << "\n";
            return 2;
        }
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Recorder rec(opt.record);
    ServerOptions so;
    so.port = opt.port;
    so.threads = opt.threads;
    so.limits.max_body_bytes = 64 * 1024 * 1024;
    so.max_connections_per_client = 100000;
    so.idle_timeout = std::chrono::seconds(opt.idle_timeout_s);
    HttpServer server(so, [&](HttpRequest& r, Exchange ex) { handle(opt, rec, r, std::move(ex)); }, {});
    server.bind();
    if (!opt.port_file.empty()) {
        std::ofstream(opt.port_file + ".tmp") << server.port() << "\n";
        std::rename((opt.port_file + ".tmp").c_str(), opt.port_file.c_str());
    }
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&set, &sig);
        server.stop();
    });
    server.serve();
    waiter.join();
    return 0;
}
