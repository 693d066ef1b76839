// fleet_test_support.hpp - small things the fleet tests share: a scripted ProcessInspector,
// a real child process handle, a private tmux server, file helpers.
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include <mosaic/error.hpp>
#include <mosaic/support/process.hpp>

#include "private_tmux.hpp"
#include "restart_lock.hpp"

extern char** environ;

namespace fleet_test {

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// Runs `f`, expecting mosaic::Error with `code`; returns its message.
template <class F>
inline std::string error_of(F&& f, int code = mosaic::exit_usage) {
    try {
        f();
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), code) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "no mosaic::Error thrown";
    return "";
}

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(line);
    return out;
}

// /proc seen through a script: pids listed in `start_times` are alive.
class FakeInspector : public mosaic::fleet::ProcessInspector {
public:
    long pid = 1000;
    std::string host_name = "box";
    std::string boot = "boot-1";
    std::map<long, std::uint64_t> start_times{{1000, 500}};
    long self_pid() const override { return pid; }
    std::string host() const override { return host_name; }
    std::string boot_id() const override { return boot; }
    std::optional<std::uint64_t> start_time(long p) const override {
        auto it = start_times.find(p);
        if (it == start_times.end()) return std::nullopt;
        return it->second;
    }
};

// A real child process; killed (SIGKILL) and reaped on destruction.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv) {
        std::vector<char*> raw;
        for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
        raw.push_back(nullptr);
        if (::posix_spawnp(&pid_, raw[0], nullptr, nullptr, raw.data(), environ) != 0) pid_ = -1;
    }
    ~Child() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    pid_t pid() const { return pid_; }
    void kill(int sig) { ::kill(pid_, sig); }
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

// Polls `pred` (real time) for up to `limit`; for waiting on real processes, never a timing
// assertion.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

using mosaic::testing::PrivateTmux;

using mosaic::testing::have_program;

}  // namespace fleet_test
