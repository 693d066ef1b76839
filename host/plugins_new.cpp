// `mosaic plugins new NAME [DIR]`: writes a complete out-of-tree plugin project (CMake with
// find_package(MosaicSDK) and mosaic_add_plugin, a command with two subcommands in the shape of mosaic/cli.hpp,
// a FakeHost test registered with ctest, a README) from the templates below, which are data.
// Every file is written atomically; on a failure nothing of the project is left behind.

#include <array>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <mosaic/error.hpp>
#include <mosaic/plugin_abi.h>
#include <mosaic/support/file.hpp>
#include <mosaic/support/text.hpp>

#include "app.hpp"
#include "catalogue.hpp"
#include "commands.hpp"
#include "output.hpp"

namespace mosaic::host {

namespace {

namespace fs = std::filesystem;

const char* const plugins_new_help =
    "usage: mosaic plugins new NAME [DIR]\n"
    "\n"
    "Writes a new plugin project into DIR (default: ./NAME), to build out of tree against the\n"
    "installed Mosaic SDK (package mosaic-sdk-dev):\n"
    "  CMakeLists.txt         find_package(MosaicSDK), mosaic_add_plugin(NAME ...), the test\n"
    "  src/NAME.cpp           the command 'mosaic NAME' with two subcommands (greet [WHO] [--json],\n"
    "                         version), in the house shape\n"
    "                         (a command table, an options struct, define_x and run_x, Deps)\n"
    "  tests/NAME_test.cpp    GoogleTest with the in-process FakeHost, registered with ctest\n"
    "  README.md              how to build, test, install to a prefix and have mosaic find it\n"
    "  .gitignore\n"
    "Nothing is compiled; the commands to build, test and run it are printed.\n"
    "\n"
    "NAME is the plugin's name and its command: a lowercase letter, then lowercase letters,\n"
    "digits and '-'; not a built-in command of mosaic nor a first-party plugin's command.\n"
    "DIR must not exist or be an empty directory; its parents are created. Every file is\n"
    "written atomically, and when one cannot be written nothing of the project is left.\n"
    "\n"
    "exit status: 0 written; 1 a file could not be written; 2 bad NAME or arguments; 3 DIR\n"
    "exists and is not an empty directory.\n";

// The files of a project, as data. In paths and texts, @NAME@ is the plugin's name, @IDENT@
// the name as a C++ identifier ('-' becomes '_'), @CLASS@ the name in CamelCase and
// @SDK_VERSION@ this mosaic's major.minor (the SDK it comes with).

constexpr const char* cmakelists_template = R"tpl(# The Mosaic plugin '@NAME@', built out of tree against the installed Mosaic SDK
# (written by `mosaic plugins new`; README.md says how to build, test and install it).
cmake_minimum_required(VERSION 3.25)
project(mosaic-plugin-@NAME@ VERSION 0.1.0 LANGUAGES CXX)

find_package(MosaicSDK @SDK_VERSION@ REQUIRED)
find_package(CLI11 REQUIRED)

# build/plugins/@NAME@.so and @NAME@.plugin.json, its manifest; `cmake --install` puts both in
# MOSAIC_PLUGIN_INSTALL_DIR, by default <prefix>/${CMAKE_INSTALL_LIBDIR}/mosaic/plugins.
mosaic_add_plugin(NAME @NAME@ SOURCES src/@NAME@.cpp LIBRARIES CLI11::CLI11)
target_compile_definitions(@NAME@_objects PRIVATE PLUGIN_VERSION="${PROJECT_VERSION}")

include(CTest)
if(BUILD_TESTING)
  find_package(GTest REQUIRED)
  include(GoogleTest)
  # The plugin's own objects under the in-process FakeHost: no dlopen, a temporary home.
  add_executable(@NAME@_test tests/@NAME@_test.cpp)
  target_link_libraries(@NAME@_test PRIVATE @NAME@_objects GTest::gtest_main)
  gtest_discover_tests(@NAME@_test)
endif()

# A Debian package of this plugin depends on the plugin ABI it was built for:
#   set(CPACK_DEBIAN_PACKAGE_DEPENDS "${MOSAIC_PLUGIN_DEB_DEPENDS}")
)tpl";

constexpr const char* source_template = R"tpl(// The Mosaic plugin '@NAME@': the command `mosaic @NAME@`, in the shape of every first-party
// plugin (<mosaic/cli.hpp>): an options struct, define_x() declaring its options, run_x()
// doing the work through Deps, and one row per command in the plugin's table.
#include <array>
#include <memory>
#include <string>

#include <mosaic/cli.hpp>
#include <mosaic/sdk.hpp>

namespace mosaic_plugin_@IDENT@ {

// The host's Context and every effect the commands have (a process runner, a clock, ...),
// built by make_deps() on first use, so --help never builds it and tests can swap its parts.
struct Deps {
    const mosaic::Context& ctx;
};

struct GreetOptions {
    std::string who = "world";
    bool json = false;
};

void define_greet(CLI::App& app, GreetOptions& o) {
    app.add_option("who", o.who, "who to greet (default: world)");
    app.add_flag("--json", o.json, "print one JSON document");
}

// Output goes through the host (ctx.out, ctx.err); a failure is a mosaic::Error with an exit
// status (docs/plugin-manifest.md, "Exit statuses"), which the host prints once.
int run_greet(const GreetOptions& o, Deps& d) {
    if (o.who.empty()) throw mosaic::Error(mosaic::exit_usage, "the name to greet must not be empty");
    std::string greeting = "Hello, " + o.who + ", from @NAME@!";
    if (o.json) d.ctx.out(nlohmann::json{{"greeting", greeting}}.dump() + "\n");
    else d.ctx.out(greeting + "\n");
    return 0;
}

constexpr const char* greet_help =
    "Prints a greeting: replace it with what @NAME@ does.\n"
    "\n"
    "exit status: 0 ok; 2 bad input (an empty name).";

// `mosaic @NAME@ version`: a command without options. ctx.host_version() is ABI 1.1.
int run_version(const mosaic::cli::NoOptions&, Deps& d) {
    d.ctx.out("@NAME@ " PLUGIN_VERSION " (mosaic " + d.ctx.host_version() + ")\n");
    return 0;
}

// The subcommands of `mosaic @NAME@`, one row each: add a row (and its run_x) for a new one.
// --help, `help <command>` and shell completion of them all come from this table.
constexpr std::array @IDENT@_commands{
    mosaic::cli::command<&define_greet, &run_greet>("greet", "print a greeting", greet_help),
    mosaic::cli::command<&run_version>("version", "print the plugin's version and mosaic's"),
};

class @CLASS@Plugin final : public mosaic::TablePlugin<@CLASS@Plugin, Deps> {
public:
    static constexpr mosaic::PluginInfo info{"@NAME@", PLUGIN_VERSION, "@NAME@ authors", "the @NAME@ plugin"};
    static constexpr std::array commands{
        mosaic::cli::group<@IDENT@_commands>("@NAME@", "the @NAME@ plugin's commands", nullptr,
                                              "@NAME@ greet [WHO] [--json] | version"),
    };
    static constexpr std::array<mosaic::cli::Service<Deps>, 0> services{};
    static std::unique_ptr<Deps> make_deps(const mosaic::Context& ctx) { return std::make_unique<Deps>(Deps{ctx}); }

