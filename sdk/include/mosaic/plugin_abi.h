/*
 * mosaic/plugin_abi.h - the one contract between the `mosaic` host and its plugins.
 *
 * Nothing C++ crosses this boundary: POD structs, fixed-width integers, UTF-8
 * `const char *`, function pointers. A plugin is a shared library that exports exactly
 * one symbol, `mosaic_plugin_query`. Plugin authors normally use the header-only C++
 * wrapper <mosaic/sdk.hpp> instead of this header directly.
 *
 * Discovery
 *   The host finds a plugin by its manifest, `<name>.plugin.json`, beside the library in a
 *   plugin directory, and never opens a library that no manifest names. Generate the
 *   manifest with `mosaic-plugin-manifest` (mosaic_add_plugin() does). The manifest's
 *   format and JSON Schema, the search path, the exit statuses and every rule a plugin
 *   follows: docs/plugin-manifest.md in the source tree, installed with the SDK as
 *   /usr/share/doc/mosaic-sdk-dev/plugin-manifest.md.
 *
 * Versioning
 *   Every struct starts with the frozen prefix { abi_major, abi_minor, struct_size }.
 *   - Fields are only ever appended. A reader touches a field only when struct_size
 *     covers it (see MOSAIC_ABI_HAS_FIELD).
 *   - Bump MOSAIC_ABI_MINOR when appending a field or a function pointer, and document
 *     beside it which minor introduced it. Bump MOSAIC_ABI_MAJOR (and reset the minor)
 *     for anything else: a removed, reordered or retyped field, or changed semantics.
 *   - The host accepts a plugin when plugin.abi_major == host major and
 *     plugin.abi_minor <= host minor: a plugin may be older than the host, never newer.
 *
 * Ownership
 *   - Strings passed as arguments are borrowed for the duration of the call only.
 *   - Descriptor strings (names, summaries, ...) are static: they live as long as the
 *     library, which the host never unloads.
 *   - Strings the host hands to a plugin (prompt answers, service results) arrive through
 *     a mosaic_sink_fn the plugin supplies; the plugin copies what it needs during the
 *     callback. Strings a plugin hands to the host (errors, results, output) go through a
 *     host callback that copies them. Whoever creates a thing destroys it.
 *   - No plugin thread outlives shutdown().
 *
 * Errors
 *   No exception, longjmp or C++ type crosses the boundary. Functions return an exit
 *   status (0 success, 1 failed, 2 usage/invalid input, 3 refused because of state,
 *   130 interrupted; docs/plugin-manifest.md, "Exit statuses") and describe failures with
 *   host->set_error(status, code, message). A status outside MOSAIC_EXIT_STATUS_VALID is
 *   reported as MOSAIC_EXIT_FAILED by both sides.
 */
#ifndef MOSAIC_PLUGIN_ABI_H
#define MOSAIC_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version of this header.
 * 1.0: initial version.
 * 1.1: mosaic_host_v1.host_version and .plugin_dir (enum mosaic_dir_kind);
 *      mosaic_plugin_v1.describe. */
#define MOSAIC_ABI_MAJOR 1
#define MOSAIC_ABI_MINOR 1

/* Name of the single exported entry point. */
#define MOSAIC_PLUGIN_QUERY_SYMBOL "mosaic_plugin_query"

/* Export attribute for the entry point (plugins are built with hidden visibility). */
#if defined(_WIN32)
#define MOSAIC_PLUGIN_EXPORT __declspec(dllexport)
#else
#define MOSAIC_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* True when the struct pointed to by `ptr` (which has the frozen prefix) is large enough
 * to contain `field`. Use it before reading any field appended after minor 0. */
#define MOSAIC_ABI_HAS_FIELD(ptr, type, field) \
    ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* Exit statuses shared by host and plugins (docs/plugin-manifest.md, "Exit statuses"). */
#define MOSAIC_EXIT_OK 0
#define MOSAIC_EXIT_FAILED 1
#define MOSAIC_EXIT_USAGE 2
#define MOSAIC_EXIT_REFUSED 3
#define MOSAIC_EXIT_INTERRUPTED 130

