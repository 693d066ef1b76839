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
# Baseline, measured in the same run and interleaved with the real runs: the external work
# `status` cannot avoid, done by a shell script (one fake `systemctl --user show` of the 51
# units, then 51 `tmux -L <socket> has-session`), plus one `mosaic --version` for the host's
# own start-up.
units=$(i=1; while [ $i -le 50 ]; do printf 'mosaic-agent@agent-%d.service ' $i; i=$((i+1)); done)
baseline() {
  "$tmp/bin/systemctl" --user show --property=Id,LoadState,ActiveState,SubState,UnitFileState,MainPID -- \
    mosaic-tmux-holder.service $units >/dev/null
  j=0
  while [ $j -le 50 ]; do tmux -L "mosaic-bench-$$" has-session -t "agent-$j" 2>/dev/null || true; j=$((j+1)); done
  env -i HOME="$tmp/home" MOSAIC_PLUGIN_SYSTEM_PATH="$build/lib/mosaic/plugins" "$build/bin/mosaic" --version >/dev/null
}
now_us() { echo $(( $(date +%s%N) / 1000 )); }
: > "$tmp/status.us"; : > "$tmp/baseline.us"
i=0
while [ $i -lt "$runs" ]; do
  t0=$(now_us); run >/dev/null; t1=$(now_us); baseline; t2=$(now_us)
  echo $((t1 - t0)) >> "$tmp/status.us"; echo $((t2 - t1)) >> "$tmp/baseline.us"
  i=$((i+1))
done
summary() {
  sort -n "$2" | awk -v label="$1" '{ v[NR] = $1; s += $1 }
    END { printf "%s: runs=%d median=%.1f ms min=%.1f ms max=%.1f ms mean=%.1f ms\n",
          label, NR, v[int((NR+1)/2)]/1000, v[1]/1000, v[NR]/1000, s/NR/1000 }'
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR+1)/2)] }'; }
summary "baseline (sh: systemctl show + 51 tmux has-session + mosaic --version)" "$tmp/baseline.us"
summary "mosaic fleet status --json, 50 agents, fake systemctl" "$tmp/status.us"
awk -v a="$(median "$tmp/status.us")" -v b="$(median "$tmp/baseline.us")" \
  'BEGIN { printf "ratio status/baseline (median): %.2fx\n", a / b }'
