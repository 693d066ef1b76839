// error_code.hpp - the exit code a piece of domain code fails with.
#pragma once

#include <functional>

#include <mosaic/error.hpp>

namespace mosaic::testing {

// The code of the mosaic::Error that `f` throws, or 0 when it returns normally.
inline int error_code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const mosaic::Error& e) {
        return e.code();
    }
    return 0;
}

}  // namespace mosaic::testing
