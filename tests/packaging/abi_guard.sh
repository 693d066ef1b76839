#!/usr/bin/env bash
# ABI guard: builds the probe library abi/probe.c from sdk/include/mosaic/plugin_abi.h,
# describes it with abidw and compares that with the committed baseline abi/plugin_abi.abi:
# abidiff reports any change, abi_append_only.py accepts only a pure append (fields at the
# end of structs, new enumerators) with MOSAIC_ABI_MINOR raised. Then it checks itself: a few
# deliberate mutations of the header must be refused, and an append must be accepted.
#
#   abi_guard.sh <source dir>            check (the CTest test packaging_abi_guard)
#   abi_guard.sh <source dir> --update   rewrite abi/plugin_abi.abi from the current header
set -euo pipefail
src=$(cd "$1" && pwd)
mode=${2:-check}
here=$(cd "$(dirname "$0")" && pwd)
baseline=$src/abi/plugin_abi.abi
header=$src/sdk/include/mosaic/plugin_abi.h
for tool in abidw abidiff gcc python3; do
  command -v "$tool" >/dev/null || { echo "FAIL: '$tool' is missing: run scripts/install-deps.sh" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-abi-XXXXXX")
trap 'rm -rf "$work"' EXIT

# describe <include dir> <output.abi>: probe library -> abixml (no paths, so it is stable).
describe() {
  local major
  major=$(sed -n 's/^#define MOSAIC_ABI_MAJOR \([0-9]*\)$/\1/p' "$1/mosaic/plugin_abi.h")
  gcc -std=c11 -g -O0 -fPIC -shared -fvisibility=hidden -Wall -Werror -ffile-prefix-map="$src"=. -I"$1" \
    -Wl,-soname,libmosaic-abi-probe.so."$major" -o "$work/probe.so" "$src/abi/probe.c"
  abidw --no-corpus-path --no-show-locs --no-comp-dir-path --out-file "$2" "$work/probe.so"
}
# compare <baseline.abi> <current.abi>: 0 when allowed, 1 when not; prints why.
compare() {
  local rc=0
  abidiff "$1" "$2" >"$work/abidiff.txt" 2>&1 || rc=$?
  if [ $((rc & 1)) -ne 0 ]; then
    cat "$work/abidiff.txt"
    echo "abidiff failed (exit $rc)"
    return 1
  fi
  if [ "$rc" -ne 0 ]; then
    echo "abidiff: the ABI changed (exit $rc):"
    sed 's/^/  /' "$work/abidiff.txt"
  fi
  python3 "$here/abi_append_only.py" "$1" "$2"
}

mkdir -p "$work/current/mosaic"
cp "$header" "$work/current/mosaic/"
describe "$work/current" "$work/current.abi"

if [ "$mode" = --update ]; then
  cp "$work/current.abi" "$baseline"
  echo "wrote $baseline"
  exit 0
fi
[ -f "$baseline" ] || { echo "FAIL: no baseline $baseline (abi_guard.sh <source dir> --update)" >&2; exit 1; }

failures=0
echo "== plugin_abi.h against the baseline abi/plugin_abi.abi"
if compare "$baseline" "$work/current.abi"; then
  echo "ok: no change, or a pure append"
else
  echo "FAIL: plugin_abi.h changed its ABI in a way that is not a pure append (packaging/README.md)" >&2
  failures=$((failures + 1))
fi

# The guard itself: mutate the current header; each mutation must get the expected verdict.
# mutation <name> <expected: accept, or refuse:<regex the report must match>> <sed program>
mutation() {
  local name=$1 expected=${2%%:*} reason=${2#refuse:} dir=$work/mut-$1
  mkdir -p "$dir/mosaic"
  sed "$3" "$header" >"$dir/mosaic/plugin_abi.h"
  if cmp -s "$header" "$dir/mosaic/plugin_abi.h"; then
    echo "FAIL: self-check '$name' did not change the header (update abi_guard.sh)" >&2
    failures=$((failures + 1))
    return
  fi
  describe "$dir" "$dir/x.abi"
  local verdict=accept
  compare "$work/current.abi" "$dir/x.abi" >"$dir/report.txt" 2>&1 || verdict=refuse
  if [ "$verdict" = refuse ] && [ "$expected" = refuse ] && ! grep -Eq -- "$reason" "$dir/report.txt"; then
    verdict="refuse for another reason than '$reason'"
  fi
  if [ "$verdict" = "$expected" ]; then
    echo "ok: self-check '$name': $verdict ($( (grep -E '^NOT ALLOWED' "$dir/report.txt" || grep -E '^append' "$dir/report.txt") | head -n 1))"
  else
    echo "FAIL: self-check '$name': $verdict, expected $expected:" >&2
    cat "$dir/report.txt" >&2
    failures=$((failures + 1))
  fi
}
minor=$(sed -n 's/^#define MOSAIC_ABI_MINOR \([0-9]*\)$/\1/p' "$header")
major=$(sed -n 's/^#define MOSAIC_ABI_MAJOR \([0-9]*\)$/\1/p' "$header")
bump_minor="s/^#define MOSAIC_ABI_MINOR $minor\$/#define MOSAIC_ABI_MINOR $((minor + 1))/"
echo "== self-checks of the guard"
mutation append-field accept "$bump_minor; /^struct mosaic_host_v1 {/,/^};/ s/^};/    int32_t (*probe_appended)(void *host_ctx);\\n};/"
mutation append-enumerator accept "$bump_minor; /^enum mosaic_path_kind {/,/^};/ s/^};/    , MOSAIC_PATH_PROBE_APPENDED = 99\\n};/"
mutation append-without-minor-bump "refuse:MOSAIC_ABI_MINOR is still" "/^struct mosaic_plugin_v1 {/,/^};/ s/^};/    uint32_t probe_appended;\\n};/"
mutation remove-field "refuse:mosaic_command_v1: field #4 was .*summary" "/^struct mosaic_command_v1 {/,/^};/ {/const char \\*summary;/d}"
mutation insert-field "refuse:mosaic_host_v1: field #3 was .*host_ctx.* is now .*probe_inserted" "$bump_minor; /^struct mosaic_host_v1 {/,/^};/ s/^\\(    void \\*host_ctx;\\)/    void *probe_inserted;\\n\\1/"
mutation retype-field "refuse:mosaic_service_v1: field #2 was uint32_t .struct_size. .* is now uint64_t" "/^struct mosaic_service_v1 {/,/^};/ s/uint32_t struct_size;/uint64_t struct_size;/"
mutation change-callback "refuse:is_interactive.* is now int32_t\\(void\\*, int32_t\\)" "/^struct mosaic_host_v1 {/,/^};/ s/int32_t (\\*is_interactive)(void \\*host_ctx);/int32_t (*is_interactive)(void *host_ctx, int32_t stream);/"
mutation renumber-enumerator "refuse:MOSAIC_STDERR was 2, is now 3" "s/MOSAIC_STDERR = 2/MOSAIC_STDERR = 3/"
mutation major-bump "refuse:MOSAIC_ABI_MAJOR is [0-9]+ but the baseline describes ABI" "s/^#define MOSAIC_ABI_MAJOR $major\$/#define MOSAIC_ABI_MAJOR $((major + 1))/"

if [ "$failures" -ne 0 ]; then
  echo "$failures ABI check(s) failed" >&2
  exit 1
fi
echo "ABI guard: all checks passed"
