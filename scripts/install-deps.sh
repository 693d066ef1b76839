#!/usr/bin/env bash
# Installs what Mosaic needs from Debian 12 packages only. Idempotent; needs root (or sudo).
#   scripts/install-deps.sh          everything: build, run, test, fuzz, package (scripts/test.sh)
#   scripts/install-deps.sh --run    only what building and running mosaic needs (scripts/run.sh)
set -euo pipefail

run_packages=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache binutils
  # libraries (docs/architecture.md, "Dependencies")
  libboost-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libyaml-cpp-dev libsqlite3-dev libsodium-dev libpq-dev libhiredis-dev libssl-dev
  # runtime tools the commands drive
  tmux procps ca-certificates
)
test_packages=(
  file git libgtest-dev libgmock-dev python3
  # the tests' fake tools and the gateway benchmarks
  curl
  # servers the team-tier tests run on loopback (scripts/test-servers.sh)
  postgresql redis-server
  # benchmarks
  hyperfine wrk
  # libFuzzer build of the fuzz targets (tests/fuzz/run.sh): clang 14 and its runtimes
  clang libclang-rt-14-dev
  # Debian packages and their tests (scripts/package.sh, tests/packaging/)
  dpkg-dev help2man lintian abigail-tools
)

packages=("${run_packages[@]}")
case "${1:-}" in
  --run) ;;
  "") packages+=("${test_packages[@]}") ;;
  *) echo "usage: scripts/install-deps.sh [--run]" >&2; exit 2 ;;
esac

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
