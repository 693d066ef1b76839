#!/usr/bin/env bash
# Quick start: install dependencies, build, and run mosaic with the given arguments
# (default: wizard, the first-run setup). Usage: scripts/run.sh [mosaic args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build" >/dev/null
if [ $# -eq 0 ]; then set -- wizard; fi
exec "$root/build/bin/mosaic" "$@"
