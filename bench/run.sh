#!/usr/bin/env bash
# bench/run.sh - Tollgate's gateway benchmark (not a test).
#
# Starts a standalone mock upstream (bench/mock-upstream.mjs), Tollgate on it (embedded PostgreSQL with
# synchronous commits: every reservation and settlement durable) and a load generator, all on 127.0.0.1, then
# prints for non-streaming chat completions, direct to the mock and through Tollgate:
#   - a fixed rate (RATE, default 200 req/s; hey, open loop per worker): achieved rate, p50/p90/p99 latency
#   - saturation (CONNS connections, closed loop; wrk): requests/s and p50/p99
#   - the gateway's peak RSS, and a check that the ledger recorded every request it answered.
# Needs: a JDK 17 and Maven (to build the jar when missing), node, wrk and hey (apt-get install wrk hey).
#
#   bench/run.sh                       # ~3 minutes with the defaults
#   DURATION=10 WARMUP=10 bench/run.sh # quicker, noisier
#   PIN=1 bench/run.sh                 # servers on CPU 0, load generator on CPU 1 (as ../shared/bench does)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-60}
RATE=${RATE:-200}
RATE_WORKERS=${RATE_WORKERS:-10}
CONNS=${CONNS:-64}
PIN=${PIN:-0}
MOCK_PORT=${MOCK_PORT:-18080}
GW_PORT=${GW_PORT:-18090}
JAVA_OPTS=${JAVA_OPTS:-"-Xms512m -Xmx512m"}
JAR=${JAR:-$ROOT/gateway-edge/target/tollgate.jar}
if [ "$PIN" = 1 ]; then SERVER_CPU=0; LOAD=(taskset -c 1); else SERVER_CPU=; LOAD=(); fi
. bench/lib.sh

for tool in java node wrk hey curl; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install wrk hey; node and a JDK are needed)" >&2; exit 2; }
done
[ -f "$JAR" ] || mvn -B -q -DskipTests package
bench_output ""

# ---------------------------------------------------------------- servers
start_mock bench/mock-upstream.mjs
write_gateway_config bench-model
start_gateway
log "Tollgate up (pid $GW_PID)"
issue_key bench bench-user

DIRECT=http://127.0.0.1:$MOCK_PORT/v1/chat/completions
GATEWAY=http://127.0.0.1:$GW_PORT/v1/chat/completions
curl -sf "$GATEWAY" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @bench/chat.json \
  | grep -q '"cost"' || { echo "Tollgate did not answer the benchmark body with a cost" >&2; exit 1; }

# ---------------------------------------------------------------- load
saturate() { # URL SECONDS -> RESULT line
  BODY_FILE=bench/chat.json "${LOAD[@]}" wrk -t1 -c"$CONNS" -d"$2"s --timeout 10s -s bench/post.lua \
    -H "Authorization: Bearer $KEY" "$1" | grep '^RESULT'
}
fixed_rate() { # URL -> "rps p50 p90 p99" (ms)
  "${LOAD[@]}" hey -z "${DURATION}s" -c "$RATE_WORKERS" -q $((RATE / RATE_WORKERS)) -m POST -T application/json \
    -H "Authorization: Bearer $KEY" -D bench/chat.json "$1" > "$OUT/hey-$2.txt"
  awk '/Requests\/sec/{r=$2} /50% in/{p50=$3*1000} /90% in/{p90=$3*1000} /99% in/{p99=$3*1000}
       END{printf "%.1f %.2f %.2f %.2f\n", r, p50, p90, p99}' "$OUT/hey-$2.txt"
}
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# Seconds until the read model shows every settlement the ledger has (the projections' lag after a burst).
caught_up_after() {
  local t0; t0=$(date +%s%N)
  wait_read_model
  awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b-a)/1e9}'
}

log "warm-up ${WARMUP}s (JIT) through Tollgate"
saturate "$GATEWAY" "$WARMUP" > "$OUT/warmup.txt"
saturate "$DIRECT" 5 > /dev/null
log "read model caught up $(caught_up_after)s after the warm-up"
BEFORE=$(curl -sf "http://127.0.0.1:$GW_PORT/budgets/users/bench-user" -H "Authorization: Bearer $MASTER")

log "fixed rate ${RATE}/s, ${DURATION}s each: direct, then Tollgate"
read -r FR_D_RPS FR_D_P50 FR_D_P90 FR_D_P99 < <(fixed_rate "$DIRECT" direct)
read -r FR_G_RPS FR_G_P50 FR_G_P90 FR_G_P99 < <(fixed_rate "$GATEWAY" tollgate)

log "saturation, $CONNS connections, ${DURATION}s each: direct, then Tollgate"
SAT_D=$(saturate "$DIRECT" "$DURATION")
SAT_G=$(saturate "$GATEWAY" "$DURATION")
LAG=$(caught_up_after)
PEAK_RSS_MB=$(peak_rss_mib "$GW_PID")

# Every answered request must be in the ledger: settled events of the bench team, and nothing left reserved.
sleep 2
SETTLED=$(sql "select count(*) from domainevententry where aggregateidentifier='bench' and payloadtype like '%SpendSettled'")
OPEN=$(sql "select count(*) from message_costs where outcome = 'reserved'")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.3f", a/b; else print "-" }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN{ printf "%+.2f", a-b }'; }
{
  echo "## Tollgate benchmark $STAMP"
  echo
  echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), PIN=$PIN, JAVA_OPTS='$JAVA_OPTS',"
  echo "body $(wc -c < bench/chat.json) bytes, non-streaming; embedded PostgreSQL with synchronous_commit=on."
  echo
  echo "| scenario | target | req/s | p50 ms | p90 ms | p99 ms |"
  echo "|---|---|---:|---:|---:|---:|"
  echo "| fixed ${RATE}/s | direct (mock) | $FR_D_RPS | $FR_D_P50 | $FR_D_P90 | $FR_D_P99 |"
  echo "| fixed ${RATE}/s | Tollgate | $FR_G_RPS | $FR_G_P50 | $FR_G_P90 | $FR_G_P99 |"
  echo "| saturation c$CONNS | direct (mock) | $(val rps "$SAT_D") | $(val p50_ms "$SAT_D") | $(val p90_ms "$SAT_D") | $(val p99_ms "$SAT_D") |"
  echo "| saturation c$CONNS | Tollgate | $(val rps "$SAT_G") | $(val p50_ms "$SAT_G") | $(val p90_ms "$SAT_G") | $(val p99_ms "$SAT_G") |"
  echo
  echo "- added latency at ${RATE}/s: p50 $(add "$FR_G_P50" "$FR_D_P50") ms, p99 $(add "$FR_G_P99" "$FR_D_P99") ms"
  echo "- Tollgate / direct at saturation: $(ratio "$(val rps "$SAT_G")" "$(val rps "$SAT_D")")"
  echo "- Tollgate errors at saturation: non-2xx $(val non2xx "$SAT_G"), socket $(val errors "$SAT_G")"
  echo "- Tollgate peak RSS: ${PEAK_RSS_MB} MB (JVM; the embedded PostgreSQL is separate processes)"
  echo "- read model caught up ${LAG}s after the saturation run"
  echo "- settled events of the bench team in the event store: $SETTLED; reservations still open: $OPEN"
} | tee "$OUT/summary.md"
echo "raw data: $OUT" >&2
