# world.sh - sourced by the gateway benchmarks: a private world for one `mosaic` gateway.
#
# Needs `src` (source root) and `build` (absolute build dir) set by the caller. Defines:
#   tmp, home, mosaic_home   a temporary directory and the home inside it
#   world_env                that private world, as VAR=value words for `env -i`
#   mosaic VAR=v... -- args  the built binary with nothing inherited but the private world
#   free_port                a loopback port that was free a moment ago, never 14242
#   install_gateway PORT     `mosaic gateway install`, headless, bootstrapping an admin
#   world_cleanup            stops the gateway it installed (then SIGKILL), removes tmp
# A fake `systemctl` that fails comes first on PATH: no user manager, so `gateway install`
# starts the daemon as a detached process with gateway.pid.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mosaic-gateway-bench.XXXXXX")
home=$tmp/home
mosaic_home=$home/.config/mosaic
mkdir -p "$tmp/bin" "$home" "$tmp/run"
chmod 700 "$tmp/run"
printf '#!/bin/sh\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n' > "$tmp/bin/systemctl"
chmod 755 "$tmp/bin/systemctl"
gateway_installed=0
bench_admin_email=bench@example.com

# The whole environment of every mosaic run: `env -i "${world_env[@]}" "$build/bin/mosaic" ...`.
world_env=(HOME="$home" MOSAIC_HOME="$mosaic_home" PATH="$tmp/bin:/usr/bin:/bin"
  XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share"
  XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$tmp/run"
  MOSAIC_PLUGIN_SYSTEM_PATH="$build/lib/mosaic/plugins")

mosaic() {
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  env -i "${world_env[@]}" "${vars[@]}" "$build/bin/mosaic" "$@"
}

free_port() {
  local p=14242
  while [ "$p" = 14242 ]; do
    p=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  done
  echo "$p"
}

install_gateway() {
  gateway_installed=1
  if ! mosaic MOSAIC_ASSUME_YES=1 MOSAIC_GATEWAY_PORT="$1" MOSAIC_ADMIN_NAME=Bench \
       MOSAIC_ADMIN_EMAIL="$bench_admin_email" MOSAIC_ADMIN_PASSWORD=bench-password-123 \
       -- gateway install >"$tmp/install.log" 2>&1; then
    echo "$(basename "$0"): mosaic gateway install failed:" >&2; cat "$tmp/install.log" >&2; return 1
  fi
}

world_cleanup() {
  set +e
  if [ "$gateway_installed" = 1 ]; then
    local pid
    pid=$(cat "$mosaic_home/gateway/gateway.pid" 2>/dev/null)
    mosaic -- gateway stop >/dev/null 2>&1 || echo "$(basename "$0"): 'mosaic gateway stop' failed" >&2
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
  rm -rf "$tmp"
}
