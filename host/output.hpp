// output.hpp - every byte the host writes, its own and the plugins', goes through here:
//   - each write is flushed at once, so stdout and stderr keep their order in a shared pipe
//     and `mosaic gateway logs -f | cat` shows lines as they come;
//   - a progress line left open on the terminal ("\r\033[K..." without a newline) is ended
//     before anything else is written, so no output lands on the end of it;
//   - colour is decided in one place (a terminal, no --no-color, no NO_COLOR, TERM not dumb);
//   - a failed write to stdout (a full disk, /dev/full) is remembered, and the exit status
//     says so (finish()).
#pragma once

#include <string>
#include <string_view>

#include <mosaic/tone.hpp>

namespace mosaic::host::output {

// --no-color. Call before the first color() (the decision is made once per stream).
void disable_color();
// Colour may be used on `stream` (MOSAIC_STDOUT or MOSAIC_STDERR).
bool color(int stream);
// `text` painted in `tone` when colour may be used on `stream`.
std::string paint(std::string_view text, Tone tone, int stream);

void write(int stream, std::string_view data);
inline void out(std::string_view data) { write(1, data); }
inline void err(std::string_view data) { write(2, data); }

// A progress line on the terminal (stderr): drawn over the previous one, left open until
// `done` or until anything else is written.
void progress_line(std::string_view text, bool done);

// "mosaic: error: <message>" and "mosaic: warning: <message>" on stderr.
void error(const std::string& message);
void warning(const std::string& message);

// The exit status of the process: `rc`, or 1 when writing to stdout failed (with a message
// saying so, unless `rc` already reports a failure).
int finish(int rc);

}  // namespace mosaic::host::output
