#!/usr/bin/env bash
# Quick start: install what running needs (apt), build the host and the plugins (no tests) in
# build-run/, and run mosaic with the given arguments (default: wizard, the first-run setup).
# Usage: scripts/run.sh [mosaic args...]. The test command is scripts/test.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --run
MOSAIC_BUILD_TARGETS="mosaic agent config-hooks fleet gateway wizard" \
  "$root/scripts/build.sh" "$root/build-run" -DMOSAIC_BUILD_TESTS=OFF >/dev/null
if [ $# -eq 0 ]; then set -- wizard; fi
exec "$root/build-run/bin/mosaic" "$@"
