#!/bin/sh
# Fleet benchmarks (not tests). Usage: bench/fleet/run.sh [build-dir]   (default: build)
#  1. uncontended acquire+release of the restart lock (fleet_lock_bench)
#  2. wall time of `mosaic fleet status --json` for a 50-agent roster, fake systemctl on PATH,
#     real tmux asked about a private socket with no server (has-session fails fast).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
runs=${RUNS:-20}
cmake --build "$build" -j2 --target fleet_lock_bench mosaic fleet >/dev/null

"$build/bin/fleet_lock_bench" 2000

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/home/.config/mosaic/fleet"
cat > "$tmp/bin/systemctl" <<'SH'
#!/bin/sh
# show: one block per unit named on the command line
[ "$2" = show ] || exit 0
shift 4
for u in "$@"; do printf 'Id=%s\nLoadState=loaded\nActiveState=active\nSubState=exited\nMainPID=0\n\n' "$u"; done
SH
chmod 755 "$tmp/bin/systemctl"
{
  echo "version: 1"
  echo "tmux: { socket_name: mosaic-bench-$$ }"
  echo "agents:"
  i=1; while [ $i -le 50 ]; do echo "  - { name: agent-$i, runtime: claude }"; i=$((i+1)); done
} > "$tmp/home/.config/mosaic/fleet/roster.yaml"

run() {
  env -i HOME="$tmp/home" MOSAIC_HOME="$tmp/home/.config/mosaic" PATH="$tmp/bin:/usr/bin:/bin" \
      MOSAIC_PLUGIN_SYSTEM_PATH="$build/lib/mosaic/plugins" "$build/bin/mosaic" fleet status --json
}
run | grep -c '"name": "agent-' | { read n; [ "$n" = 50 ] || { echo "expected 50 agents, got $n" >&2; exit 1; }; }
times=""
i=0
while [ $i -lt "$runs" ]; do
  t0=$(date +%s%N); run >/dev/null; t1=$(date +%s%N)
  times="$times $(( (t1 - t0) / 1000 ))"
  i=$((i+1))
done
echo "$times" | tr ' ' '\n' | grep . | sort -n | awk -v runs="$runs" '
  { v[NR] = $1; s += $1 }
  END { printf "mosaic fleet status --json, 50 agents, fake systemctl: runs=%d median=%.1f ms min=%.1f ms max=%.1f ms mean=%.1f ms\n",
        runs, v[int((NR+1)/2)]/1000, v[1]/1000, v[NR]/1000, s/NR/1000 }'
