// mosaic/support/clock.hpp - time behind a seam, so anything that waits is testable.
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

namespace mosaic::support {

// `t` in UTC with a strftime(3) format, e.g. "%Y-%m-%dT%H:%M:%SZ" (ISO 8601) or
// "%a, %d %b %Y %H:%M:%S GMT" (HTTP's IMF-fixdate).
std::string format_utc(std::time_t t, const char* format);

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
};

class Sleeper {
public:
    virtual ~Sleeper() = default;
    virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

class SystemClock : public Clock {
public:
    std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

class RealSleeper : public Sleeper {
public:
    void sleep_for(std::chrono::milliseconds d) override;
};

// A clock that only moves when told to, and a sleeper that moves it instead of sleeping.
class FakeClock : public Clock {
public:
    explicit FakeClock(std::chrono::system_clock::time_point start = std::chrono::system_clock::time_point{} +
                                                                    std::chrono::hours(24 * 365 * 56))
        : now_(start) {}
    std::chrono::system_clock::time_point now() const override { return now_; }
    void advance(std::chrono::milliseconds d) { now_ += d; }

private:
    std::chrono::system_clock::time_point now_;
};

class FakeSleeper : public Sleeper {
public:
    explicit FakeSleeper(FakeClock* clock = nullptr) : clock_(clock) {}
    void sleep_for(std::chrono::milliseconds d) override {
        sleeps.push_back(d);
        if (clock_) clock_->advance(d);
    }
    std::vector<std::chrono::milliseconds> sleeps;

private:
    FakeClock* clock_;
};

}  // namespace mosaic::support
