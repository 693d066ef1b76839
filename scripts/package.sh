#!/usr/bin/env bash
# Builds every Debian package (mosaic, mosaic-sdk-dev, mosaic-plugin-*) from the checkout.
#
#   scripts/package.sh [--no-install-deps] [BUILD_DIR]
#
# BUILD_DIR defaults to build-pkg/. The tree is configured with prefix /usr (the Debian
# layout: plugins in /usr/lib/<multiarch>/mosaic/plugins), without the tests, with Debian's
# build flags (dpkg-buildflags: hardening, -O2; no -g since no debug packages are made), and
# cpack writes the packages to BUILD_DIR/packages/, whose .deb paths are printed, one a line.
# --no-install-deps skips scripts/install-deps.sh (the packaging test uses it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
install_deps=1
build=""
for a in "$@"; do
  case "$a" in
    --no-install-deps) install_deps=0 ;;
    -*) echo "usage: scripts/package.sh [--no-install-deps] [BUILD_DIR]" >&2; exit 2 ;;
    *) build=$a ;;
  esac
done
build=${build:-$root/build-pkg}
if [ "$install_deps" -eq 1 ]; then
  "$root/scripts/install-deps.sh"
fi

# Debian's flags, minus -g (stripped anyway); -ffile-prefix-map maps $root, so run it there.
flags() { (cd "$root" && DEB_BUILD_MAINT_OPTIONS=hardening=+all DEB_CFLAGS_MAINT_STRIP=-g \
  DEB_CXXFLAGS_MAINT_STRIP=-g dpkg-buildflags --get "$1"); }
cppflags="$(flags CPPFLAGS) -DNDEBUG"
ldflags=$(flags LDFLAGS)

cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_INSTALL_PREFIX=/usr -DMOSAIC_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_FLAGS="$(flags CFLAGS) $cppflags" -DCMAKE_CXX_FLAGS="$(flags CXXFLAGS) $cppflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" \
  -DCMAKE_MODULE_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$build" -j"${MOSAIC_JOBS:-2}"
rm -f "$build"/packages/*.deb
(cd "$build" && cpack -G DEB >/dev/null)
ls "$build"/packages/*.deb
