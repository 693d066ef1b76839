// request_log.hpp - the daemon's log (its stdout: gateway.log under `start`), buffered so that
// an I/O thread never waits on a write: lines are appended to memory and a writer thread
// writes them out in batches, at least every `interval` (and at once when a batch grows past
// 256 KiB). event() lines (start, signals, stop) are written before it returns; so is
// everything buffered when flush() is called or the log is destroyed, so no line is lost on
// SIGTERM/SIGHUP.
//
// A request line is "<UTC time> <client> <METHOD> <path> <status> <ms>ms": the path only
// (never the query string, headers or body), so no secret reaches the log; control
// characters in it are escaped (%XX), so a URL cannot forge a line.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace mosaic::gateway {

std::string request_log_line(std::chrono::system_clock::time_point when, std::string_view client,
                             std::string_view method, std::string_view path, int status, double ms);

class RequestLog {
public:
    explicit RequestLog(int fd, std::chrono::milliseconds interval = std::chrono::milliseconds(250));
    ~RequestLog();
    RequestLog(const RequestLog&) = delete;
    RequestLog& operator=(const RequestLog&) = delete;

    void request(std::string_view client, std::string_view method, std::string_view path, int status, double ms);
    void event(std::string_view line);
    void flush();

private:
    void write_out(const std::string& bytes);
    void run();

    int fd_;
    std::chrono::milliseconds interval_;
    std::mutex mu_;           // guards buffer_, stop_
    std::mutex write_mu_;     // one write(2) batch at a time, in order
    std::condition_variable wake_;
    std::string buffer_;
    bool stop_ = false;
    std::thread writer_;
};

}  // namespace mosaic::gateway
