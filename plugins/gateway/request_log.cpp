#include "request_log.hpp"

#include <cerrno>
#include <ctime>
#include <iterator>

#include <unistd.h>

#include <fmt/format.h>

#include <mosaic/support/clock.hpp>

namespace mosaic::gateway {

namespace {

constexpr std::size_t batch_bytes = 256 * 1024;

std::string utc_stamp(std::time_t t) { return support::format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

// Appends one line (with its newline) to `out`.
void append_line(std::string& out, std::string_view stamp, std::string_view client, std::string_view method,
                 std::string_view path, int status, double ms) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{} {} {} ", stamp, client, method);
    for (unsigned char c : path) {
        if (c < 0x20 || c == 0x7f) fmt::format_to(it, "%{:02X}", c);
        else out += static_cast<char>(c);
    }
    if (ms < 0) fmt::format_to(it, " {} -\n", status);
    else fmt::format_to(it, " {} {:.1f}ms\n", status, ms);
}

}  // namespace

std::string request_log_line(std::chrono::system_clock::time_point when, std::string_view client,
                             std::string_view method, std::string_view path, int status, double ms) {
    std::string out;
    append_line(out, utc_stamp(std::chrono::system_clock::to_time_t(when)), client, method, path, status, ms);
    out.pop_back();
    return out;
}

RequestLog::RequestLog(int fd, std::chrono::milliseconds interval)
    : fd_(fd), interval_(interval), writer_([this] { run(); }) {}

RequestLog::~RequestLog() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    wake_.notify_one();
    writer_.join();
    flush();
}

void RequestLog::request(std::string_view client, std::string_view method, std::string_view path, int status,
                         double ms) {
    // Formatted outside the lock, in this thread's own buffer and with its own time stamp.
    thread_local std::string line;
    thread_local std::time_t stamp_second = 0;
    thread_local std::string stamp;
    std::time_t now = std::time(nullptr);
    if (now != stamp_second) {
        stamp_second = now;
        stamp = utc_stamp(now);
    }
    line.clear();
    append_line(line, stamp, client, method, path, status, ms);
    bool full;
    {
        std::lock_guard lock(mu_);
        buffer_ += line;
        full = buffer_.size() >= batch_bytes;
    }
    if (full) wake_.notify_one();
}

void RequestLog::event(std::string_view line) {
    {
        std::lock_guard lock(mu_);
        std::time_t now = std::time(nullptr);
        buffer_ += utc_stamp(now);
        buffer_ += ' ';
        buffer_ += line;
        buffer_ += '\n';
    }
    flush();
}

void RequestLog::flush() {
    std::lock_guard order(write_mu_);
    std::string out;
    {
        std::lock_guard lock(mu_);
        out.swap(buffer_);
    }
    write_out(out);
}

void RequestLog::write_out(const std::string& bytes) {
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nowhere to write (a closed stdout): the daemon goes on
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void RequestLog::run() {
    std::unique_lock lock(mu_);
    while (!stop_) {
        wake_.wait_for(lock, interval_, [this] { return stop_ || buffer_.size() >= batch_bytes; });
        if (buffer_.empty()) continue;
        lock.unlock();
        flush();
        lock.lock();
    }
}

}  // namespace mosaic::gateway
