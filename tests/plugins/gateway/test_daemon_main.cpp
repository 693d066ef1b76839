// gateway-test-daemon --mosaic-home DIR gateway run
// What `mosaic gateway run` does, without the host: tests launch it as the daemon.
#include <cstdio>
#include <cstring>
#include <string>

#include <mosaic/error.hpp>

#include "daemon.hpp"

int main(int argc, char** argv) {
    std::string home;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--mosaic-home") == 0) home = argv[i + 1];
    if (home.empty()) {
        std::fprintf(stderr, "usage: gateway-test-daemon --mosaic-home DIR gateway run\n");
        return 2;
    }
    try {
        return mosaic::gateway::run_daemon(mosaic::gateway::GatewayPaths(home));
    } catch (const mosaic::Error& e) {
        std::fprintf(stderr, "mosaic: error: %s\n", e.what());
        return e.code();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "mosaic: error: %s\n", e.what());
        return 1;
    }
}
