#include "worker_pool.hpp"

namespace mosaic::gateway {

WorkerPool::WorkerPool(int threads, std::size_t max_queued) : max_queued_(max_queued) {
    if (threads < 1) threads = 1;
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_post(std::function<void()> job) {
    {
        std::lock_guard lock(mu_);
        if (stopping_ || jobs_.size() >= max_queued_) return false;
        jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
}

void WorkerPool::post(std::function<void()> job) {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
}

void WorkerPool::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) t.join();
    threads_.clear();
}

std::size_t WorkerPool::queued() const {
    std::lock_guard lock(mu_);
    return jobs_.size();
}

void WorkerPool::run() {
    std::unique_lock lock(mu_);
    for (;;) {
        ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left to do
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        job = nullptr;  // release what it holds before waiting again
        lock.lock();
    }
}

}  // namespace mosaic::gateway
