#!/usr/bin/env bash
# A third-party author's whole path with `mosaic plugins new`, against the INSTALLED SDK:
# install the SDK into a temporary prefix, write a project with the built mosaic, configure it
# with that SDK and a prefix of its own, build it, run its ctest, install it, check where the
# files land and what the relocated mosaic-sdk.pc says, and run the installed plugin through
# mosaic (--plugin-dir, MOSAIC_PLUGIN_PATH, and the user's XDG directory with nothing set).
# Nothing outside a temporary directory is touched: HOME, XDG_* and MOSAIC_HOME are in it.
#
# Usage: plugin_new_test.sh <mosaic build dir> <source dir> <mosaic exe>
set -euo pipefail
build=$1 src=$2 mosaic=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-plugin-new-XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# same_dir <a> <b>: the two name the same directory once resolved.
same_dir() { [ "$(cd "$1" 2>/dev/null && pwd -P)" = "$(cd "$2" 2>/dev/null && pwd -P)" ]; }

export HOME=$work/home MOSAIC_HOME=$work/home/.config/mosaic XDG_DATA_HOME=$work/home/.local/share
export XDG_CONFIG_HOME=$work/home/.config XDG_CACHE_HOME=$work/home/.cache CLAUDE_HOME=$work/home/.claude
export MOSAIC_PLUGIN_SYSTEM_PATH=$work/empty
unset MOSAIC_PLUGIN_PATH MOSAIC_PLUGINS_DISABLE PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
mkdir -p "$HOME" "$MOSAIC_PLUGIN_SYSTEM_PATH"
abi_major=$(sed -n 's/^#define MOSAIC_ABI_MAJOR \([0-9]*\)$/\1/p' "$src/sdk/include/mosaic/plugin_abi.h")
abi_minor=$(sed -n 's/^#define MOSAIC_ABI_MINOR \([0-9]*\)$/\1/p' "$src/sdk/include/mosaic/plugin_abi.h")

# --- the SDK, installed into a prefix of its own -----------------------------------------
sdk=$work/sdk
cmake --install "$build" --prefix "$sdk" --component sdk >/dev/null
for doc in plugin-manifest.md services.md plugin-manifest.schema.json; do
  [ -f "$sdk/share/doc/mosaic-sdk-dev/$doc" ] || fail "the SDK does not ship share/doc/mosaic-sdk-dev/$doc"
done
pc=$(find "$sdk" -name mosaic-sdk.pc)
[ -n "$pc" ] || { echo "FAIL: no mosaic-sdk.pc under $sdk" >&2; exit 1; }
pcvar() { PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable="$1" mosaic-sdk; }
same_dir "$(pcvar prefix)" "$sdk" || fail "mosaic-sdk.pc: prefix is '$(pcvar prefix)', not $sdk"
grep -q '/usr/local' "$pc" && fail "mosaic-sdk.pc names /usr/local: $(cat "$pc")"
same_dir "$(pcvar includedir)" "$sdk/include" || fail "mosaic-sdk.pc: includedir is '$(pcvar includedir)'"
[ -f "$(pcvar plugin_map)" ] || fail "mosaic-sdk.pc: plugin_map '$(pcvar plugin_map)' does not exist"
[ "$(pcvar abi_major)" = "$abi_major" ] || fail "mosaic-sdk.pc: abi_major is '$(pcvar abi_major)', not $abi_major"
[ "$(pcvar abi_minor)" = "$abi_minor" ] || fail "mosaic-sdk.pc: abi_minor is '$(pcvar abi_minor)', not $abi_minor"
deb_depends="mosaic-abi-$abi_major (>= $abi_major.$abi_minor)"
[ "$(pcvar plugin_deb_depends)" = "$deb_depends" ] ||
  fail "mosaic-sdk.pc: plugin_deb_depends is '$(pcvar plugin_deb_depends)', not '$deb_depends'"

# --- a new project ------------------------------------------------------------------------
demo=$work/demo
out=$("$mosaic" plugins new demo "$demo")
grep -qx "wrote $demo/CMakeLists.txt" <<<"$out" || fail "plugins new did not say it wrote CMakeLists.txt: $out"
grep -q "mosaic --plugin-dir $demo/build/plugins demo" <<<"$out" || fail "plugins new printed no next command: $out"

