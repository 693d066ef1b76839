#!/usr/bin/env bash
# A third-party author's path: install the SDK into a temporary prefix, build the hello
# example against it with find_package(MosaicSDK), and run it through the built host.
# Usage: out_of_tree.sh <mosaic build dir> <source dir> <mosaic exe>
set -euo pipefail
build=$1 src=$2 mosaic=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-oot-XXXXXX")
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" --component sdk >/dev/null
test -f "$work/prefix/include/mosaic/plugin_abi.h"
test -f "$work/prefix/lib/x86_64-linux-gnu/pkgconfig/mosaic-sdk.pc" -o -f "$work/prefix/lib/pkgconfig/mosaic-sdk.pc"

cp -r "$src/sdk/examples/hello" "$work/hello-src"
# An SDK built with sanitizers (the test command's second pass) has an instrumented support
# library: a plugin linking it (with -z defs) is built with the same sanitizers, as its
# author would have to.
sanitize=$(sed -n 's/^MOSAIC_SANITIZE:STRING=//p' "$build/CMakeCache.txt")
flags=()
if [ -n "$sanitize" ]; then
  flags=(-DCMAKE_CXX_FLAGS="-fsanitize=$sanitize -fno-omit-frame-pointer"
         -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=$sanitize")
fi
cmake -S "$work/hello-src" -B "$work/hello-build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" "${flags[@]}" >/dev/null
cmake --build "$work/hello-build" >/dev/null
plugins="$work/hello-build/plugins"
test -f "$plugins/hello.so"
test -f "$plugins/hello.plugin.json"

# Only mosaic_plugin_query is exported (hidden visibility).
exported=$(nm -D --defined-only "$plugins/hello.so" | awk '$2 == "T" {print $3}')
if [ "$exported" != "mosaic_plugin_query" ]; then
  echo "unexpected exported functions: $exported" >&2
  exit 1
fi

export HOME="$work/home" MOSAIC_HOME="$work/home/.config/mosaic" XDG_DATA_HOME="$work/home/.local/share"
export MOSAIC_PLUGIN_SYSTEM_PATH="$work/empty"
mkdir -p "$HOME" "$MOSAIC_PLUGIN_SYSTEM_PATH"
out=$("$mosaic" --plugin-dir "$plugins" hello Packager)
if [ "$out" != "Hello, Packager!" ]; then
  echo "unexpected output: '$out'" >&2
  exit 1
fi
"$mosaic" --plugin-dir "$plugins" --help | grep -q "hello"
echo "out-of-tree plugin built against the installed SDK and ran: $out"
