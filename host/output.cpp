#include "output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include <mosaic/plugin_abi.h>

namespace mosaic::host::output {

namespace {

struct State {
    bool no_color_flag = false;
    int color_decided[3] = {-1, -1, -1};  // per stream: -1 unknown, 0 no, 1 yes
    bool progress_open = false;
    int stdout_errno = 0;  // the first error writing stdout
};

State& state() {
    static State s;
    return s;
}

bool env_set(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0';
}

void put(std::FILE* f, std::string_view data) {
    if (data.empty()) return;
    bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
    ok = std::fflush(f) == 0 && ok;
    if (!ok && f == stdout && state().stdout_errno == 0) state().stdout_errno = errno ? errno : EIO;
}

void end_progress_line() {
    if (!state().progress_open) return;
    state().progress_open = false;
    put(stderr, "\n");
}

}  // namespace

void disable_color() { state().no_color_flag = true; }

bool color(int stream) {
    int index = stream == MOSAIC_STDERR ? 2 : 1;
    int& decided = state().color_decided[index];
    if (decided < 0) {
        const char* term = std::getenv("TERM");
        bool dumb = term != nullptr && std::strcmp(term, "dumb") == 0;
        decided = !state().no_color_flag && !env_set("NO_COLOR") && !dumb &&
                  ::isatty(index == 2 ? STDERR_FILENO : STDOUT_FILENO) == 1;
    }
    return decided == 1;
}

std::string paint(std::string_view text, Tone tone, int stream) {
    return color(stream) ? mosaic::paint(text, tone) : std::string(text);
}

void write(int stream, std::string_view data) {
    if (data.empty()) return;
    end_progress_line();
    if (stream == MOSAIC_STDERR) {
        std::fflush(stdout);  // whatever was written to stdout first stays first
        put(stderr, data);
    } else {
        put(stdout, data);
    }
}

void progress_line(std::string_view text, bool done) {
    std::fflush(stdout);
    put(stderr, text);
    state().progress_open = !done;
}

void error(const std::string& message) {
    write(MOSAIC_STDERR, "mosaic: " + paint("error:", Tone::bad, MOSAIC_STDERR) + " " + message + "\n");
}

void warning(const std::string& message) {
    write(MOSAIC_STDERR, "mosaic: " + paint("warning:", Tone::warn, MOSAIC_STDERR) + " " + message + "\n");
}

int finish(int rc) {
    end_progress_line();
    if (std::fflush(stdout) != 0 && state().stdout_errno == 0) state().stdout_errno = errno ? errno : EIO;
    if (state().stdout_errno == 0) return rc;
    if (rc == 0) error(std::string("cannot write to standard output: ") + std::strerror(state().stdout_errno));
    return rc == 0 ? MOSAIC_EXIT_FAILED : rc;
}

}  // namespace mosaic::host::output