/* The statuses run() and call() may return: 0..MOSAIC_EXIT_MAX, or MOSAIC_EXIT_INTERRUPTED.
 * 126..255 belong to the shell (not executable, not found, killed by a signal), so a command
 * never claims them; anything outside the range is reported as MOSAIC_EXIT_FAILED. */
#define MOSAIC_EXIT_MAX 125
#define MOSAIC_EXIT_STATUS_VALID(s) \
    (((s) >= 0 && (s) <= MOSAIC_EXIT_MAX) || (s) == MOSAIC_EXIT_INTERRUPTED)

/* Per-call status slot, owned by the host and opaque to plugins. The host passes one to
 * init/run/call; the plugin fills it only through host->set_error and host->emit_result.
 * Valid for the duration of that call. */
typedef struct mosaic_status mosaic_status;

/* A receiver for bytes the host hands out. `data` is borrowed for the callback only (not
 * NUL-terminated necessarily; use `len`). The callback must not throw or longjmp. */
typedef void (*mosaic_sink_fn)(void *sink_ctx, const char *data, size_t len);

/* One top-level command a plugin provides, e.g. "config" or "gateway". */
struct mosaic_command_v1 {
    uint32_t abi_major;   /* required: MOSAIC_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;   /* required: MOSAIC_ABI_MINOR the plugin was built with */
    uint32_t struct_size; /* required: sizeof(struct mosaic_command_v1) */
    const char *name;     /* required: [a-z][a-z0-9-]*, static */
    const char *summary;  /* required: one line, no final period, static */
    const char *usage;    /* optional (may be NULL): "config show|get|set|path ...", static */
};

/* One service a plugin offers to other plugins through host->call_service. */
struct mosaic_service_v1 {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size; /* sizeof(struct mosaic_service_v1) */
    const char *name;     /* required: "<area>.<verb>", e.g. "gateway.start", static */
    const char *summary;  /* required: one line, static */
};

/* Paths the host resolves once (docs/architecture.md, "Paths"). */
enum mosaic_path_kind {
    MOSAIC_PATH_HOME = 0,        /* mosaic home: --mosaic-home, MOSAIC_HOME, ~/.config/mosaic */
    MOSAIC_PATH_CLAUDE_HOME = 1, /* CLAUDE_HOME, else ~/.claude */
    MOSAIC_PATH_DATA_DIR = 2,    /* this plugin's data dir: <home>/plugins/<name> */
    MOSAIC_PATH_EXECUTABLE = 3   /* absolute path of the running `mosaic` binary */
};

/* A plugin's own directories (host->plugin_dir, since 1.1), created 0700 on first use:
 *   DATA    <mosaic home>/plugins/<name>        what MOSAIC_PATH_DATA_DIR names
 *   CONFIG  <mosaic home>/config/<name>          settings the user may edit
 *   CACHE   ${XDG_CACHE_HOME:-~/.cache}/mosaic/plugins/<name>   may be deleted at any time */
enum mosaic_dir_kind { MOSAIC_DIR_DATA = 0, MOSAIC_DIR_CONFIG = 1, MOSAIC_DIR_CACHE = 2 };

enum mosaic_stream { MOSAIC_STDOUT = 1, MOSAIC_STDERR = 2 };

enum mosaic_log_level {
    MOSAIC_LOG_DEBUG = 0, /* shown only with MOSAIC_DEBUG=1 */
    MOSAIC_LOG_INFO = 1,  /* shown only with MOSAIC_DEBUG=1 */
    MOSAIC_LOG_WARN = 2,  /* always shown on stderr as "mosaic: warning: ..." */
    MOSAIC_LOG_ERROR = 3  /* always shown on stderr as "mosaic: error: ..." */
};

