// One conformance suite for both implementations of the host side of the ABI: the fixture
// plugin (tests/fixtures/fixture_plugin.cpp) runs under the real `mosaic` (its library, in a
// private world) and under FakeHost (its objects, in-process), and each answer a plugin can
// observe must be the same: headless prompt results and their wording, select's edge cases,
// a missing service, path and environment lookups, colour, exit statuses and error messages.
// A FakeHost that drifts from the host makes plugin tests pass that would fail for real.
#include <gtest/gtest.h>

#include <mosaic/testing/fake_host.hpp>

#include "plugin_world.hpp"

using namespace mosaic::testing;

namespace {

struct BothHosts {
    MosaicTestEnv env;
    FakeHost fake;
    BothHosts() { install_fixture(env.system_plugins, "fixture-good"); }

    // {exit status, stdout, error message} of `fixture-good args...` under each host.
    struct Outcome {
        int code;
        std::string out, error;
        bool operator==(const Outcome&) const = default;
    };
    Outcome real(const std::vector<std::string>& args) const {
        std::vector<std::string> all{"fixture-good"};
        all.insert(all.end(), args.begin(), args.end());
        auto r = env.mosaic(all);
        std::string error = r.err;
        const std::string prefix = "mosaic: error: ";
        if (error.rfind(prefix, 0) == 0) error = error.substr(prefix.size(), error.size() - prefix.size() - 1);
        return {r.exit_code, r.out, error};
    }
    Outcome faked(const std::vector<std::string>& args) {
        auto r = fake.run("fixture-good", args);
        return {r.code, r.out, r.error};
    }
};

std::ostream& operator<<(std::ostream& os, const BothHosts::Outcome& o) {
    return os << "{code " << o.code << ", out '" << o.out << "', error '" << o.error << "'}";
}

}  // namespace

TEST(HostConformance, HeadlessAnswersAreTheSameUnderBothHosts) {
    BothHosts hosts;
    auto real = hosts.real({"conform"});
    auto fake = hosts.faked({"conform"});
    ASSERT_EQ(real.code, 0) << real.error;
    EXPECT_EQ(fake, real);
    // What the lines say, so that the two cannot agree on something wrong.
    EXPECT_NE(real.out.find("line-default: 0 Mosaic\n"), std::string::npos) << real.out;
    EXPECT_NE(real.out.find("line-flag: 2 cannot ask 'Your name' without a terminal; pass --name\n"),
              std::string::npos) << real.out;
    EXPECT_NE(real.out.find("confirm: 2 cannot ask 'Proceed?' without a terminal; pass --section or pass --yes\n"),
              std::string::npos) << real.out;
    EXPECT_NE(real.out.find("select-empty: 2 nothing to choose from for 'Colour'\n"), std::string::npos) << real.out;
    EXPECT_NE(real.out.find("select-out-of-range-chosen: 0\n"), std::string::npos) << real.out;
    EXPECT_NE(real.out.find("path-stable: yes\n"), std::string::npos) << real.out;
}

TEST(HostConformance, ExitStatusesOutsideTheRangeAreFailuresUnderBothHosts) {
    BothHosts hosts;
    for (const char* code : {"0", "4", "64", "125", "126", "130", "255", "300", "-1"}) {
        auto real = hosts.real({"exit", code});
        EXPECT_EQ(hosts.faked({"exit", code}).code, real.code) << code;
        int expected = std::atoi(code);
        EXPECT_EQ(real.code, (expected >= 0 && expected <= 125) || expected == 130 ? expected : 1) << code;
    }
}

TEST(HostConformance, ErrorsReachTheUserTheSame) {
    BothHosts hosts;
    auto real = hosts.real({"fail", "3", "refused: 'x' is busy"});
    EXPECT_EQ(real, (BothHosts::Outcome{3, "", "refused: 'x' is busy"}));
    EXPECT_EQ(hosts.faked({"fail", "3", "refused: 'x' is busy"}), real);
}
