#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] [BUILD_DIR]
#
# Builds the fuzz targets with clang + libFuzzer + ASan + UBSan (a separate CMake build,
# -DMOSAIC_FUZZ=ON, only the `fuzz` target) and runs each target for SECONDS (default 30),
# seeded with its committed corpus (tests/fuzz/corpus/<target>/, copied to a temporary
# directory that receives the new inputs, so the checkout is never written). Prints per
# target the executions per second and the total executions from libFuzzer's final stats.
# Exits non-zero if the build fails or any target crashes, leaks, times out or breaks an
# invariant; the crash input is copied to BUILD_DIR/fuzz-artifacts/<target>/ (commit it
# under tests/fuzz/corpus/<target>/ once fixed, so the replay test keeps it fixed).
#
# Environment: MOSAIC_FUZZ_JOBS (build parallelism, and how many targets run at once; default
# 1), MOSAIC_FUZZ_TARGETS (a space-separated subset of the targets), MOSAIC_FUZZ_SEED (libFuzzer's -seed: the same seed
# replays the same sequence of mutations, so a run is repeatable up to where time cuts it;
# default: a new random seed each run, printed in the log), MOSAIC_FUZZ_KEEP=1 (keep the
# temporary corpora).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-30}
build=${2:-$root/build-fuzz}
# Absolute: each target runs from a directory of its own.
case "$build" in /*) ;; *) build=$PWD/$build ;; esac
jobs=${MOSAIC_FUZZ_JOBS:-1}
seed_flag=()
if [ -n "${MOSAIC_FUZZ_SEED:-}" ]; then
  case "$MOSAIC_FUZZ_SEED" in *[!0-9]* | 0) echo "run.sh: MOSAIC_FUZZ_SEED must be a number >= 1" >&2; exit 2 ;; esac
  seed_flag=(-seed="$MOSAIC_FUZZ_SEED")
fi
# (0 would mean "no limit" to libFuzzer.)
case "$seconds" in '' | *[!0-9]* | 0) echo "usage: tests/fuzz/run.sh [SECONDS >= 1] [BUILD_DIR]" >&2; exit 2 ;; esac

for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
done

start=$(date +%s)
mkdir -p "$build"
echo "== fuzz build (clang, libFuzzer, address+undefined) in $build"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOSAIC_FUZZ=ON >"$build/configure.log" 2>&1 ||
  { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" --target fuzz -j "$jobs"
built=$(date +%s)
echo "== built in $((built - start)) s"

targets=${MOSAIC_FUZZ_TARGETS:-$(cd "$root/tests/fuzz/corpus" && ls -d -- */ | tr -d /)}
# On tmpfs when there is one: the targets write their scratch files (a SQLite database per
# gateway_api input) under TMPDIR=$work/<target>/tmp, removed with $work even after a crash.
tmp_base=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then tmp_base=/dev/shm; fi
work=$(mktemp -d "$tmp_base/mosaic-fuzz-run-XXXXXX")
if [ "${MOSAIC_FUZZ_KEEP:-0}" != 1 ]; then trap 'rm -rf "$work"' EXIT; fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# One target's run, in the background: its log, and its exit status in $work/<target>/rc.
run_target() {
  local t=$1 exe="$build/bin/fuzz_$1" rc
  mkdir -p "$work/$t/corpus" "$work/$t/tmp" "$build/fuzz-artifacts/$t"
  cp -- "$root/tests/fuzz/corpus/$t"/* "$work/$t/corpus/"
  set +e
  (cd "$work/$t" && TMPDIR="$work/$t/tmp" "$exe" ${seed_flag[@]+"${seed_flag[@]}"} -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$t/" "$work/$t/corpus") >"$work/$t/log" 2>&1
  rc=$?
  set -e
  cp "$work/$t/log" "$build/fuzz-artifacts/$t/last-run.log"
  echo "$rc" >"$work/$t/rc"
}

# MOSAIC_FUZZ_JOBS targets at a time (each libFuzzer run uses one core), reported in order.
failed=()
summary=()
running=0
for t in $targets; do
  if [ ! -x "$build/bin/fuzz_$t" ]; then
    echo "run.sh: no fuzz target '$t' ($build/bin/fuzz_$t)" >&2
    failed+=("$t(missing)")
    continue
  fi
  echo "== $t: ${seconds} s"
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
for t in $targets; do
  [ -x "$build/bin/fuzz_$t" ] || continue  # counted above
  if [ ! -f "$work/$t/rc" ]; then
    echo "run.sh: '$t' left no result (see $work/$t)" >&2
    failed+=("$t(no result)")
    continue
  fi
  rc=$(cat "$work/$t/rc")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t/log" | tail -1)
  newcorp=$(find "$work/$t/corpus" -type f | wc -l)
  line=$(printf '%-20s %10s execs/s %12s executions  corpus %s  exit %s' "$t" "${rate:-?}" "${execs:-?}" "$newcorp" "$rc")
  summary+=("$line")
  echo "$line"
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    echo "---- $t failed; the end of its log ($build/fuzz-artifacts/$t/last-run.log):" >&2
    tail -n 40 "$work/$t/log" >&2
  fi
done

end=$(date +%s)
echo "== summary (build $((built - start)) s, runs $((end - built)) s, total $((end - start)) s)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "run.sh: FAILED: ${failed[*]} (inputs in $build/fuzz-artifacts/)" >&2
  exit 1
fi
echo "run.sh: all ${#summary[@]} targets ran ${seconds} s without a crash"
