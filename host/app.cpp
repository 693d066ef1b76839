#include "app.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <pwd.h>
#include <unistd.h>

#include <mosaic/plugin_abi.h>

#include "commands.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
}

bool env_is_1(const char* name) { return env(name).value_or("") == "1"; }

std::string home_dir() {
    if (auto h = env("HOME"); h && !h->empty()) return *h;
    if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return pw->pw_dir;
    return "/";
}

// ${XDG_CACHE_HOME} when it is absolute, else $HOME/.cache; nullopt without either.
std::optional<std::string> cache_home() {
    if (auto c = env("XDG_CACHE_HOME"); c && fs::path(*c).is_absolute()) return *c;
    if (auto h = env("HOME"); h && !h->empty()) return *h + "/.cache";
    return std::nullopt;
}

std::string absolute(const std::string& p) {
    std::error_code ec;
    auto a = fs::absolute(p, ec);
    return ec ? p : a.lexically_normal().string();
}

}  // namespace

std::string executable_path() {
    char buf[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

Session::Session(GlobalOptions options) : options_(std::move(options)) {}

Session::~Session() {
    if (runtime_) runtime_->shutdown_all();
}

// Where keep_discovery_until_exit() leaves the discovery result (external: the store stays).
const Discovery* discovery_kept_until_exit = nullptr;

void Session::keep_discovery_until_exit() {
    runtime_.reset();  // plugins shut down first, as in ~Session(): they point into discovery_
    discovery_kept_until_exit = discovery_.release();
}

void Session::error(const std::string& message) { output::error(message); }

const Discovery& Session::discovery() {
    if (discovery_) return *discovery_;
    SearchInputs in;
    in.plugin_dirs = options_.plugin_dirs;
    in.plugin_path_env = env("MOSAIC_PLUGIN_PATH");
    in.xdg_data_home = env("XDG_DATA_HOME");
    in.home = env("HOME");
    in.system_path_env = env("MOSAIC_PLUGIN_SYSTEM_PATH");
    in.exe_dir = fs::path(executable_path()).parent_path();
    in.libdir = MOSAIC_INSTALL_LIBDIR;
    in.setuid = ::getuid() != ::geteuid() || ::getgid() != ::getegid();

    DiscoveryRules rules;
    rules.disabled = parse_disabled(env("MOSAIC_PLUGINS_DISABLE").value_or(""));
    rules.builtins = builtin_names();
    rules.host_abi_major = MOSAIC_ABI_MAJOR;
    rules.host_abi_minor = MOSAIC_ABI_MINOR;
    rules.tree_of = tree_of_;
    if (auto c = cache_home(); c && !in.setuid) rules.index_dir = *c + "/mosaic/plugin-index";
    if (env_is_1("MOSAIC_DEBUG_PLUGINS")) {
        rules.debug = [](const std::string& m) { output::err("mosaic: plugins: " + m + "\n"); };
        if (in.setuid) rules.debug("set-uid process: MOSAIC_PLUGIN_PATH, XDG_DATA_HOME and MOSAIC_PLUGIN_SYSTEM_PATH ignored");
        for (const auto& name : rules.disabled) rules.debug("'" + name + "' disabled by MOSAIC_PLUGINS_DISABLE");
    }
    discovery_ = std::make_unique<Discovery>(discover(search_path(in), rules));
    return *discovery_;
}

Terminal& Session::terminal() {
    if (!terminal_) {
        bool assume_yes = options_.yes || env_is_1("MOSAIC_ASSUME_YES");
        terminal_ = std::make_unique<Terminal>(assume_yes, ::isatty(STDIN_FILENO) == 1, ::isatty(STDERR_FILENO) == 1);
    }
    return *terminal_;
}

HostSettings Session::host_settings() {
    HostSettings s;
    if (options_.mosaic_home) s.home = absolute(*options_.mosaic_home);
    else if (auto h = env("MOSAIC_HOME"); h && !h->empty()) s.home = absolute(*h);
    else s.home = home_dir() + "/.config/mosaic";
    if (auto c = env("CLAUDE_HOME"); c && !c->empty()) s.claude_home = absolute(*c);
    else s.claude_home = home_dir() + "/.claude";
    s.executable = executable_path();
    s.cache_home = cache_home().value_or(home_dir() + "/.cache");
    s.debug_log = env_is_1("MOSAIC_DEBUG");
    s.debug_plugins = env_is_1("MOSAIC_DEBUG_PLUGINS");
    return s;
}

Runtime& Session::runtime() {
    if (!runtime_) runtime_ = std::make_unique<Runtime>(discovery(), host_settings(), terminal());
    return *runtime_;
}

std::vector<std::string> Session::command_names() {
    std::vector<std::string> names = builtin_names();
    for (const auto& [name, index] : discovery().commands) names.push_back(name);
    std::sort(names.begin(), names.end());
    return names;
}

int run_mosaic(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    // Everything may reach a plugin, and the ABI promises UTF-8.
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (!is_valid_utf8(args[i])) {
            Session::error("argument " + std::to_string(i + 1) + " '" + escape_for_message(args[i]) +
                           "' is not valid UTF-8");
            return MOSAIC_EXIT_USAGE;
        }
    }
    ParseResult parsed = parse_global_options(args);
    if (parsed.options.no_color) output::disable_color();
    if (!parsed.error.empty()) {
        Session::error(parsed.error);
        return MOSAIC_EXIT_USAGE;
    }
    GlobalOptions& o = parsed.options;
    if (o.version) {  // before anything else: no plugin directory is read
        output::out(version_line() + "\n");
        return output::finish(0);
    }

    Session session(std::move(o));
    const auto& words = session.options().command_args;
    int rc;
    if (session.options().help || words.empty()) {
        std::vector<std::string> help{"help"};
        if (!words.empty()) help.push_back(words[0]);
        rc = run_help(session, help);
    } else {
        rc = dispatch(session, words);
    }
    session.keep_discovery_until_exit();
    return output::finish(rc);
}

}  // namespace mosaic::host
