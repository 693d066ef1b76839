#!/usr/bin/env bash
# Installs everything Mosaic needs to build, test and run, from Debian 12 packages only.
# Idempotent; needs root (or sudo). Used by scripts/run.sh and scripts/test.sh.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache binutils file git
  # libraries (DESIGN section 5)
  libboost-dev libcli11-dev nlohmann-json3-dev libfmt-dev libgtest-dev libgmock-dev
  libyaml-cpp-dev libcpp-httplib-dev libsqlite3-dev libsodium-dev libpq-dev libhiredis-dev
  # runtime tools the commands drive, and their test doubles' interpreters
  tmux procps curl
  # servers the team-tier tests run on loopback (scripts/test-servers.sh)
  postgresql redis-server
  # benchmarks
  hyperfine
  # libFuzzer build of the fuzz targets (tests/fuzz/run.sh): clang 14 and its runtimes
  clang libclang-rt-14-dev
  # Debian packages and their tests (scripts/package.sh, tests/packaging/)
  dpkg-dev help2man lintian abigail-tools python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
