// Pins the layout of every ABI struct on x86_64 (LP64). A change here is an ABI break:
// fields may only be appended (which changes sizeof, never an offset) with a minor bump.
#include <cstddef>
#include <iterator>
#include <utility>

#include <gtest/gtest.h>

#include <mosaic/plugin_abi.h>

#if defined(__x86_64__)
#define PIN(type, size) static_assert(sizeof(type) == (size), #type " size changed")
#define AT(type, field, off) static_assert(offsetof(type, field) == (off), #type "." #field " moved")

PIN(mosaic_command_v1, 40);
AT(mosaic_command_v1, abi_major, 0);
AT(mosaic_command_v1, abi_minor, 4);
AT(mosaic_command_v1, struct_size, 8);
AT(mosaic_command_v1, name, 16);
AT(mosaic_command_v1, summary, 24);
AT(mosaic_command_v1, usage, 32);

PIN(mosaic_service_v1, 32);
AT(mosaic_service_v1, abi_major, 0);
AT(mosaic_service_v1, abi_minor, 4);
AT(mosaic_service_v1, struct_size, 8);
AT(mosaic_service_v1, name, 16);
AT(mosaic_service_v1, summary, 24);

PIN(mosaic_host_v1, 152);  // 136 in ABI 1.0
AT(mosaic_host_v1, abi_major, 0);
AT(mosaic_host_v1, abi_minor, 4);
AT(mosaic_host_v1, struct_size, 8);
AT(mosaic_host_v1, host_ctx, 16);
AT(mosaic_host_v1, write, 24);
AT(mosaic_host_v1, color_enabled, 32);
AT(mosaic_host_v1, is_interactive, 40);
AT(mosaic_host_v1, prompt_line, 48);
AT(mosaic_host_v1, prompt_secret, 56);
AT(mosaic_host_v1, confirm, 64);
AT(mosaic_host_v1, select, 72);
AT(mosaic_host_v1, progress, 80);
AT(mosaic_host_v1, path, 88);
AT(mosaic_host_v1, get_env, 96);
AT(mosaic_host_v1, log, 104);
AT(mosaic_host_v1, set_error, 112);
AT(mosaic_host_v1, emit_result, 120);
AT(mosaic_host_v1, call_service, 128);
AT(mosaic_host_v1, host_version, 136);  // 1.1
AT(mosaic_host_v1, plugin_dir, 144);    // 1.1

PIN(mosaic_plugin_v1, 120);  // 112 in ABI 1.0
AT(mosaic_plugin_v1, abi_major, 0);
AT(mosaic_plugin_v1, abi_minor, 4);
AT(mosaic_plugin_v1, struct_size, 8);
AT(mosaic_plugin_v1, name, 16);
AT(mosaic_plugin_v1, version, 24);
AT(mosaic_plugin_v1, vendor, 32);
AT(mosaic_plugin_v1, summary, 40);
AT(mosaic_plugin_v1, commands, 48);
AT(mosaic_plugin_v1, command_count, 56);
AT(mosaic_plugin_v1, services, 64);
AT(mosaic_plugin_v1, service_count, 72);
AT(mosaic_plugin_v1, init, 80);
AT(mosaic_plugin_v1, run, 88);
AT(mosaic_plugin_v1, call, 96);
AT(mosaic_plugin_v1, shutdown, 104);
AT(mosaic_plugin_v1, describe, 112);  // 1.1

static_assert(sizeof(mosaic_path_kind) == 4 && MOSAIC_PATH_EXECUTABLE == 3);
static_assert(MOSAIC_STDOUT == 1 && MOSAIC_STDERR == 2);
static_assert(MOSAIC_LOG_DEBUG == 0 && MOSAIC_LOG_ERROR == 3);
static_assert(MOSAIC_DIR_DATA == 0 && MOSAIC_DIR_CONFIG == 1 && MOSAIC_DIR_CACHE == 2);
#endif

