// mosaic/error.hpp - the one error type of plugin-side C++ code.
//
// Domain code throws mosaic::Error with an exit code (docs/architecture.md, "Exit statuses")
// and a message in the house style (lowercase, no final period, subject quoted):
//     throw mosaic::Error(mosaic::exit_usage, "unknown key 'agnets' in '/x/roster.yaml' line 4");
// The SDK trampolines turn it into host->set_error(code, message); only the host prints.
#pragma once

#include <stdexcept>
#include <string>

namespace mosaic {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failed = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_refused = 3;
inline constexpr int exit_interrupted = 130;

class Error : public std::runtime_error {
public:
    Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

}  // namespace mosaic
