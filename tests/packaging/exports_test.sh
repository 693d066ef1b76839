#!/usr/bin/env bash
# Every plugin library in the given directories exports exactly one symbol,
# mosaic_plugin_query (mosaic_add_plugin's version script; docs/plugin-manifest.md).
# Usage: exports_test.sh DIR...
set -euo pipefail
failures=0
checked=0
for dir in "$@"; do
  for lib in "$dir"/*.so; do
    [ -e "$lib" ] || continue
    exported=$(nm -D --defined-only "$lib" | awk '{print $NF}' | sort | tr '\n' ' ')
    checked=$((checked + 1))
    if [ "$exported" != "mosaic_plugin_query " ]; then
      echo "FAIL: $lib exports $(wc -w <<<"$exported") symbols: ${exported:0:300}" >&2
      failures=$((failures + 1))
    fi
  done
done
[ "$checked" -gt 0 ] || { echo "FAIL: no plugin library in $*" >&2; exit 1; }
[ "$failures" -eq 0 ] || exit 1
echo "$checked plugin libraries export mosaic_plugin_query alone"
