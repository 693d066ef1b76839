// crash_report.hpp - naming the plugin that crashed.
//
// While a plugin's code runs (loading its library, init, a command, a service call, shutdown)
// a PluginCrashScope holds one prepared line. If the process then receives SIGSEGV, SIGBUS,
// SIGFPE, SIGILL or SIGABRT, the handler writes that line to stderr with the signal's name,
//     mosaic: error: plugin 'gateway' (/usr/lib/.../gateway.so) crashed with SIGSEGV while running command 'gateway'
// and lets the signal end the process as before (the shell sees 128+signal): the handler only
// calls write(), sigaction() and raise(), which are async-signal-safe. Outside a scope it
// writes nothing. Scopes nest (a command calling another plugin's service) and belong to the
// process, not a thread: a plugin's own thread crashing during its command is named too.
#pragma once

#include <string>

namespace mosaic::host {

// Installs the handlers (on an alternate stack, so a stack overflow is reported too); the
// handlers that were there before are restored before the signal is delivered again. Once per
// process; later calls do nothing.
void install_plugin_crash_report();

class PluginCrashScope {
public:
    // `activity`: "loading", "starting", "running command 'x'", "serving 'x.y'", "stopping".
    PluginCrashScope(const std::string& plugin, const std::string& library, const std::string& activity);
    ~PluginCrashScope();
    PluginCrashScope(const PluginCrashScope&) = delete;
    PluginCrashScope& operator=(const PluginCrashScope&) = delete;

    // The line, around the signal's name: "mosaic: error: plugin 'x' (/p/x.so) crashed with "
    // and " while running command 'x'\n".
    const std::string& before() const { return before_; }
    const std::string& after() const { return after_; }

private:
    std::string before_, after_;
    const PluginCrashScope* previous_;
};

}  // namespace mosaic::host
