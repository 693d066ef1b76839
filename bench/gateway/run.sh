#!/usr/bin/env bash
# Gateway HTTP benchmark (not a test). Usage: bench/gateway/run.sh [build-dir]   (default: build)
#
# Requests per second and p99 latency of GET /health and GET /api/bootstrap/status at each
# connection count, measured with wrk on loopback against
#   mosaic   `mosaic gateway run`, installed headless (local tier) in a temporary home, and
#   fastify  a minimal Fastify server (fastify/server.js) answering the same JSON documents
# in the same run, with the same wrk settings. Both servers run for the whole benchmark but are
# loaded one at a time; rounds alternate which server goes first. Reports per-round figures,
# the median over rounds and the ratio mosaic/fastify. Then, for each server, IDLE keep-alive
# connections (idle_connections.py: one request each, then silence) are opened and held while
# wrk measures GET /health again at the first connection count; the server's RSS is read from
# /proc before and with them.
#
# Mosaic runs with its defaults (request log on, one I/O thread per core, storage on the
# worker pool), except the connection caps, raised in its .env to let IDLE connections in.
#
# Knobs (environment): THREADS=2 CONNECTIONS="32 256" DURATION=10 (s) WARMUP=3 (s) ROUNDS=3
# IDLE=10000 (0 skips the idle phase) GATEWAY_THREADS (unset: the gateway's default, one I/O
# thread per core; set: written to its .env as MOSAIC_GATEWAY_THREADS)
# Needs: wrk (apt-get install wrk), curl, node >= 20, npm (only if fastify/node_modules is
# missing: it runs `npm ci` there), the built mosaic binary and plugins in build-dir.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
threads=${THREADS:-2}
connections=${CONNECTIONS:-32 256}
idle=${IDLE:-10000}
duration=${DURATION:-10}
warmup=${WARMUP:-3}
rounds=${ROUNDS:-3}
routes=(/health /api/bootstrap/status)

for tool in wrk curl node python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: '$tool' not found (wrk: apt-get install wrk)" >&2; exit 1; }
done
[ -x "$build/bin/mosaic" ] || { echo "run.sh: no $build/bin/mosaic; build first" >&2; exit 1; }
if [ ! -d "$here/fastify/node_modules/fastify" ]; then
  (cd "$here/fastify" && npm ci --no-audit --no-fund >/dev/null)
fi

# ---------------------------------------------------------------- temp world and cleanup
. "$here/world.sh"
fastify_pid=

cleanup() {
  set +e
  if [ -n "$fastify_pid" ] && kill -0 "$fastify_pid" 2>/dev/null; then
    kill -TERM "$fastify_pid"
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$fastify_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$fastify_pid" 2>/dev/null && kill -KILL "$fastify_pid"
    wait "$fastify_pid" 2>/dev/null
  fi
  world_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---------------------------------------------------------------- start both servers
mosaic_port=$(free_port)
install_gateway "$mosaic_port"
mosaic_url=http://127.0.0.1:$mosaic_port
# Room for the idle connections (all from loopback, one client to the per-client cap).
cap=$(( idle + 2000 ))
printf 'MOSAIC_GATEWAY_MAX_CONNECTIONS=%s\nMOSAIC_GATEWAY_MAX_CONNECTIONS_PER_CLIENT=%s\n' "$cap" "$cap" \
  >> "$mosaic_home/gateway/.env"
if [ -n "${GATEWAY_THREADS:-}" ]; then
  printf 'MOSAIC_GATEWAY_THREADS=%s\n' "$GATEWAY_THREADS" >> "$mosaic_home/gateway/.env"
fi
mosaic -- gateway restart >/dev/null
ulimit -n "$(ulimit -Hn)"  # the idle connections' client needs a descriptor each

# The documents Fastify will answer: exactly what the daemon answers now.
curl -fsS "$mosaic_url/health" > "$tmp/health.json"
curl -fsS "$mosaic_url/api/bootstrap/status" > "$tmp/bootstrap-status.json"

(cd "$here/fastify" && exec env HEALTH_JSON="$tmp/health.json" BOOTSTRAP_STATUS_JSON="$tmp/bootstrap-status.json" \
   PORT=0 PORT_FILE="$tmp/fastify.port" node server.js) >"$tmp/fastify.log" 2>&1 &
fastify_pid=$!
for _ in $(seq 100); do [ -s "$tmp/fastify.port" ] && break; sleep 0.1; done
[ -s "$tmp/fastify.port" ] || { echo "run.sh: fastify did not start:" >&2; cat "$tmp/fastify.log" >&2; exit 1; }
fastify_url=http://127.0.0.1:$(cat "$tmp/fastify.port")

# Same status and body on both (latencyMs in /health is measured per request, so ignored).
for r in "${routes[@]}"; do
  a=$(curl -fsS "$mosaic_url$r" | sed -E 's/"(latencyMs|ageMs)":[0-9.]*/"\1":_/g')
  b=$(curl -fsS "$fastify_url$r" | sed -E 's/"(latencyMs|ageMs)":[0-9.]*/"\1":_/g')
  [ "$a" = "$b" ] || { echo "run.sh: GET $r differs: mosaic '$a' fastify '$b'" >&2; exit 1; }
done

# ---------------------------------------------------------------- measure
echo "== gateway benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine : $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mosaic  : $("$build/bin/mosaic" --version 2>/dev/null | head -1) at $mosaic_url (local tier, pid $(cat "$mosaic_home/gateway/gateway.pid"), I/O threads: ${GATEWAY_THREADS:-default, one per core})"
echo "fastify : $(node -p "require('$here/fastify/node_modules/fastify/package.json').version") on node $(node --version) at $fastify_url (pid $fastify_pid)"
echo "wrk     : $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), -t$threads -c{$connections} -d${duration}s --latency; warm-up ${warmup}s per server and route; $rounds rounds"
echo "GET /health -> $(cat "$tmp/health.json")"
echo "GET /api/bootstrap/status -> $(cat "$tmp/bootstrap-status.json")"
echo

# wrk's report -> "req_per_s p99_ms non_2xx socket_errors"
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v * 60000 }
    /Requests\/sec:/              { rps = $2 }
    /^ +99%/                      { p99 = ms($2) }
    /Non-2xx or 3xx responses:/   { non2xx = $NF }
    /Socket errors:/              { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errs += $i }
    END { printf "%s %.3f %d %d\n", rps, p99, non2xx, errs }'
}

