// app.hpp - one `mosaic` invocation: global options in, exit status out. Discovery, the
// terminal and the plugin runtime are created on first use, so `mosaic --version` touches
// no plugin directory.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "discovery.hpp"
#include "host_table.hpp"
#include "options.hpp"
#include "terminal.hpp"

namespace mosaic::host {

class Session {
public:
    explicit Session(GlobalOptions options);
    ~Session();

    const GlobalOptions& options() const { return options_; }
    const Discovery& discovery();
    Terminal& terminal();
    Runtime& runtime();

    // Every command a user can run: built-ins and usable plugin commands, sorted.
    std::vector<std::string> command_names();

    // For run_mosaic() alone, when the process is about to end: the discovery result is left
    // to the operating system instead of being freed manifest by manifest, which costs more
    // than reading them from the index did (bench/host). It stays reachable from a static, so
    // LeakSanitizer does not count it. Call it once per process.
    void keep_discovery_until_exit();

    // Before the first discovery(): keep the command tree of `command` in its manifest
    // (completion); discovery keeps no tree otherwise.
    void keep_tree_of(const std::string& command) { tree_of_ = command; }

    // "mosaic: error: <message>" on stderr.
    static void error(const std::string& message);

private:
    HostSettings host_settings();

    GlobalOptions options_;
    std::string tree_of_;
    std::unique_ptr<Discovery> discovery_;
    std::unique_ptr<Terminal> terminal_;
    std::unique_ptr<Runtime> runtime_;
};

// The whole program: main() calls this.
int run_mosaic(int argc, char** argv);

// /proc/self/exe, or "" when it cannot be read.
std::string executable_path();

}  // namespace mosaic::host