    using TablePlugin::TablePlugin;
};

}  // namespace mosaic_plugin_@IDENT@

MOSAIC_PLUGIN(mosaic_plugin_@IDENT@::@CLASS@Plugin)
)tpl";

constexpr const char* test_template = R"tpl(// The plugin '@NAME@' under the in-process FakeHost (<mosaic/testing/fake_host.hpp>): its
// objects are linked in, so there is no dlopen; HOME and the mosaic home are temporary.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mosaic/testing/fake_host.hpp>

using mosaic::testing::FakeHost;

TEST(@CLASS@Command, GreetsTheWorldByDefault) {
    FakeHost host;
    auto r = host.run("@NAME@", {"greet"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.out, "Hello, world, from @NAME@!\n");
    EXPECT_EQ(r.err, "");
}

TEST(@CLASS@Command, JsonIsOneDocument) {
    FakeHost host;
    auto r = host.run("@NAME@", {"greet", "Ada", "--json"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(nlohmann::json::parse(r.out)["greeting"], "Hello, Ada, from @NAME@!");
}

TEST(@CLASS@Command, AnEmptyNameIsAUsageError) {
    FakeHost host;
    auto r = host.run("@NAME@", {"greet", ""});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.error, "the name to greet must not be empty");
}

TEST(@CLASS@Command, VersionNamesThePluginAndTheHost) {
    FakeHost host;
    auto r = host.run("@NAME@", {"version"});
    EXPECT_EQ(r.code, 0) << r.error;
    EXPECT_EQ(r.out, std::string("@NAME@ 0.1.0 (mosaic ") + FakeHost::host_version + ")\n");
}
)tpl";

constexpr const char* readme_template = R"tpl(# @NAME@

A plugin of `mosaic`: the command `mosaic @NAME@`. Written by `mosaic plugins new`; the
contract a plugin follows is `plugin-manifest.md` (package mosaic-sdk-dev:
/usr/share/doc/mosaic-sdk-dev/, beside `services.md` and the manifest's JSON Schema).

- `CMakeLists.txt`: find_package(MosaicSDK), mosaic_add_plugin(), the test
- `src/@NAME@.cpp`: the plugin, its command table and the command
- `tests/@NAME@_test.cpp`: the command under the in-process FakeHost (GoogleTest)

## Build and test

It needs the Mosaic SDK (`apt install mosaic-sdk-dev`, or from a Mosaic checkout
`cmake --install build --component sdk --prefix DIR`), CLI11 and, for the test, GoogleTest
(`libgtest-dev`; `-DBUILD_TESTING=OFF` builds without it).

    cmake -S . -B build            # add -DCMAKE_PREFIX_PATH=DIR for an SDK installed in DIR
    cmake --build build
    ctest --test-dir build --output-on-failure

Run it without installing anything: `mosaic --plugin-dir build/plugins @NAME@ greet`
(`mosaic --plugin-dir build/plugins @NAME@ --help` lists its commands; each is a row of the
table in `src/@NAME@.cpp`).
A plugin is two files, `@NAME@.so` and its manifest `@NAME@.plugin.json`, generated from the
library at build time; keep them together.

## Install, and have mosaic find it

`cmake --install` puts both files in `<prefix>/lib/mosaic/plugins` (`lib/<multiarch>` when
configured with the prefix /usr), the prefix being this build's: `-DCMAKE_INSTALL_PREFIX=PREFIX` or
`cmake --install build --prefix PREFIX`. `-DMOSAIC_PLUGIN_INSTALL_DIR=DIR` chooses another
directory, relative to the prefix or absolute. mosaic looks, in this order, in `--plugin-dir
DIR`, `MOSAIC_PLUGIN_PATH` (colon-separated), `${XDG_DATA_HOME:-~/.local/share}/mosaic/plugins`
and its own system directory. So either:

    # for you alone, found with nothing set:
    cmake -S . -B build -DMOSAIC_PLUGIN_INSTALL_DIR=share/mosaic/plugins
    cmake --build build && cmake --install build --prefix "$HOME/.local"

    # or any prefix, named to mosaic:
    cmake --install build --prefix /opt/@NAME@
    export MOSAIC_PLUGIN_PATH=/opt/@NAME@/lib/mosaic/plugins

Then `mosaic plugins list --strict` shows it ok, and `mosaic @NAME@ --help` runs it. Installed
with the prefix /usr, it is in the directory the Debian package of mosaic searches.

## A Debian package

A package of this plugin depends on the plugin ABI it was built for: the CMake package sets
`MOSAIC_PLUGIN_DEB_DEPENDS` (for CPack: `CPACK_DEBIAN_PACKAGE_DEPENDS`), and
`pkg-config --variable=plugin_deb_depends mosaic-sdk` prints the same.
)tpl";

constexpr const char* gitignore_template = "/build/\n";

struct ProjectFile {
    const char* path;  // relative to the project directory; @NAME@ is replaced
    const char* text;
};

constexpr std::array<ProjectFile, 5> project_files{{
    {"CMakeLists.txt", cmakelists_template},
    {"src/@NAME@.cpp", source_template},
    {"tests/@NAME@_test.cpp", test_template},
    {"README.md", readme_template},
    {".gitignore", gitignore_template},
}};

struct Names {
    std::string name, ident, camel, sdk_version;
};

Names names_for(const std::string& name) {
    Names n{name, name, "", MOSAIC_VERSION};
    for (auto& c : n.ident)
        if (c == '-') c = '_';
    bool upper = true;
    for (char c : name) {
        if (c != '-') n.camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = c == '-';
    }
    n.sdk_version = n.sdk_version.substr(0, n.sdk_version.rfind('.'));  // "0.1.0" -> "0.1"
    return n;
}

std::string render(std::string_view text, const Names& n) {
    const std::array<std::pair<std::string_view, const std::string*>, 4> vars{
        {{"@NAME@", &n.name}, {"@IDENT@", &n.ident}, {"@CLASS@", &n.camel}, {"@SDK_VERSION@", &n.sdk_version}}};
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        for (const auto& [key, value] : vars) {
            if (text.compare(i, key.size(), key) != 0) continue;
            out += *value;
            i += key.size();
            replaced = true;
            break;
        }
        if (!replaced) out += text[i++];
    }
    return out;
}