# An SDK built with sanitizers (the test command's second pass) has an instrumented support
# library: a plugin linking it (with -z defs) is built with the same sanitizers.
sanitize=$(sed -n 's/^MOSAIC_SANITIZE:STRING=//p' "$build/CMakeCache.txt")
flags=()
if [ -n "$sanitize" ]; then
  flags+=(-DCMAKE_CXX_FLAGS="-fsanitize=$sanitize -fno-omit-frame-pointer"
          -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=$sanitize")
fi
if command -v ccache >/dev/null; then flags+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
prefix=$work/prefix
if ! cmake -S "$demo" -B "$demo/build" -G Ninja -DCMAKE_PREFIX_PATH="$sdk" -DCMAKE_INSTALL_PREFIX="$prefix" \
     "${flags[@]}" >"$work/configure.log" 2>&1 ||
   ! cmake --build "$demo/build" >"$work/build.log" 2>&1; then
  cat "$work/configure.log" "$work/build.log" >&2 2>/dev/null || true
  echo "FAIL: the new project does not build against the installed SDK" >&2
  exit 1
fi
sdk_dir=$(sed -n 's/^MosaicSDK_DIR:PATH=//p' "$demo/build/CMakeCache.txt")
case $sdk_dir in "$sdk"/*) ;; *) fail "MosaicSDK came from '$sdk_dir', not the installed $sdk" ;; esac
if ctest --test-dir "$demo/build" --output-on-failure >"$work/ctest.log" 2>&1; then
  grep -q "100% tests passed, 0 tests failed out of 4" "$work/ctest.log" ||
    fail "the project's ctest did not run its 4 tests: $(tail -n 5 "$work/ctest.log")"
else
  cat "$work/ctest.log" >&2
  fail "the project's ctest failed"
fi

# --- installed under its own prefix -------------------------------------------------------
cmake --install "$demo/build" >/dev/null
plugins=$prefix/lib/mosaic/plugins
for f in demo.so demo.plugin.json; do
  [ -f "$plugins/$f" ] || fail "cmake --install put no $f in $plugins: $(find "$work/prefix" -type f)"
done
[ -z "$(find "$sdk" -name 'demo*')" ] || fail "the plugin was installed into the SDK's prefix"
cmake --install "$demo/build" --prefix "$work/other" >/dev/null
[ -f "$work/other/lib/mosaic/plugins/demo.plugin.json" ] || fail "cmake --install --prefix did not move the plugin"
abi=$(python3 -c 'import json, sys; a = json.load(open(sys.argv[1]))["abi"]; print(a["major"], a["minor"], sep=".")' \
  "$plugins/demo.plugin.json")
[ "$abi" = "$abi_major.$abi_minor" ] || fail "demo.plugin.json says ABI '$abi', not $abi_major.$abi_minor"

# --- found and run by mosaic --------------------------------------------------------------
out=$("$mosaic" --plugin-dir "$plugins" demo greet Packager) || fail "mosaic --plugin-dir ... demo greet failed"
[ "$out" = "Hello, Packager, from demo!" ] || fail "mosaic demo printed '$out'"
out=$(MOSAIC_PLUGIN_PATH=$plugins "$mosaic" demo greet --json) || fail "MOSAIC_PLUGIN_PATH=... mosaic demo greet failed"
[ "$out" = '{"greeting":"Hello, world, from demo!"}' ] || fail "mosaic demo --json printed '$out'"
if out=$("$mosaic" --plugin-dir "$plugins" plugins list --strict); then
  grep -Eq "^demo +0\\.1\\.0 +$abi_major\\.$abi_minor +ok +$plugins/demo\\.plugin\\.json\$" <<<"$out" ||
    fail "plugins list does not show demo ok: $out"
else
  fail "plugins list --strict failed: $out"
fi
out=$("$mosaic" --plugin-dir "$plugins" demo version) || fail "mosaic demo version failed"
[ "$out" = "demo 0.1.0 (mosaic $("$mosaic" --version | cut -d' ' -f2))" ] || fail "mosaic demo version printed '$out'"
# Its subcommands complete, from its manifest (schema 2, written from describe()), no library opened.
out=$("$mosaic" --plugin-dir "$plugins" completion --line -- demo '') || fail "completion --line -- demo '' failed"
[ "$out" = "$(printf 'words\ngreet\nversion')" ] || fail "completion of 'mosaic demo <TAB>' gave: $out"
out=$("$mosaic" --plugin-dir "$plugins" completion --line -- demo greet --j) || fail "completion of an option failed"
[ "$out" = "$(printf 'words\n--json')" ] || fail "completion of 'mosaic demo greet --j<TAB>' gave: $out"
# And it passes plugins verify: loaded in a child, one export, manifest and trees agree, starts.
out=$("$mosaic" --plugin-dir "$plugins" plugins verify demo) || fail "plugins verify demo failed: $out"
set +e
err=$("$mosaic" --plugin-dir "$plugins" demo greet "" 2>&1 >/dev/null)
rc=$?
set -e
[ "$rc" -eq 2 ] && [ "$err" = "mosaic: error: the name to greet must not be empty" ] ||
  fail "mosaic demo greet '' exited $rc with '$err', expected 2 and the usage error"

# The README's way for one user: the XDG data directory, which mosaic searches with nothing set.
cmake -S "$demo" -B "$demo/build" -DMOSAIC_PLUGIN_INSTALL_DIR=share/mosaic/plugins >/dev/null
cmake --install "$demo/build" --prefix "$HOME/.local" >/dev/null
[ -f "$XDG_DATA_HOME/mosaic/plugins/demo.plugin.json" ] ||
  fail "-DMOSAIC_PLUGIN_INSTALL_DIR=share/mosaic/plugins did not install into $XDG_DATA_HOME/mosaic/plugins"
out=$("$mosaic" demo greet Home) || fail "mosaic demo, installed in the XDG data directory, failed"
[ "$out" = "Hello, Home, from demo!" ] || fail "mosaic demo greet (XDG data directory) printed '$out'"

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
echo "plugins new: a project built, tested and installed against the installed SDK, run by mosaic"
