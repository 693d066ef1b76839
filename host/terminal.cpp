#include "terminal.hpp"

#include <mosaic/host_side.hpp>

#include "output.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <termios.h>
#include <unistd.h>

namespace mosaic::host {

namespace {

volatile std::sig_atomic_t interrupted = 0;
void on_sigint(int) { interrupted = 1; }

void say(const std::string& s) { output::err(s); }

// SIGINT interrupts the read (no SA_RESTART) instead of killing the process, so the
// terminal mode is restored and the command ends with 130.
class SigintGuard {
public:
    SigintGuard() {
        interrupted = 0;
        struct sigaction sa {};
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_);
    }
    ~SigintGuard() { sigaction(SIGINT, &old_, nullptr); }

private:
    struct sigaction old_ {};
};

class EchoOff {
public:
    EchoOff() {
        if (tcgetattr(STDIN_FILENO, &saved_) == 0) {
            termios t = saved_;
            t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            // TCSANOW, not TCSAFLUSH: what the user already typed must not be thrown away.
            active_ = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
        }
    }
    ~EchoOff() {
        if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    }

private:
    termios saved_{};
    bool active_ = false;
};

}  // namespace

Terminal::Terminal(bool assume_yes, bool stdin_tty, bool stderr_tty)
    : assume_yes_(assume_yes), stdin_tty_(stdin_tty), stderr_tty_(stderr_tty) {}

PromptResult Terminal::read_line(const std::string& question, bool echo, const std::string& prompt) {
    SigintGuard guard;
    std::optional<EchoOff> no_echo;
    if (!echo) no_echo.emplace();  // before the prompt shows, so nothing typed after it echoes
    if (!prompt.empty()) say(prompt);
    std::string text;
    while (true) {
        char c;
        ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n == 1) {
            if (c == '\n') break;
            text += c;
            continue;
        }
        if (n < 0 && errno == EINTR && !interrupted) continue;
        if (!echo) say("\n");
        if (interrupted) return {130, "interrupted while asking '" + question + "'"};
        say("\n");
        return {130, "no answer to '" + question + "' (end of input)"};
    }
    if (!echo) say("\n");
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return {0, text};
}

PromptResult Terminal::line(const std::string& question, const std::optional<std::string>& default_value,
                            const std::string& hint) {
    if (!interactive()) {
        if (default_value) return {0, *default_value};
        return {2, host_side::headless_message(question, hint, false)};
    }
    say(question + (default_value && !default_value->empty() ? " [" + *default_value + "]" : "") + ": ");
    auto r = read_line(question, true);
    if (r.code == 0 && r.text.empty() && default_value) r.text = *default_value;
    return r;
}

PromptResult Terminal::secret(const std::string& question, const std::string& hint) {
    if (!interactive()) return {2, host_side::headless_message(question, hint, false)};
    return read_line(question, false, question + ": ");
}

PromptResult Terminal::confirm(const std::string& question, bool default_yes, const std::string& hint, bool& answer) {
    if (!interactive()) {
        if (assume_yes_) return answer = true, PromptResult{};
        return {2, host_side::headless_message(question, hint, true)};
    }
    while (true) {
        say(question + (default_yes ? " [Y/n] " : " [y/N] "));
        auto r = read_line(question, true);
        if (r.code != 0) return r;
        if (r.text.empty()) return answer = default_yes, PromptResult{};
        if (r.text == "y" || r.text == "Y" || r.text == "yes" || r.text == "Yes") return answer = true, PromptResult{};
        if (r.text == "n" || r.text == "N" || r.text == "no" || r.text == "No") return answer = false, PromptResult{};
        say("please answer y or n\n");
    }
}

PromptResult Terminal::select(const std::string& question, const std::vector<std::string>& options,
                              uint32_t default_index, const std::string& hint, uint32_t& chosen) {
    if (options.empty()) return {2, "nothing to choose from for '" + question + "'"};
    if (default_index >= options.size()) default_index = 0;
    if (!interactive()) return chosen = default_index, PromptResult{};
    (void)hint;
    std::string menu = question + "\n";
    for (std::size_t i = 0; i < options.size(); ++i) menu += "  " + std::to_string(i + 1) + ") " + options[i] + "\n";
    say(menu);
    while (true) {
        say("choose 1-" + std::to_string(options.size()) + " [" + std::to_string(default_index + 1) + "]: ");
        auto r = read_line(question, true);
        if (r.code != 0) return r;
        if (r.text.empty()) return chosen = default_index, PromptResult{};
        char* end = nullptr;
        unsigned long n = std::strtoul(r.text.c_str(), &end, 10);
        if (end && *end == '\0' && n >= 1 && n <= options.size()) return chosen = static_cast<uint32_t>(n - 1), PromptResult{};
        say("please enter a number from 1 to " + std::to_string(options.size()) + "\n");
    }
}

void Terminal::progress(const std::string& label, int percent, bool done) {
    if (stderr_tty_) {
        // Redrawn in place; output ends the line when anything else is written meanwhile.
        std::string line = "\r\033[K" + label;
        if (percent >= 0) line += " " + std::to_string(percent) + "%";
        if (done) line += "\n";
        output::progress_line(line, done);
        return;
    }
    // Not a terminal: one line per new label, nothing for percentage updates.
    if (label != last_label_ && !label.empty()) say(label + "\n");
    last_label_ = done ? std::string() : label;
}

}  // namespace mosaic::host