// Why `name` cannot be a new plugin's name, or nullopt.
std::optional<std::string> name_problem(const std::string& name) {
    const std::string quoted = "'" + escape_for_message(name) + "'";
    bool shape = !name.empty() && name[0] >= 'a' && name[0] <= 'z';
    for (char c : name) shape = shape && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
    if (!shape)
        return "invalid plugin name " + quoted +
               ": use a lowercase letter, then lowercase letters, digits and '-' (e.g. 'my-tool')";
    if (find_builtin(name))
        return "invalid plugin name " + quoted + ": it is a built-in command of mosaic; choose another name";
    if (const CatalogueEntry* e = catalogue_entry_for_command(name))
        return "invalid plugin name " + quoted + ": it is a command of the first-party plugin '" + e->plugin +
               "' (package " + e->package + "); choose another name";
    return std::nullopt;
}

// `path` for a shell command line: as it is when that is safe, else in single quotes.
std::string shell_word(const std::string& path) {
    bool plain = !path.empty();
    for (char c : path) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("/._-+:,@%").find(c) != std::string_view::npos);
    if (plain) return path;
    std::string out = "'";
    for (char c : path) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

namespace {

// The topmost directory of `dir`'s that does not exist yet (`dir` itself, or an ancestor that
// writing it would create), or nullopt when `dir` exists.
std::optional<fs::path> first_missing(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec) || ec) return std::nullopt;
    fs::path top = dir;
    while (top.has_parent_path() && top.parent_path() != top && !fs::exists(top.parent_path(), ec) && !ec)
        top = top.parent_path();
    return top;
}