/* The host table, passed to init(). It stays valid until shutdown() returns. Every
 * function pointer the host's struct_size covers is set (never NULL). Every callback takes
 * `host_ctx` (the field below) as its first argument. A plugin built against a newer minor
 * than the host never loads (see Versioning), so a plugin may use every field of the header
 * it was built with; a host reads a plugin's fields only as far as its struct_size goes. */
struct mosaic_host_v1 {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size; /* sizeof(struct mosaic_host_v1) as the host was built */
    void *host_ctx;       /* opaque; pass back unchanged */

    /* --- output --------------------------------------------------------------------- */
    /* Write `len` bytes to the command's stdout / stderr. The host copies. */
    void (*write)(void *host_ctx, int32_t stream, const char *data, size_t len);
    /* 1 when colour may be used on `stream` (a TTY, no NO_COLOR, no --no-color), else 0. */
    int32_t (*color_enabled)(void *host_ctx, int32_t stream);

    /* --- terminal (the host owns it: every prompt goes through here) ----------------- */
    /* 1 when prompts may be shown: stdin is a TTY, no --yes, MOSAIC_ASSUME_YES != 1. */
    int32_t (*is_interactive)(void *host_ctx);
    /* The four prompts share one convention: they return 0 on success, or an exit status
     * on failure, in which case `sink` receives the error message (e.g. headless with no
     * value, end of input, interrupted = MOSAIC_EXIT_INTERRUPTED). `headless_hint` is
     * required: the flag or variable that supplies the value when no prompt can be shown,
     * e.g. "MOSAIC_ADMIN_EMAIL"; the host names it in the headless error. */
    /* Ask for one line; on success `sink` receives the answer. An empty answer yields
     * `default_value` (optional). Headless: returns default_value without asking when
     * there is one, otherwise fails with MOSAIC_EXIT_USAGE. */
    int32_t (*prompt_line)(void *host_ctx, const char *question, const char *default_value,
                           const char *headless_hint, mosaic_sink_fn sink, void *sink_ctx);
    /* Ask for a secret without echo; on success `sink` receives it. Headless: fails. */
    int32_t (*prompt_secret)(void *host_ctx, const char *question, const char *headless_hint,
                             mosaic_sink_fn sink, void *sink_ctx);
    /* Yes/no question; *answer receives 1 or 0. Headless: *answer = 1 when the user
     * assumed yes (--yes, MOSAIC_ASSUME_YES=1); otherwise (stdin is not a TTY) fails. */
    int32_t (*confirm)(void *host_ctx, const char *question, int32_t default_yes,
                       const char *headless_hint, int32_t *answer, mosaic_sink_fn sink,
                       void *sink_ctx);
    /* Choose one of `count` options; *chosen receives the index. Headless: returns
     * default_index without asking. */
    int32_t (*select)(void *host_ctx, const char *question, const char *const *options,
                      uint32_t count, uint32_t default_index, const char *headless_hint,
                      uint32_t *chosen, mosaic_sink_fn sink, void *sink_ctx);
    /* Report progress of a long wait. percent in 0..100, or -1 when unknown; done = 1 ends
     * it. On a TTY the host redraws one line; otherwise it prints a line per new label. */
    void (*progress)(void *host_ctx, const char *label, int32_t percent, int32_t done);

    /* --- paths and environment ------------------------------------------------------ */
    /* Absolute path for `kind` (enum mosaic_path_kind), valid until shutdown. NULL for an
     * unknown kind. */
    const char *(*path)(void *host_ctx, int32_t kind);
    /* Value of an environment variable, or NULL when unset. Valid until shutdown. Plugins
     * read the environment only through this, so tests can fake it. */
    const char *(*get_env)(void *host_ctx, const char *name);

    /* --- diagnostics ---------------------------------------------------------------- */
    void (*log)(void *host_ctx, int32_t level, const char *message);
    /* Record a failure of the current call: exit code and a message (lowercase, no final
     * period, subject quoted). The host copies the message and prints it once as
     * "mosaic: error: <message>" when the command ends. The last call wins. */
    void (*set_error)(mosaic_status *status, int32_t code, const char *message);
    /* Record the JSON document a service returns (call() only). The host copies. */
    void (*emit_result)(mosaic_status *status, const char *json, size_t len);

