// The world of the gateway's end-to-end tests: the built `mosaic` with the built plugins in a
// private MosaicTestEnv, the README's Docker/CI variables on a free loopback port, and a fake
// systemctl that fails (no user manager: install starts a detached process). Every daemon a
// test leaves behind is killed.
#pragma once

#include <gtest/gtest.h>

#include <csignal>

#include <test_env.hpp>

#include "gateway_test_support.hpp"

namespace gateway_test {

class GatewayE2EWorld : public ::testing::Test {
protected:
    mosaic::testing::MosaicTestEnv env;
    int port = free_port();
    gw::GatewayPaths paths{env.mosaic_home};

    GatewayE2EWorld() {
        env.use_built_plugins();
        // The README's Docker/CI example, verbatim (plus a free port instead of 14242).
        env.env["MOSAIC_ASSUME_YES"] = "1";
        env.env["MOSAIC_ADMIN_NAME"] = "Admin";
        env.env["MOSAIC_ADMIN_EMAIL"] = "admin@example.com";
        env.env["MOSAIC_ADMIN_PASSWORD"] = "securepass123";
        env.env["MOSAIC_GATEWAY_PORT"] = std::to_string(port);
        env.write_script("systemctl", "#!/bin/sh\necho 'Failed to connect to bus: No medium found' >&2\nexit 1\n");
    }
    ~GatewayE2EWorld() override {
        for (auto f : {paths.pid_file, env.root / "fake-systemd.pid"})
            if (auto pid = gw::read_pid_file(f)) ::kill(*pid, SIGKILL);
    }
};

}  // namespace gateway_test
