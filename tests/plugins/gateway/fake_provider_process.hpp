// fake-provider as a child process of a test: on a free loopback port, recording what it
// received; stopped (SIGTERM, then reaped) with the object.
#pragma once

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <mosaic/support/file.hpp>
#include <mosaic/testing/fake_host.hpp>

#include "process_control.hpp"

namespace gateway_test {

class FakeProviderProcess {
public:
    explicit FakeProviderProcess(const std::string& anthropic_key = "sk-ant-provider-key",
                                 const std::string& openai_key = "sk-openai-provider-key", int idle_timeout_s = 60)
        : anthropic_key(anthropic_key), openai_key(openai_key) {
        mosaic::gateway::PosixProcessControl pc;
        pid_ = pc.spawn_detached({FAKE_PROVIDER, "--port-file", (dir_.path() / "port").string(), "--anthropic-key",
                                  anthropic_key, "--openai-key", openai_key, "--record", record_file().string(),
                                  "--idle-timeout", std::to_string(idle_timeout_s)},
                                 {{"PATH", "/usr/bin:/bin"}}, dir_.path() / "fake-provider.log");
        for (int i = 0; i < 200 && port == 0; ++i) {
            if (auto p = mosaic::support::read_file(dir_.path() / "port"); p && !p->empty()) port = std::stoi(*p);
            else std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    ~FakeProviderProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    FakeProviderProcess(const FakeProviderProcess&) = delete;
    FakeProviderProcess& operator=(const FakeProviderProcess&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
    std::filesystem::path record_file() const { return dir_.path() / "requests.jsonl"; }

    // Everything recorded so far, one JSON value per line.
    std::vector<nlohmann::json> recorded() const {
        std::vector<nlohmann::json> out;
        std::ifstream in(record_file());
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(nlohmann::json::parse(line));
        return out;
    }
    // Waits (bounded) until a line satisfying `pred` is recorded.
    template <class Pred>
    bool wait_for(Pred pred, std::chrono::milliseconds wait = std::chrono::seconds(5)) const {
        auto deadline = std::chrono::steady_clock::now() + wait;
        do {
            for (const auto& j : recorded())
                if (pred(j)) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        } while (std::chrono::steady_clock::now() < deadline);
        return false;
    }

    std::string anthropic_key, openai_key;
    int port = 0;

private:
    mosaic::testing::TempDir dir_;
    pid_t pid_ = -1;
};

}  // namespace gateway_test
