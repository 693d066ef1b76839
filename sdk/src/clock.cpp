#include <mosaic/support/clock.hpp>

#include <thread>

namespace mosaic::support {

void RealSleeper::sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace mosaic::support
