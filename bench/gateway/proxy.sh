#!/usr/bin/env bash
# Model-call overhead (benchmark, not a test). Usage: bench/gateway/proxy.sh [build-dir]
#
# One fake provider (fake-provider from the build, the tests' own: Anthropic Messages API,
# no sleep) behind each of:
#   direct   the client straight to the fake
#   mosaic   `mosaic gateway run` (installed headless, local tier) with an agent token
#   portkey  Portkey's AI gateway (@portkey-ai/gateway from the npm registry, Node), told the
#            fake's address with x-portkey-custom-host
# and Bifrost (@maximhq/bifrost) when its package can run here (it cannot: see below).
# Measured in the same run, for each, ROUNDS times with the order rotating:
#   latency  wrk -t1 -c1 -dDURATION --latency: median and p99 of a non-streamed call
#   ttfb     ttfb.py: median time to the first event of a streamed call (TTFB_REQUESTS calls,
#            a new connection each, as an SDK's first call)
#   req/s    wrk -t2 -c32 -dDURATION, non-streamed
# and reports each gateway's added median and p99 latency and added time to first event
# against direct (medians over rounds), and its req/s as a ratio of direct's.
#
# Knobs (environment): ROUNDS=3 DURATION=10 TTFB_REQUESTS=300
# Needs: wrk, curl, python3, node >= 20 and npm (anchors/node_modules is installed with
# `npm ci` when missing), a build with tests (bin/fake-provider).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
rounds=${ROUNDS:-3}
duration=${DURATION:-10}
ttfb_requests=${TTFB_REQUESTS:-300}

for tool in wrk curl node npm python3; do
  command -v "$tool" >/dev/null || { echo "proxy.sh: '$tool' not found" >&2; exit 1; }
done
for f in bin/mosaic bin/fake-provider; do
  [ -x "$build/$f" ] || { echo "proxy.sh: no $build/$f; build with tests first" >&2; exit 1; }
done
if [ ! -f "$here/anchors/node_modules/@portkey-ai/gateway/build/start-server.js" ]; then
  (cd "$here/anchors" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
fi

. "$here/world.sh"
pids=()
cleanup() {
  set +e
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  world_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

wait_port() {  # port
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "proxy.sh: nothing listens on port $1" >&2; return 1
}

# ---------------------------------------------------------------- the fake and the gateways
provider_key=sk-ant-bench-provider-key
"$build/bin/fake-provider" --port-file "$tmp/fake.port" --anthropic-key "$provider_key" --threads 1 \
  >"$tmp/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do [ -s "$tmp/fake.port" ] && break; sleep 0.05; done
fake_port=$(cat "$tmp/fake.port")
fake=http://127.0.0.1:$fake_port

mosaic_port=$(free_port)
export MOSAIC_ANTHROPIC_API_KEY=$provider_key MOSAIC_ANTHROPIC_BASE_URL=$fake
world_env+=(MOSAIC_ANTHROPIC_API_KEY="$provider_key" MOSAIC_ANTHROPIC_BASE_URL="$fake")
install_gateway "$mosaic_port"
admin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin_token"])' "$mosaic_home/gateway/meta.json")
agent=$(curl -fsS -X POST "http://127.0.0.1:$mosaic_port/api/admin/agent-tokens" -H "Authorization: Bearer $admin" \
          -H 'Content-Type: application/json' -d '{"agent":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

portkey_port=$(free_port)
node "$here/anchors/node_modules/@portkey-ai/gateway/build/start-server.js" --port="$portkey_port" --headless \
  >"$tmp/portkey.log" 2>&1 &
pids+=($!)
wait_port "$portkey_port"

# Bifrost's npm package is a launcher: at first run it downloads a prebuilt Go binary.
bifrost_why=$(cd "$tmp" && timeout 20 node "$here/anchors/node_modules/@maximhq/bifrost/bin.js" --port "$(free_port)" 2>&1 | tr '\n' ' ' | cut -c1-300 || true)
grep -o 'https://[a-z.]*getmaxim[a-z.]*' "$here/anchors/node_modules/@maximhq/bifrost/bin.js" | head -1 > "$tmp/bifrost.url" || true

body='{"model":"claude-test","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}'
stream_body='{"model":"claude-test","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"hi"}]}'
version='anthropic-version: 2023-06-01'
declare -A url port path headers
url[direct]=$fake/v1/messages;                     port[direct]=$fake_port;    path[direct]=/v1/messages
headers[direct]="x-api-key: $provider_key|$version"
url[mosaic]=http://127.0.0.1:$mosaic_port/anthropic/v1/messages; port[mosaic]=$mosaic_port; path[mosaic]=/anthropic/v1/messages
headers[mosaic]="x-api-key: $agent|$version"
url[portkey]=http://127.0.0.1:$portkey_port/v1/messages; port[portkey]=$portkey_port; path[portkey]=/v1/messages
headers[portkey]="x-portkey-provider: anthropic|x-portkey-custom-host: $fake/v1|x-api-key: $provider_key|$version"
targets=(direct mosaic portkey)

# Every target answers the fake's document.
for t in "${targets[@]}"; do
  args=()
  IFS='|' read -r -a hs <<<"${headers[$t]}"
  for h in "${hs[@]}"; do args+=(-H "$h"); done
  got=$(curl -fsS "${url[$t]}" -H 'Content-Type: application/json' "${args[@]}" -d "$body") ||
    { echo "proxy.sh: $t does not answer" >&2; exit 1; }
  case "$got" in *'"input_tokens":25'*) ;; *) echo "proxy.sh: $t answered $got" >&2; exit 1 ;; esac
done

echo "== model-call overhead: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine : $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fake    : $fake (fake-provider, 1 I/O thread)"
echo "mosaic  : $("$build/bin/mosaic" --version | head -1), local tier, agent token, port $mosaic_port"
echo "portkey : @portkey-ai/gateway $(node -p "require('$here/anchors/node_modules/@portkey-ai/gateway/package.json').version") on node $(node --version), port $portkey_port"
echo "bifrost : not run: @maximhq/bifrost $(node -p "require('$here/anchors/node_modules/@maximhq/bifrost/package.json').version") only launches a Go binary it downloads from $(cat "$tmp/bifrost.url") at first run (no route there from this machine, and the project runs no downloaded binaries): ${bifrost_why:0:160}"
echo

# wrk's report -> "p50_ms p99_ms req_per_s errors"
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v * 60000 }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { errs += $NF }
    /Socket errors:/ { for (i = 3; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errs += $i }
    END { printf "%.4f %.4f %s %d\n", p50, p99, rps, errs }'
}
run_wrk() {  # target threads connections
  BODY=$body HEADERS=${headers[$1]} timeout --foreground -k 5 $((duration + 30)) \
    wrk -t"$2" -c"$3" -d"$duration"s --latency -s "$here/post.lua" "${url[$1]}" | parse_wrk
}
run_ttfb() {  # target
  IFS='|' read -r -a hs <<<"${headers[$1]}"
  python3 "$here/ttfb.py" "$ttfb_requests" 127.0.0.1 "${port[$1]}" "${path[$1]}" "$stream_body" "${hs[@]}"
}

