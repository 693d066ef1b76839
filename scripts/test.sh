#!/usr/bin/env bash
# Installs dependencies, builds, and runs the whole test suite twice over:
#   1. a normal build (build/), all tests with ctest -j2;
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/), all tests again.
# Pass --quick to skip the sanitizer pass. Exit status is non-zero if anything failed.
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

echo "== build (RelWithDebInfo)"
"$root/scripts/build.sh" "$root/build"
echo "== tests"
ctest --test-dir "$root/build" -j2 --output-on-failure --timeout 600

if [ "$quick" -eq 0 ]; then
  echo "== build (address,undefined sanitizers)"
  "$root/scripts/build.sh" "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DMOSAIC_SANITIZE=address,undefined
  echo "== tests under sanitizers"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" -j2 --output-on-failure --timeout 900
fi
