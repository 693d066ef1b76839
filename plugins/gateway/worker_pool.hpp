// worker_pool.hpp - the threads that do what may block (storage calls, password hashing), so
// that the HTTP engine's I/O threads never do. Bounded: when `max_queued` jobs are already
// waiting, try_post refuses the next one and the caller answers 503 at once instead of letting
// a stalled database pile up requests without end.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mosaic::gateway {

class WorkerPool {
public:
    WorkerPool(int threads, std::size_t max_queued);
    ~WorkerPool();  // stop()
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues `job`; false (and `job` dropped) when the queue is full or the pool stopped.
    // A job must not throw.
    bool try_post(std::function<void()> job);
    // Queues `job` whatever the queue holds: for bookkeeping that must not be dropped
    // (recording usage). Dropped only once the pool has stopped.
    void post(std::function<void()> job);
    // Runs every queued job, then joins the threads. Idempotent.
    void stop();

    std::size_t queued() const;

private:
    void run();

    std::size_t max_queued_;
    mutable std::mutex mu_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace mosaic::gateway