for t in "${targets[@]}"; do run_wrk "$t" 1 1 >/dev/null; done  # warm-up (and Node's JIT)
: >"$tmp/results"
for round in $(seq "$rounds"); do
  order=("${targets[@]:$(( (round - 1) % 3 ))}" "${targets[@]:0:$(( (round - 1) % 3 ))}")
  for t in "${order[@]}"; do
    read -r p50 p99 _ e1 < <(run_wrk "$t" 1 1)
    read -r _ _ rps e2 < <(run_wrk "$t" 2 32)
    read -r t50 t99 e3 < <(run_ttfb "$t")
    echo "$t $round $p50 $p99 $rps $t50 $t99 $((e1 + e2 + e3))" >>"$tmp/results"
    printf 'round %d %-8s latency p50 %7.3f ms p99 %7.3f ms | c32 %9.0f req/s | first event p50 %7.3f ms p99 %7.3f ms | errors %d\n' \
      "$round" "$t" "$p50" "$p99" "$rps" "$t50" "$t99" "$((e1 + e2 + e3))"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$tmp/results" | median; }
echo
echo "== medians of $rounds rounds; added = gateway - direct"
printf '%-8s %12s %12s %14s %14s %12s %10s\n' target "p50 (ms)" "p99 (ms)" "added p50" "added p99" "req/s c32" "x direct"
d50=$(col direct 3); d99=$(col direct 4); drps=$(col direct 5); dt=$(col direct 6)
for t in "${targets[@]}"; do
  awk -v t="$t" -v p50="$(col "$t" 3)" -v p99="$(col "$t" 4)" -v rps="$(col "$t" 5)" -v d50="$d50" -v d99="$d99" -v drps="$drps" 'BEGIN {
    printf "%-8s %12.3f %12.3f %11.3f ms %11.3f ms %12.0f %10.2f\n", t, p50, p99, p50 - d50, p99 - d99, rps, rps / drps }'
done
printf '\n%-8s %22s %22s\n' target "first event p50 (ms)" "added (ms)"
for t in "${targets[@]}"; do
  awk -v t="$t" -v v="$(col "$t" 6)" -v d="$dt" 'BEGIN { printf "%-8s %22.3f %22.3f\n", t, v, v - d }'
done
bad=$(awk '$8 > 0' "$tmp/results" | wc -l)
[ "$bad" = 0 ] || echo "warning: $bad measurement(s) had errors (see the per-round lines)"