run_wrk() {  # seconds connections url
  timeout --foreground -k 5 $(( $1 + 30 )) wrk -t"$threads" -c"$2" -d"$1"s --latency "$3"
}

for server in mosaic fastify; do
  url=${server}_url
  for r in "${routes[@]}"; do run_wrk "$warmup" "${connections%% *}" "${!url}$r" >/dev/null; done
done

: > "$tmp/results"
for round in $(seq "$rounds"); do
  order="mosaic fastify"; [ $((round % 2)) = 0 ] && order="fastify mosaic"
  for c in $connections; do
    for r in "${routes[@]}"; do
      for server in $order; do
        url=${server}_url
        run_wrk "$duration" "$c" "${!url}$r" > "$tmp/wrk.out"
        read -r rps p99 non2xx errs < <(parse_wrk < "$tmp/wrk.out")
        echo "$server $r@$c $round $rps $p99 $non2xx $errs" >> "$tmp/results"
        printf 'round %d  %-8s -c%-4s GET %-22s %10.0f req/s  p99 %8.3f ms  non-2xx %d  socket errors %d\n' \
          "$round" "$server" "$c" "$r" "$rps" "$p99" "$non2xx" "$errs"
      done
    done
  done
done

# ---------------------------------------------------------------- summary (medians over rounds)
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v s="$1" -v r="$2" -v c="$3" '$1 == s && $2 == r { print $c }' "$tmp/results"; }

echo
echo "== median of $rounds rounds (wrk -t$threads -d${duration}s, loopback)"
printf '%-32s %14s %14s %10s %12s %12s %10s\n' "route @ connections" "mosaic req/s" "fastify req/s" ratio "mosaic p99" "fastify p99" ratio
for c in $connections; do
  for r in "${routes[@]}"; do
    m_rps=$(col mosaic "$r@$c" 4 | median); f_rps=$(col fastify "$r@$c" 4 | median)
    m_p99=$(col mosaic "$r@$c" 5 | median); f_p99=$(col fastify "$r@$c" 5 | median)
    awk -v r="GET $r @ $c" -v mr="$m_rps" -v fr="$f_rps" -v mp="$m_p99" -v fp="$f_p99" 'BEGIN {
      printf "%-32s %14.0f %14.0f %10.3g %9.3f ms %9.3f ms %10.3g\n", r, mr, fr, mr / fr, mp, fp, (fp > 0 ? mp / fp : 0) }'
  done
done
echo "(ratio = mosaic / fastify: above 1 is better for mosaic on req/s, worse on p99)"
bad=$(awk '$6 + $7 > 0' "$tmp/results" | wc -l)
[ "$bad" = 0 ] || echo "warning: $bad run(s) had non-2xx responses or socket errors (see the per-round lines)"

# ---------------------------------------------------------------- idle keep-alive connections
[ "$idle" -gt 0 ] || exit 0
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
c=${connections%% *}
echo
echo "== $idle idle keep-alive connections held open while wrk -c$c measures GET /health"
printf '%-8s %12s %14s %12s %12s %12s\n' server "RSS before" "RSS with idle" "req/s" "p99" "answered"
for server in mosaic fastify; do
  url=${server}_url
  pid=$fastify_pid
  [ "$server" = mosaic ] && pid=$(cat "$mosaic_home/gateway/gateway.pid")
  before=$(rss_kib "$pid")
  port=${!url##*:}
  mkfifo "$tmp/idle.in"
  python3 "$here/idle_connections.py" "$idle" 127.0.0.1 "$port" /health < "$tmp/idle.in" > "$tmp/idle.out" 2>&1 &
  idle_pid=$!
  exec 9> "$tmp/idle.in"
  for _ in $(seq 600); do grep -q '^ready' "$tmp/idle.out" 2>/dev/null && break; kill -0 "$idle_pid" 2>/dev/null || break; sleep 0.1; done
  answered=$(awk '/^ready/ { print $2 }' "$tmp/idle.out")
  [ -n "$answered" ] || { echo "run.sh: the idle connections did not open against $server:" >&2; cat "$tmp/idle.out" >&2; exit 1; }
  with=$(rss_kib "$pid")
  run_wrk "$duration" "$c" "${!url}/health" > "$tmp/wrk.out"
  read -r rps p99 non2xx errs < <(parse_wrk < "$tmp/wrk.out")
  exec 9>&-
  wait "$idle_pid" || true
  rm -f "$tmp/idle.in"
  printf '%-8s %9s KiB %11s KiB %12.0f %9.3f ms %12s\n' "$server" "$before" "$with" "$rps" "$p99" "$answered/$idle"
  [ "$non2xx$errs" = 00 ] || echo "warning: $server had $non2xx non-2xx responses and $errs socket errors under idle load"
done
