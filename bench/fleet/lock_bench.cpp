// fleet_lock_bench - uncontended acquire + release of the fleet restart lock, real clock,
// sleeper and /proc, in a temp directory, against a baseline measured in the same run: the
// bare syscalls of a lock file (open O_CREAT|O_EXCL, write a record, close, unlink), which is
// the least any file-based cross-process lock costs. The two are interleaved so that the
// machine's load affects both alike.  Usage: fleet_lock_bench [iterations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

#include <mosaic/testing/fake_host.hpp>

#include "restart_lock.hpp"

namespace {

struct Stats {
    double median, p90, mean;
};

Stats stats(std::vector<double> us) {
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double u : us) sum += u;
    return {us[us.size() / 2], us[us.size() * 9 / 10], sum / static_cast<double>(us.size())};
}

template <class F>
double time_us(F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 2000;
    if (n < 10) n = 10;
    mosaic::testing::TempDir tmp;
    mosaic::support::SystemClock clock;
    mosaic::support::RealSleeper sleeper;
    mosaic::fleet::SystemProcessInspector inspector;
    auto path = tmp.path() / "fleet/run/restart.lock";
    auto bare = (tmp.path() / "fleet/run/bare.lock").string();
    const std::string record = "{\"pid\":" + std::to_string(::getpid()) + "}\n";
    std::vector<double> lock_us, bare_us;
    lock_us.reserve(n);
    bare_us.reserve(n);
    bool ok = true;
    for (int i = 0; i < n && ok; ++i) {
        lock_us.push_back(time_us([&] {
            mosaic::fleet::RestartLock lock(path, clock, sleeper, inspector);
            lock.acquire();
            ok = lock.release();
        }));
        bare_us.push_back(time_us([&] {
            int fd = ::open(bare.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            ok = ok && fd >= 0 && ::write(fd, record.data(), record.size()) == static_cast<ssize_t>(record.size());
            ::close(fd);
            ok = ok && ::unlink(bare.c_str()) == 0;
        }));
    }
    if (!ok) {
        std::fprintf(stderr, "fleet_lock_bench: a lock or the baseline failed\n");
        return 1;
    }
    Stats l = stats(lock_us), b = stats(bare_us);
    std::printf("baseline (open O_EXCL + write + close + unlink): n=%d median=%.1f us p90=%.1f us mean=%.1f us\n", n,
                b.median, b.p90, b.mean);
    std::printf("restart lock acquire+release, uncontended:      n=%d median=%.1f us p90=%.1f us mean=%.1f us\n", n,
                l.median, l.p90, l.mean);
    std::printf("ratio lock/baseline (median): %.2fx\n", l.median / b.median);
    return 0;
}
