#!/usr/bin/env bash
# Builds every Debian package (mosaic, mosaic-sdk-dev, mosaic-plugin-*) into build-pkg/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build-pkg" -DCMAKE_INSTALL_PREFIX=/usr -DMOSAIC_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
(cd "$root/build-pkg" && cpack -G DEB)
ls "$root"/build-pkg/*.deb
