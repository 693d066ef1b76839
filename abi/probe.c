/* ABI probe: a tiny shared library whose debug info contains every type of
 * sdk/include/mosaic/plugin_abi.h, so `abidw` can describe the plugin ABI and `abidiff` can
 * compare it with the committed baseline abi/plugin_abi.abi (tests/packaging/abi_guard.sh).
 * Not shipped. Every struct, enum and typedef of the header must be referenced below;
 * add a parameter here whenever the header gains a type. */
#include <mosaic/plugin_abi.h>

#define MOSAIC_PROBE_CAT2(a, b, c) mosaic_abi_probe_version_##a##_##b
#define MOSAIC_PROBE_CAT(a, b) MOSAIC_PROBE_CAT2(a, b, x)

/* Its name records the header's MOSAIC_ABI_MAJOR/MINOR in the ABI description. */
__attribute__((visibility("default"))) const int MOSAIC_PROBE_CAT(MOSAIC_ABI_MAJOR, MOSAIC_ABI_MINOR) = 1;

__attribute__((visibility("default"))) size_t mosaic_abi_probe(
    const struct mosaic_command_v1 *command, const struct mosaic_service_v1 *service,
    const struct mosaic_host_v1 *host, const struct mosaic_plugin_v1 *plugin, mosaic_status *status,
    mosaic_sink_fn sink, mosaic_plugin_query_fn query, enum mosaic_path_kind path_kind,
    enum mosaic_stream stream, enum mosaic_log_level log_level) {
    (void)status;
    (void)sink;
    (void)query;
    return sizeof *command + sizeof *service + sizeof *host + sizeof *plugin + (size_t)path_kind +
           (size_t)stream + (size_t)log_level;
}
