#!/usr/bin/env bash
# Configures and builds one tree. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# MOSAIC_JOBS: parallel jobs (default 2); MOSAIC_BUILD_TARGETS: build only these targets
# (space-separated; default: everything).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
cmake -S "$root" -B "$build" -G Ninja "$@" >/dev/null
targets=()
for t in ${MOSAIC_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j"${MOSAIC_JOBS:-2}" "${targets[@]}"
