#include <mosaic/support/clock.hpp>

#include <thread>

namespace mosaic::support {

std::string format_utc(std::time_t t, const char* format) {
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[128];
    std::size_t n = std::strftime(buf, sizeof buf, format, &tm);
    return std::string(buf, n);
}

void RealSleeper::sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace mosaic::support