// The same pins, checked where a test can fail and say which field moved; the static_asserts
// above stop the build first on x86_64. The offsets follow from the C rules on any LP64
// platform, so this runs wherever pointers are 8 bytes.
TEST(AbiLayout, EveryFieldIsWhereTheBaselineHasIt) {
    if (sizeof(void*) != 8) GTEST_SKIP() << "the pinned layout is LP64's";
    EXPECT_EQ(sizeof(mosaic_command_v1), 40u);
    EXPECT_EQ(offsetof(mosaic_command_v1, struct_size), 8u);
    EXPECT_EQ(offsetof(mosaic_command_v1, usage), 32u);
    EXPECT_EQ(sizeof(mosaic_service_v1), 32u);
    EXPECT_EQ(offsetof(mosaic_service_v1, summary), 24u);
    EXPECT_EQ(sizeof(mosaic_host_v1), 152u);
    const std::pair<std::size_t, std::size_t> host_fields[] = {
        {offsetof(mosaic_host_v1, host_ctx), 16},       {offsetof(mosaic_host_v1, write), 24},
        {offsetof(mosaic_host_v1, color_enabled), 32},  {offsetof(mosaic_host_v1, is_interactive), 40},
        {offsetof(mosaic_host_v1, prompt_line), 48},    {offsetof(mosaic_host_v1, prompt_secret), 56},
        {offsetof(mosaic_host_v1, confirm), 64},        {offsetof(mosaic_host_v1, select), 72},
        {offsetof(mosaic_host_v1, progress), 80},       {offsetof(mosaic_host_v1, path), 88},
        {offsetof(mosaic_host_v1, get_env), 96},        {offsetof(mosaic_host_v1, log), 104},
        {offsetof(mosaic_host_v1, set_error), 112},     {offsetof(mosaic_host_v1, emit_result), 120},
        {offsetof(mosaic_host_v1, call_service), 128}, {offsetof(mosaic_host_v1, host_version), 136},
        {offsetof(mosaic_host_v1, plugin_dir), 144},
    };
    for (std::size_t i = 0; i < std::size(host_fields); ++i)
        EXPECT_EQ(host_fields[i].first, host_fields[i].second) << "mosaic_host_v1 field " << i;
    EXPECT_EQ(sizeof(mosaic_plugin_v1), 120u);
    EXPECT_EQ(offsetof(mosaic_plugin_v1, commands), 48u);
    EXPECT_EQ(offsetof(mosaic_plugin_v1, service_count), 72u);
    EXPECT_EQ(offsetof(mosaic_plugin_v1, init), 80u);
    EXPECT_EQ(offsetof(mosaic_plugin_v1, shutdown), 104u);
    EXPECT_EQ(offsetof(mosaic_plugin_v1, describe), 112u);
}

// MOSAIC_ABI_HAS_FIELD is how a reader knows what an older, shorter struct holds.
TEST(AbiLayout, HasFieldFollowsStructSize) {
    mosaic_command_v1 c{};
    c.struct_size = offsetof(mosaic_command_v1, usage);  // as built before `usage` was appended
    EXPECT_FALSE(MOSAIC_ABI_HAS_FIELD(&c, mosaic_command_v1, usage));
    EXPECT_TRUE(MOSAIC_ABI_HAS_FIELD(&c, mosaic_command_v1, summary));
    c.struct_size = sizeof(mosaic_command_v1);
    EXPECT_TRUE(MOSAIC_ABI_HAS_FIELD(&c, mosaic_command_v1, usage));
}

// The range both sides apply to a command's exit status.
TEST(AbiLayout, ExitStatusRangeIsTheDocumentedOne) {
    for (int s : {0, 1, 2, 3, 4, 64, 69, 125, 130}) EXPECT_TRUE(MOSAIC_EXIT_STATUS_VALID(s)) << s;
    for (int s : {-1, 126, 127, 128, 129, 131, 255, 256}) EXPECT_FALSE(MOSAIC_EXIT_STATUS_VALID(s)) << s;
}