    /* --- other plugins ---------------------------------------------------------------- */
    /* Call service `name` (provided by any plugin, possibly this one) with a JSON
     * document. Returns the service's exit status. On 0, `sink` receives the result JSON;
     * on non-zero, `sink` receives the error message. A service nobody provides returns
     * MOSAIC_EXIT_REFUSED with a message naming the package that would provide it. */
    int32_t (*call_service)(void *host_ctx, const char *name, const char *json_in,
                            mosaic_sink_fn sink, void *sink_ctx);

    /* --- since 1.1 -------------------------------------------------------------------- */
    /* The running mosaic's version, e.g. "0.2.0"; static. */
    const char *host_version;
    /* This plugin's own directory of `kind` (enum mosaic_dir_kind), created with mode 0700
     * (and its parents) when missing. Returns the absolute path, valid until shutdown; or
     * NULL when it cannot be created or is not safe to use (owned by another user, writable
     * by group or others), with `sink` receiving why, naming the directory. */
    const char *(*plugin_dir)(void *host_ctx, int32_t kind, mosaic_sink_fn sink, void *sink_ctx);
};

/* What a plugin is. Returned by mosaic_plugin_query(); static, never freed. */
struct mosaic_plugin_v1 {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size; /* sizeof(struct mosaic_plugin_v1) */
    const char *name;     /* required: [a-z][a-z0-9-]*, unique across installed plugins */
    const char *version;  /* required: e.g. "1.2.0" */
    const char *vendor;   /* required */
    const char *summary;  /* required: one line */

    /* Arrays of pointers (so each element may grow independently). May be NULL when the
     * matching count is 0. */
    const struct mosaic_command_v1 *const *commands;
    uint32_t command_count;
    const struct mosaic_service_v1 *const *services;
    uint32_t service_count;

    /* init, run and call are required (never NULL); shutdown is optional (NULL: nothing to
     * do). */
    /* Called once, before any run() or call(). Store per-instance state in *plugin_ctx.
     * Returns 0, or an exit status with the status set. `host` outlives shutdown(). */
    int32_t (*init)(const struct mosaic_host_v1 *host, void **plugin_ctx, mosaic_status *status);
    /* Run top-level command `command`. argv[0] is the command name, argv[1..argc-1] the
     * words after it; all borrowed for the call. Returns the exit status (see
     * MOSAIC_EXIT_STATUS_VALID), with the status set on failure. */
    int32_t (*run)(void *plugin_ctx, const char *command, int32_t argc, const char *const *argv,
                   mosaic_status *status);
    /* Serve `service` with JSON input; the result goes through host->emit_result. */
    int32_t (*call)(void *plugin_ctx, const char *service, const char *json_in,
                    mosaic_status *status);
    /* Called once before the process exits, if init() succeeded. */
    void (*shutdown)(void *plugin_ctx);

    /* --- since 1.1 -------------------------------------------------------------------- */
    /* Optional (NULL: the plugin describes no command tree). Writes the command tree of its
     * top-level command `command` to `sink` as one JSON document (docs/plugin-manifest.md,
     * "Command tree": subcommands, options, arguments and how to complete their values) and
     * returns 0; any other status means "no tree for this command". Called without init(),
     * by mosaic-plugin-manifest at build time and by `mosaic plugins verify`: no side
     * effects, nothing kept. */
    int32_t (*describe)(const char *command, mosaic_sink_fn sink, void *sink_ctx);
};

/* The entry point every plugin exports. No side effects, no allocation; may be called
 * more than once. Returning NULL means "refuse to load". */
typedef const struct mosaic_plugin_v1 *(*mosaic_plugin_query_fn)(void);
MOSAIC_PLUGIN_EXPORT const struct mosaic_plugin_v1 *mosaic_plugin_query(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MOSAIC_PLUGIN_ABI_H */
