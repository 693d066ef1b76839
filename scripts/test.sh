#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite twice over:
#   1. a normal build (build/), all tests with ctest -j2;
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/), all tests again;
#   3. the fuzz targets built with clang + libFuzzer (build-fuzz/), each run for 30 s
#      (tests/fuzz/run.sh) from a fixed seed, so that a CI run repeats the mutations a
#      developer ran before pushing (MOSAIC_FUZZ_SEED overrides it).
# Throw-away PostgreSQL and Redis servers (scripts/test-servers.sh) serve the gateway's
# team-tier tests on loopback for both passes and are stopped at the end. Those tests skip
# loudly when the servers are missing, except under CI=true, where they fail instead.
# Pass --quick to skip the sanitizer pass and the fuzzing. Exit status is non-zero if anything failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
  esac
done

"$root/scripts/install-deps.sh"

echo "== test servers (PostgreSQL, Redis)"
servers_env=$(mktemp "${TMPDIR:-/tmp}/mosaic-test-servers-XXXXXX")
"$root/scripts/test-servers.sh" start "$servers_env"
trap '"$root/scripts/test-servers.sh" stop "$servers_env" || true' EXIT
# shellcheck disable=SC1090
. "$servers_env"
if [ "${CI:-}" = true ]; then export MOSAIC_REQUIRE_TEAM_SERVERS=1; fi

echo "== build (RelWithDebInfo)"
"$root/scripts/build.sh" "$root/build"
echo "== tests"
ctest --test-dir "$root/build" -j2 --output-on-failure --timeout 600

if [ "$quick" -eq 0 ]; then
  echo "== build (address,undefined sanitizers)"
  # -Og -g1: the sanitizers find the same errors and report file:line; the build takes half
  # the time of -O1 -g (most of it was optimising and describing header-only templates).
  "$root/scripts/build.sh" "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-Og -g1" -DMOSAIC_SANITIZE=address,undefined
  echo "== tests under sanitizers"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" -j2 --output-on-failure --timeout 900
  echo "== fuzz (clang + libFuzzer + sanitizers, 30 s per target)"
  MOSAIC_FUZZ_JOBS=${MOSAIC_JOBS:-2} MOSAIC_FUZZ_SEED=${MOSAIC_FUZZ_SEED:-1} "$root/tests/fuzz/run.sh" 30 "$root/build-fuzz"
fi
