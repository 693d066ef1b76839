#include "crash_report.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace mosaic::host {

namespace {

constexpr int reported_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction previous_actions[sizeof reported_signals / sizeof reported_signals[0]];
std::atomic<const PluginCrashScope*> current_scope{nullptr};
std::atomic<bool> installed{false};
alignas(16) char alternate_stack[64 * 1024];

const char* signal_name(int sig) {
    switch (sig) {
        case SIGSEGV: return "SIGSEGV";
        case SIGBUS: return "SIGBUS";
        case SIGFPE: return "SIGFPE";
        case SIGILL: return "SIGILL";
        case SIGABRT: return "SIGABRT";
        default: return "a signal";
    }
}

void write_all(const char* data, std::size_t len) {
    while (len > 0) {
        ssize_t n = ::write(STDERR_FILENO, data, len);
        if (n <= 0) return;
        data += n;
        len -= static_cast<std::size_t>(n);
    }
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
    if (const PluginCrashScope* scope = current_scope.load()) {
        write_all(scope->before().data(), scope->before().size());
        write_all(signal_name(sig), std::strlen(signal_name(sig)));
        write_all(scope->after().data(), scope->after().size());
        current_scope.store(nullptr);  // once: a second fault must not print again
    }
    for (std::size_t i = 0; i < sizeof reported_signals / sizeof reported_signals[0]; ++i)
        if (reported_signals[i] == sig) ::sigaction(sig, &previous_actions[i], nullptr);
    // A fault returns to the faulting instruction, which faults again under the restored
    // handler; a signal that was sent (kill, raise, abort) is sent again.
    if (info == nullptr || info->si_code <= 0) ::raise(sig);
}

}  // namespace

void install_plugin_crash_report() {
    if (installed.exchange(true)) return;
    stack_t ss{};
    ss.ss_sp = alternate_stack;
    ss.ss_size = sizeof alternate_stack;
    ::sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    ::sigemptyset(&sa.sa_mask);
    for (std::size_t i = 0; i < sizeof reported_signals / sizeof reported_signals[0]; ++i)
        ::sigaction(reported_signals[i], &sa, &previous_actions[i]);
}

PluginCrashScope::PluginCrashScope(const std::string& plugin, const std::string& library, const std::string& activity)
    : before_("mosaic: error: plugin '" + plugin + "' (" + library + ") crashed with "),
      after_(" while " + activity + "\n"),
      previous_(current_scope.load()) {
    current_scope.store(this);
}

PluginCrashScope::~PluginCrashScope() { current_scope.store(previous_); }

}  // namespace mosaic::host
