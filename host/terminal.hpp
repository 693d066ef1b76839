// terminal.hpp - the host owns the terminal: every prompt a plugin shows goes through here.
// Prompts and progress are written to stderr, answers read from stdin. Headless (stdin is
// not a TTY, --yes, or MOSAIC_ASSUME_YES=1) nothing is ever asked: see plugin_abi.h for what
// each prompt then returns, and mosaic/host_side.hpp for the wording.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaic::host {

struct PromptResult {
    int code = 0;      // 0, or the exit status to fail with (2 headless, 130 interrupted)
    std::string text;  // the answer, or the error message
};

class Terminal {
public:
    // assume_yes: --yes or MOSAIC_ASSUME_YES=1.
    Terminal(bool assume_yes, bool stdin_tty, bool stderr_tty);

    bool interactive() const { return !assume_yes_ && stdin_tty_; }

    PromptResult line(const std::string& question, const std::optional<std::string>& default_value,
                      const std::string& hint);
    PromptResult secret(const std::string& question, const std::string& hint);
    PromptResult confirm(const std::string& question, bool default_yes, const std::string& hint, bool& answer);
    PromptResult select(const std::string& question, const std::vector<std::string>& options, uint32_t default_index,
                        const std::string& hint, uint32_t& chosen);
    void progress(const std::string& label, int percent, bool done);

private:
    // Reads one line from stdin (no echo when `echo` is false); `prompt` is shown after echo
    // is turned off (secrets). Fails with 130 on SIGINT and on end of input.
    PromptResult read_line(const std::string& question, bool echo, const std::string& prompt = "");

    bool assume_yes_, stdin_tty_, stderr_tty_;
    std::string last_label_;
};

}  // namespace mosaic::host
