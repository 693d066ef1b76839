#!/usr/bin/env bash
# Start-up benchmark of the host (a benchmark, not a test). Measures, with hyperfine, the wall
# time of `mosaic --version`, `mosaic --help`, `mosaic completion --commands` and `mosaic hello`
# with 4 and with 200 plugins
# installed, each as a ratio against a baseline C++ hello-world built with the same flags,
# all in the same run. When valgrind is installed it also counts instructions per case
# (callgrind), which stays stable on a busy machine where wall times do not.
# The manifest index cache is warmed first (as on any machine after the first run).
# Usage: bench/host/run.sh [BUILD_DIR]   (default: build/)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
mosaic=$build/bin/mosaic
hello_dir=$build/example-plugins
[ -x "$mosaic" ] && [ -f "$hello_dir/hello.so" ] || { echo "build first: scripts/build.sh $build" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install hyperfine" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

# Same compiler and flags as the project's build type.
flags=$(sed -n 's/^CMAKE_CXX_FLAGS_RELWITHDEBINFO:STRING=//p' "$build/CMakeCache.txt")
g++ -std=c++20 ${flags:--O2 -g} "$root/bench/host/baseline_hello.cpp" -o "$work/baseline"

# A plugin dir of N plugins: the real hello plus N-1 generated ones (copies of hello.so with
# manifests of their own name and command; they are never opened by --help or --version).
make_plugins() {
  local dir=$1 n=$2
  mkdir -p "$dir"
  cp "$hello_dir/hello.so" "$hello_dir/hello.plugin.json" "$dir/"
  for i in $(seq 2 "$n"); do
    local name
    name=$(printf 'gen-%03d' "$i")
    cp "$hello_dir/hello.so" "$dir/$name.so"
    sed -e "s/\"name\": \"hello\"/\"name\": \"$name\"/" \
        -e "s/\"library\": \"hello.so\"/\"library\": \"$name.so\"/" \
        -e "s/\"hello.greet\"/\"$name.greet\"/" \
        "$hello_dir/hello.plugin.json" > "$dir/$name.plugin.json"
  done
}
make_plugins "$work/p4" 4
make_plugins "$work/p200" 200
# One plugin with a real command tree in each set (the gateway's manifest, schema 2), for the
# nested completion query; it too is never opened.
gateway_dir=$build/lib/mosaic/plugins
for set in p4 p200; do cp "$gateway_dir/gateway.so" "$gateway_dir/gateway.plugin.json" "$work/$set/"; done

export HOME=$work/home MOSAIC_HOME=$work/home/.config/mosaic XDG_DATA_HOME=$work/home/.local/share
export MOSAIC_PLUGIN_SYSTEM_PATH=$work/empty NO_COLOR=1
mkdir -p "$HOME" "$MOSAIC_PLUGIN_SYSTEM_PATH"

# Warm the manifest index (the first run after an install parses every manifest).
"$mosaic" --plugin-dir "$work/p4" --help >/dev/null
"$mosaic" --plugin-dir "$work/p200" --help >/dev/null

csv=$work/results.csv
hyperfine -N --warmup 20 --min-runs 200 --export-csv "$csv" \
  -n baseline "$work/baseline" \
  -n "version/4" "$mosaic --plugin-dir $work/p4 --version" \
  -n "version/200" "$mosaic --plugin-dir $work/p200 --version" \
  -n "help/4" "$mosaic --plugin-dir $work/p4 --help" \
  -n "help/200" "$mosaic --plugin-dir $work/p200 --help" \
  -n "commands/4" "$mosaic --plugin-dir $work/p4 completion --commands" \
  -n "commands/200" "$mosaic --plugin-dir $work/p200 completion --commands" \
  -n "nested/4" "$mosaic --plugin-dir $work/p4 completion --line -- gateway tokens c" \
  -n "nested/200" "$mosaic --plugin-dir $work/p200 completion --line -- gateway tokens c" \
  -n "hello/4" "$mosaic --plugin-dir $work/p4 hello" \
  -n "hello/200" "$mosaic --plugin-dir $work/p200 hello" >/dev/null

# hyperfine's CSV: command,mean,stddev,median,user,system,min,max (seconds)
awk -F, 'NR > 1 { mean[$1] = $2; sd[$1] = $3; order[n++] = $1 }
  END {
    base = mean["baseline"]
    printf "%-12s %10s %10s %10s\n", "case", "mean ms", "+- ms", "x baseline"
    for (i = 0; i < n; i++) { c = order[i]
      printf "%-12s %10.3f %10.3f %10.2f\n", c, mean[c] * 1000, sd[c] * 1000, mean[c] / base }
    printf "\nversion/4 vs baseline:     %.2fx (target <= 1.2x)\n", mean["version/4"] / base
    printf "help/200 vs help/4:        %.2fx (target <= 1.1x)\n", mean["help/200"] / mean["help/4"]
    printf "commands/200 vs commands/4: %.2fx (target <= 1.2x)\n", mean["commands/200"] / mean["commands/4"]
    printf "nested/200 vs nested/4:    %.2fx (target <= 1.2x)\n", mean["nested/200"] / mean["nested/4"]
    printf "hello/200 vs hello/4:     %.2fx\n", mean["hello/200"] / mean["hello/4"]
  }' "$csv"

if command -v valgrind >/dev/null; then
  echo
  echo "instructions (callgrind, whole process including the dynamic loader):"
  count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'; }
  base=$(count "$work/baseline")
  printf "%-12s %12d\n" baseline "$base"
  declare -A ir
  for c in "version p4 --version" "version p200 --version" "help p4 --help" "help p200 --help" \
           "commands p4 completion --commands" "commands p200 completion --commands" \
           "nested p4 completion --line -- gateway tokens c" "nested p200 completion --line -- gateway tokens c" \
           "hello p4 hello" "hello p200 hello"; do
    set -- $c
    key="$1/${2#p}"
    dir=$2
    shift 2
    ir[$key]=$(count "$mosaic" --plugin-dir "$work/$dir" "$@")
    printf "%-12s %12d %8.2fx baseline\n" "$key" "${ir[$key]}" "$(awk -v a="${ir[$key]}" -v b="$base" 'BEGIN { print a / b }')"
  done
  awk -v a="${ir[help/200]}" -v b="${ir[help/4]}" 'BEGIN { printf "help/200 vs help/4:       %.2fx instructions\n", a / b }'
  awk -v a="${ir[commands/200]}" -v b="${ir[commands/4]}" 'BEGIN { printf "commands/200 vs commands/4: %.2fx instructions\n", a / b }'
  awk -v a="${ir[nested/200]}" -v b="${ir[nested/4]}" 'BEGIN { printf "nested/200 vs nested/4:     %.2fx instructions\n", a / b }' 
fi
