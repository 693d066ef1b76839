// The C++ SDK end to end without dlopen: the hello example driven through FakeHost.
#include <gtest/gtest.h>

#include <mosaic/sdk.hpp>
#include <mosaic/testing/fake_host.hpp>

using mosaic::testing::FakeHost;

TEST(SdkDescriptor, CarriesTheFrozenPrefixAndDeclaredData) {
    FakeHost host;
    const mosaic_plugin_v1& d = host.descriptor();
    EXPECT_EQ(d.abi_major, MOSAIC_ABI_MAJOR);
    EXPECT_EQ(d.abi_minor, MOSAIC_ABI_MINOR);
    EXPECT_EQ(d.struct_size, sizeof(mosaic_plugin_v1));
    EXPECT_STREQ(d.name, "hello");
    ASSERT_EQ(d.command_count, 1u);
    EXPECT_EQ(d.commands[0]->struct_size, sizeof(mosaic_command_v1));
    EXPECT_STREQ(d.commands[0]->name, "hello");
    ASSERT_EQ(d.service_count, 1u);
    EXPECT_STREQ(d.services[0]->name, "hello.greet");
}

TEST(SdkRun, CommandOutputGoesThroughTheHost) {
    FakeHost host;
    auto r = host.run("hello", {"Ada", "--shout"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "HELLO, ADA!\n");
    EXPECT_EQ(r.err, "");
}

TEST(SdkRun, HelpIsPrintedAndExitsZero) {
    FakeHost host;
    auto r = host.run("hello", {"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("--shout"), std::string::npos);
}

TEST(SdkRun, ParseErrorBecomesUsageErrorNotCli11Code) {
    FakeHost host;
    auto r = host.run("hello", {"--no-such-flag"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.error.find("--no-such-flag"), std::string::npos);
    EXPECT_NE(r.error.find("mosaic hello --help"), std::string::npos);
}

TEST(SdkRun, MosaicErrorKeepsItsCode) {
    FakeHost host;
    auto r = host.run("hello", {""});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.error, "the name must not be empty");
}

TEST(SdkCall, ServiceReturnsJsonThroughEmitResult) {
    FakeHost host;
    auto r = host.call("hello.greet", {{"name", "Grace"}});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.json, (nlohmann::json{{"greeting", "Hello, Grace!"}}));
}

TEST(SdkCall, UnknownServiceIsRefused) {
    FakeHost host;
    auto r = host.call("hello.nope");
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.error.find("hello.nope"), std::string::npos);
}

// ABI 1.1 through the C++ wrapper: the host's version and the plugin's own directories, as
// FakeHost serves them (created 0700 on first use, like the real host).
TEST(SdkContext, AsksTheHostsVersionAndItsOwnDirectories) {
    FakeHost host;
    mosaic::Context ctx(&host.table());
    EXPECT_EQ(ctx.host_version(), FakeHost::host_version);
    for (auto [dir, want] : {std::pair{ctx.config_dir(), host.config_dir}, std::pair{ctx.cache_dir(), host.cache_dir},
                             std::pair{ctx.own_dir(MOSAIC_DIR_DATA), host.data_dir}}) {
        EXPECT_EQ(dir, want);
        EXPECT_EQ(std::filesystem::status(dir).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_all);
    }
    try {
        ctx.own_dir(42);
        ADD_FAILURE() << "an unknown kind must throw";
    } catch (const mosaic::Error& e) {
        EXPECT_EQ(e.code(), mosaic::exit_failed);
        EXPECT_STREQ(e.what(), "unknown directory kind 42");
    }
}
