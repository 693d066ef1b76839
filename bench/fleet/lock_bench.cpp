// fleet_lock_bench - uncontended acquire + release of the fleet restart lock, real clock,
// sleeper and /proc, in a temp directory.  Usage: fleet_lock_bench [iterations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include <mosaic/testing/fake_host.hpp>

#include "restart_lock.hpp"

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 2000;
    mosaic::testing::TempDir tmp;
    mosaic::support::SystemClock clock;
    mosaic::support::RealSleeper sleeper;
    mosaic::fleet::SystemProcessInspector inspector;
    auto path = tmp.path() / "fleet/run/restart.lock";
    std::vector<double> us;
    us.reserve(n);
    for (int i = 0; i < n; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        mosaic::fleet::RestartLock lock(path, clock, sleeper, inspector);
        lock.acquire();
        if (!lock.release()) return 1;
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double u : us) sum += u;
    std::printf("restart lock acquire+release, uncontended: n=%d median=%.1f us p90=%.1f us mean=%.1f us\n", n,
                us[us.size() / 2], us[us.size() * 9 / 10], sum / n);
    return 0;
}
