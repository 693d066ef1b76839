// pty_session.hpp - the built `mosaic` on a pseudo-terminal (forkpty), for tests of what a
// user sees on a terminal: prompts, echo, colour, progress lines. Everything it writes is
// collected in `transcript`.
#pragma once

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <poll.h>
#include <pty.h>
#include <string>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

#include "mosaic_test_paths.hpp"

namespace mosaic::testing {

// Generous bounds so a stuck child fails the test instead of hanging it; nothing asserts on
// how long anything takes.
inline constexpr auto kExpectBound = std::chrono::seconds(180);

// `mosaic` on a pseudo-terminal: what it writes is collected in `transcript`.
class PtySession {
public:
    // TERM is `term` unless `env` sets it ("dumb" by default: no colour, no escapes).
    PtySession(const std::map<std::string, std::string>& env, const std::vector<std::string>& args,
               const std::filesystem::path& cwd, const std::string& term = "dumb") {
        std::vector<std::string> argv_s{mosaic::test_paths::mosaic_exe};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<std::string> env_s;
        for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
        if (!env.count("TERM")) env_s.push_back("TERM=" + term);
        std::vector<char*> argv, envp;
        for (auto& s : argv_s) argv.push_back(s.data());
        for (auto& s : env_s) envp.push_back(s.data());
        argv.push_back(nullptr);
        envp.push_back(nullptr);

        winsize ws{};
        ws.ws_row = 50;
        ws.ws_col = 200;
        pid_ = ::forkpty(&master_, nullptr, nullptr, &ws);
        if (pid_ == 0) {
            if (::chdir(cwd.c_str()) != 0) ::_exit(127);
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
    }
    ~PtySession() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (master_ >= 0) ::close(master_);
    }

    bool started() const { return pid_ > 0; }

    // Reads until `text` appears after what earlier expects consumed.
    bool expect(const std::string& text) {
        auto deadline = std::chrono::steady_clock::now() + kExpectBound;
        while (true) {
            auto at = transcript.find(text, cursor_);
            if (at != std::string::npos) {
                cursor_ = at + text.size();
                return true;
            }
            if (eof_ || std::chrono::steady_clock::now() > deadline) return false;
            pump(200);
        }
    }

    void send_line(const std::string& line) {
        std::string data = line + "\r";
        (void)!::write(master_, data.data(), data.size());
    }

    // Types a secret as soon as its prompt has been seen, as a quick typist would. The host
    // turns echo off before it shows a secret prompt, so echo must already be off here; if it
    // is not, the secret could be echoed and the test fails.
    bool send_secret(const std::string& secret) {
        termios t{};
        if (::tcgetattr(master_, &t) != 0 || (t.c_lflag & ECHO)) return false;
        send_line(secret);
        return true;
    }

    // Collects the rest of the output and the exit status.
    int wait_exit() {
        auto deadline = std::chrono::steady_clock::now() + kExpectBound;
        while (!eof_ && std::chrono::steady_clock::now() < deadline) pump(200);
        int status = 0;
        if (::waitpid(pid_, &status, eof_ ? 0 : WNOHANG) != pid_) return -1;
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    std::string transcript;

private:
    void pump(int timeout_ms) {
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return;
        char buf[4096];
        ssize_t n = ::read(master_, buf, sizeof buf);
        if (n > 0) transcript.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR) eof_ = true;  // EIO once the child closed the terminal
    }

    int master_ = -1;
    pid_t pid_ = -1;
    bool eof_ = false;
    bool exited_ = false;
    std::size_t cursor_ = 0;
};

}  // namespace mosaic::testing

namespace mosaic::testing {

// Where `marker` (a line mosaic prints, "==> ", "gateway started") does not start a line of
// `transcript`, e.g. because an unended progress line ("\r\033[K<label>" without a newline)
// was still open when it was written: the stretch around it, or "" when every occurrence
// starts a line.
inline std::string not_at_line_start(const std::string& transcript, const std::string& marker) {
    for (auto at = transcript.find(marker); at != std::string::npos; at = transcript.find(marker, at + 1))
        if (at != 0 && transcript[at - 1] != '\n') return transcript.substr(at < 60 ? 0 : at - 60, 60 + marker.size());
    return "";
}

}  // namespace mosaic::testing