// 0 when the project may be written into `dir`; else the error printed and its status.
int check_target(const fs::path& dir) {
    std::error_code ec;
    fs::file_status st = fs::status(dir, ec);
    if (st.type() == fs::file_type::not_found) return 0;
    const std::string quoted = "'" + escape_for_message(dir.string()) + "'";
    if (ec) {
        Session::error("cannot read " + quoted + ": " + ec.message() + "; choose another directory");
        return MOSAIC_EXIT_FAILED;
    }
    if (!fs::is_directory(st)) {
        Session::error("refusing to write into " + quoted + ": it exists and is not a directory; choose a new or empty directory");
        return MOSAIC_EXIT_REFUSED;
    }
    if (!fs::is_empty(dir, ec) || ec) {
        Session::error("refusing to write into " + quoted + ": the directory is not empty" +
                       (ec ? " or cannot be read (" + ec.message() + ")" : std::string()) +
                       "; choose a new or empty directory");
        return MOSAIC_EXIT_REFUSED;
    }
    return 0;
}

// Removes what a failed write left: the directories it created, or, in a directory that was
// empty, everything now in it.
void roll_back(const fs::path& dir, const std::optional<fs::path>& created) {
    std::error_code ec;
    if (created) {
        fs::remove_all(*created, ec);
        return;
    }
    std::vector<fs::path> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
    for (const auto& e : entries) fs::remove_all(e, ec);
}

