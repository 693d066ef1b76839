// Pins the layout of every ABI struct on x86_64 (LP64). A change here is an ABI break:
// fields may only be appended (which changes sizeof, never an offset) with a minor bump.
#include <cstddef>

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

PIN(mosaic_host_v1, 136);
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

PIN(mosaic_plugin_v1, 112);
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

static_assert(sizeof(mosaic_path_kind) == 4 && MOSAIC_PATH_EXECUTABLE == 3);
static_assert(MOSAIC_STDOUT == 1 && MOSAIC_STDERR == 2);
static_assert(MOSAIC_LOG_DEBUG == 0 && MOSAIC_LOG_ERROR == 3);
#endif

TEST(AbiLayout, IsPinnedAtCompileTimeOnX86_64) {
#if defined(__x86_64__)
    SUCCEED();
#else
    GTEST_SKIP() << "layout pins are for x86_64";
#endif
}
