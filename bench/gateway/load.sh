#!/usr/bin/env bash
# Gateway load test (bounded, loopback only). Usage: bench/gateway/load.sh [build-dir]
#
# Installs the gateway headless (local tier) in a temporary home, then runs `mosaic gateway run`
# as a child of this script and, for each signal in SIGNALS, loads it with three concurrent wrk
# runs for DURATION seconds:
#   GET  /health                               -c CONNECTIONS
#   GET  /api/bootstrap/status                 -c CONNECTIONS
#   POST /api/auth/sign-in, wrong password     -c CONNECTIONS/2 (401 until the limits, then 429)
# RSS of the daemon is sampled every second; at DURATION seconds the signal is sent while the
# load is still on (wrk runs 2 s longer), and the daemon's exit status is collected.
# Passes when, for every signal: the daemon exits 0 within 15 s of it; no 5xx at all (a drain
# closes the listener, so late requests fail to connect instead); every response is 2xx, or
# 401/429 on sign-in; RSS at DURATION s is within 10 % of RSS at 10 s.
# Knobs: DURATION=30 (>= 12) CONNECTIONS=8 SIGNALS="HUP TERM". Exit 1 on any failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
duration=${DURATION:-30}
connections=${CONNECTIONS:-8}
signals=${SIGNALS:-HUP TERM}
[ "$duration" -ge 12 ] || { echo "load.sh: DURATION must be at least 12" >&2; exit 2; }
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "load.sh: '$tool' not found (apt-get install $tool)" >&2; exit 1; }
done
[ -x "$build/bin/mosaic" ] || { echo "load.sh: no $build/bin/mosaic; build first" >&2; exit 1; }

. "$here/world.sh"
daemon_pid=
cleanup() {
  set +e
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then kill -KILL "$daemon_pid"; fi
  world_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(free_port)
install_gateway "$port"
mosaic -- gateway stop >/dev/null  # this script runs the daemon itself, to see its exit status
url=http://127.0.0.1:$port

echo "== gateway load test: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine : $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mosaic  : $("$build/bin/mosaic" --version | head -1), local tier, $url"
echo "load    : ${duration}s; wrk -t1 -c$connections GET /health, -c$connections GET /api/bootstrap/status, -c$((connections / 2)) POST /api/auth/sign-in (wrong password); signal at ${duration}s"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

for sig in $signals; do
  env -i "${world_env[@]}" "$build/bin/mosaic" gateway run >"$tmp/daemon.$sig.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do curl -fsS "$url/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "$url/health" >/dev/null || { fail "SIG$sig run: the daemon did not answer /health"; continue; }

  w=$((duration + 2))
  timeout -k 5 $((w + 30)) wrk -t1 -c"$connections" -d"${w}s" -s "$here/count_status.lua" "$url/health" \
    >"$tmp/health.$sig" 2>&1 &
  p1=$!
  timeout -k 5 $((w + 30)) wrk -t1 -c"$connections" -d"${w}s" -s "$here/count_status.lua" "$url/api/bootstrap/status" \
    >"$tmp/status.$sig" 2>&1 &
  p2=$!
  LOAD_SIGN_IN=1 LOAD_EMAIL=$bench_admin_email timeout -k 5 $((w + 30)) \
    wrk -t1 -c$((connections / 2 > 0 ? connections / 2 : 1)) -d"${w}s" -s "$here/count_status.lua" "$url/api/auth/sign-in" \
    >"$tmp/signin.$sig" 2>&1 &
  p3=$!

  start=$(date +%s%N)
  : >"$tmp/rss.$sig"
  for s in $(seq 1 "$duration"); do
    now=$(date +%s%N)
    left=$(( start + s * 1000000000 - now ))
    [ "$left" -gt 0 ] && sleep "$(awk -v n="$left" 'BEGIN { printf "%.3f", n / 1e9 }')"
    echo "$s $(rss_kib "$daemon_pid")" >>"$tmp/rss.$sig"
  done
  kill -s "$sig" "$daemon_pid"
  signalled=$(date +%s%N)
  rc=0
  # wait for the daemon, at most 15 s
  for _ in $(seq 150); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$daemon_pid" 2>/dev/null; then
    fail "SIG$sig: the daemon still runs 15 s after the signal"; kill -KILL "$daemon_pid"; rc=137
    wait "$daemon_pid" 2>/dev/null || true
  else
    wait "$daemon_pid" || rc=$?
  fi
  exit_ms=$(( ($(date +%s%N) - signalled) / 1000000 ))
  daemon_pid=
  wait "$p1" "$p2" "$p3" || true

  echo
  echo "-- SIG$sig: daemon exit status $rc, ${exit_ms} ms after the signal (polled every 100 ms)"
  [ "$rc" = 0 ] || fail "SIG$sig: the daemon exited $rc"
  for f in health status signin; do
    out=$tmp/$f.$sig
    line=$(grep '^status ' "$out" || echo "status missing")
    reqs=$(awk '/requests in/ { print $1 }' "$out")
    rps=$(awk '/Requests\/sec:/ { print $2 }' "$out")
    errs=$(awk '/Socket errors:/ { s = 0; for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' "$out")
    printf '   %-7s %8s requests %10s req/s  %s  socket errors %s\n' "$f" "${reqs:-?}" "${rps:-?}" "$line" "${errs:-0}"
    [ "$line" != "status missing" ] || { fail "SIG$sig $f: wrk printed no status line"; sed 's/^/      /' "$out"; continue; }
    n5=$(sed -n 's/.* 5xx=\([0-9]*\).*/\1/p' <<<"$line")
    n4=$(sed -n 's/.* 4xx=\([0-9]*\).*/\1/p' <<<"$line")
    n429=$(sed -n 's/.* 429=\([0-9]*\).*/\1/p' <<<"$line")
    nx=$(sed -n 's/.* other=\([0-9]*\).*/\1/p' <<<"$line")
    [ "$n5" = 0 ] || fail "SIG$sig $f: $n5 responses were 5xx"
    [ "$nx" = 0 ] || fail "SIG$sig $f: $nx responses were neither 2xx, 4xx nor 5xx"
    if [ "$f" != signin ] && [ "$n4" != 0 -o "$n429" != 0 ]; then fail "SIG$sig $f: 4xx responses"; fi
  done
  r10=$(awk '$1 == 10 { print $2 }' "$tmp/rss.$sig")
  rend=$(awk -v d="$duration" '$1 == d { print $2 }' "$tmp/rss.$sig")
  rmax=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$tmp/rss.$sig")
  awk -v a="$r10" -v b="$rend" -v m="$rmax" -v d="$duration" 'BEGIN {
    printf "   RSS     %d KiB at 10 s, %d KiB at %d s (%+.1f %%), max %d KiB\n", a, b, d, (b - a) * 100 / a, m }'
  awk -v a="$r10" -v b="$rend" 'BEGIN { exit !(a > 0 && b <= a * 1.10 && b >= a * 0.90) }' ||
    fail "SIG$sig: RSS moved more than 10 % between 10 s and ${duration} s"
  echo "   RSS per second (KiB): $(awk '{ printf "%s ", $2 }' "$tmp/rss.$sig")"
done

echo
if [ "$failed" = 0 ]; then echo "PASS"; else echo "FAILED"; exit 1; fi