// Writes every file of the project into `dir`, each atomically; all of them or none.
std::vector<fs::path> write_project(const fs::path& dir, const Names& n) {
    const std::optional<fs::path> created = first_missing(dir);
    std::vector<fs::path> written;
    try {
        for (const auto& f : project_files) {
            fs::path path = dir / render(f.path, n);
            support::write_file_atomic(path, render(f.text, n));
            written.push_back(path);
        }
    } catch (...) {
        roll_back(dir, created);
        throw;
    }
    return written;
}

void print_written(const fs::path& dir, const std::vector<fs::path>& written, const std::string& name) {
    std::string out;
    for (const auto& p : written) out += "wrote " + p.string() + "\n";
    const std::string d = shell_word(dir.string()), b = shell_word((dir / "build").string());
    out += "\nnext:\n"
           "  cmake -S " + d + " -B " + b + "    # -DCMAKE_PREFIX_PATH=<prefix> for an SDK elsewhere than /usr or /usr/local\n"
           "  cmake --build " + b + "\n"
           "  ctest --test-dir " + b + "\n"
           "  mosaic --plugin-dir " + shell_word((dir / "build/plugins").string()) + " " + name + "\n"
           "and " + shell_word((dir / "README.md").string()) + " says how to install it where mosaic finds it.\n";
    output::out(out);
}

// The words after `plugins new`: NAME and DIR, or the error printed and its status.
int parse_new_args(const std::vector<std::string>& args, std::vector<std::string>& words) {
    bool options_done = false;
    const std::string see = "; run 'mosaic plugins new --help'";
    for (std::size_t i = 2; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (!options_done && a == "--") options_done = true;
        else if (!options_done && (a == "-h" || a == "--help")) return output::out(plugins_new_help), -1;
        else if (!options_done && a.size() > 1 && a[0] == '-') {
            Session::error("unknown option '" + escape_for_message(a) + "' for 'plugins new'" + see);
            return MOSAIC_EXIT_USAGE;
        } else if (words.size() == 2) {
            Session::error("unexpected argument '" + escape_for_message(a) + "' for 'plugins new'" + see);
            return MOSAIC_EXIT_USAGE;
        } else words.push_back(a);
    }
    if (words.empty()) {
        Session::error("missing argument 'NAME' for 'plugins new'" + see);
        return MOSAIC_EXIT_USAGE;
    }
    if (words.size() == 2 && words[1].empty()) {
        Session::error("the directory argument of 'plugins new' is empty; give a directory or leave it out" + see);
        return MOSAIC_EXIT_USAGE;
    }
    return 0;
}

}  // namespace

int run_plugins_new(Session& /*session*/, const std::vector<std::string>& args) {
    std::vector<std::string> words;
    if (int rc = parse_new_args(args, words)) return rc < 0 ? 0 : rc;
    const std::string& name = words[0];
    if (auto problem = name_problem(name)) {
        Session::error(*problem);
        return MOSAIC_EXIT_USAGE;
    }
    fs::path dir = fs::absolute(words.size() > 1 ? fs::path(words[1]) : fs::path(name)).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "demo/" -> "demo"
    if (int rc = check_target(dir)) return rc;
    try {
        print_written(dir, write_project(dir, names_for(name)), name);
    } catch (const std::exception& e) {
        Session::error(std::string(e.what()) + "; nothing of the project was left in '" +
                       escape_for_message(dir.string()) + "'");
        const auto* me = dynamic_cast<const mosaic::Error*>(&e);
        return me && me->code() != 0 ? me->code() : MOSAIC_EXIT_FAILED;
    }
    return 0;
}

}  // namespace mosaic::host
