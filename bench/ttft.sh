#!/usr/bin/env bash
# bench/ttft.sh - time to first token of a streamed chat completion, direct and through Tollgate (not a test).
#
# Starts the mock upstream (the shared harness's ../shared/bench/mock-openai.mjs when it is there, else
# bench/mock-upstream.mjs) and Tollgate the README's way (java -jar, embedded durable PostgreSQL; JAVA_OPTS adds
# flags), both pinned to CPU 0; creates a team, a user and a key; then bench/ttft-client.mjs on CPU 1 offers a paced
# streaming load (CONNS keep-alive connections, each pausing PACE_MS after every answer: the harness's paced
# scenario) to the mock directly and through Tollgate, and prints, p50 / p90 / p99 / max in ms, the time from writing
# the request to the response headers, to the first content event (the first `data:` line with a delta) and to the
# last byte, and what Tollgate adds; then the JVM's and PostgreSQL's CPU (/proc) and the JVM's allocation per
# streamed request during the measured run through Tollgate. Issue 9's target: added time to first token <= 1 ms at
# p50, <= 5 ms at p99.
#
#   bench/ttft.sh                                # 60 s warm-up on Tollgate, 30 s measured each
#   WARMUP=90 SECONDS_MEASURED=60 bench/ttft.sh
#   JAR=/tmp/before.jar bench/ttft.sh            # another build (an A/B: run the two back to back)
#   JAVA_OPTS='-XX:StartFlightRecording=settings=profile,delay=70s,duration=30s,filename=/tmp/t.jfr' bench/ttft.sh
# Run it under `flock /tmp/tollgate-heavy.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

WARMUP=${WARMUP:-60}
SECONDS_MEASURED=${SECONDS_MEASURED:-30}
CONNS=${CONNS:-10}
PACE_MS=${PACE_MS:-50}
MOCK_PORT=${MOCK_PORT:-18280}
GW_PORT=${GW_PORT:-18290}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
JAVA_OPTS=${JAVA_OPTS:-}
JAR=${JAR:-$ROOT/gateway-edge/target/tollgate.jar}
MASTER=ttft-master-key-$(date +%s)-0123456789
[ -f "$JAR" ] || { echo "build the jar first: mvn -B -q -DskipTests package" >&2; exit 2; }
SHARED=$ROOT/../shared/bench
[ -f "$SHARED/mock-openai.mjs" ] || SHARED=/work/shared/bench
if [ -f "$SHARED/mock-openai.mjs" ]; then
  MOCK=$SHARED/mock-openai.mjs
  BODY=${BODY:-$SHARED/bodies/chat-1k-stream.json}
else
  MOCK=$ROOT/bench/mock-upstream.mjs
  BODY=${BODY:-$ROOT/bench/chat-stream.json}
  [ -f "$BODY" ] || sed 's/"model"/"stream":true,"stream_options":{"include_usage":true},"model"/' bench/chat.json >"$BODY"
fi
MODEL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).model)' "$BODY")

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/bench/results/ttft-$STAMP}
mkdir -p "$OUT"
MOCK_PID=
GW_PID=
cleanup() { for p in $MOCK_PID $GW_PID; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

MOCK_PORT=$MOCK_PORT taskset -c "$SERVER_CPU" node "$MOCK" >"$OUT/mock.log" 2>&1 &
MOCK_PID=$!
cat >"$OUT/tollgate-bench.yaml" <<EOF
tollgate:
  models:
    - name: $MODEL
      max-output-tokens: 4096
      prices: { input: "0.15", cached-input: "0.075", output: "0.60" }
      deployment: { provider: openai, name: mock, base-url: "http://127.0.0.1:$MOCK_PORT/v1", upstream-model: gpt-4o-mini }
EOF
# shellcheck disable=SC2086
TOLLGATE_CONFIG="file:$OUT/tollgate-bench.yaml" TOLLGATE_MASTER_KEY=$MASTER \
  taskset -c "$SERVER_CPU" java $JAVA_OPTS -jar "$JAR" --server.port=$GW_PORT --tollgate.data-dir="$OUT/data" \
  >"$OUT/tollgate.log" 2>&1 &
GW_PID=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$GW_PORT/actuator/health/readiness" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$GW_PORT/actuator/health/readiness" >/dev/null || { echo "Tollgate did not start, see $OUT/tollgate.log" >&2; exit 1; }
log "Tollgate up (pid $GW_PID), mock $MOCK on $MOCK_PORT"

admin() { curl -sf -X "$1" "http://127.0.0.1:$GW_PORT$2" -H "Authorization: Bearer $MASTER" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
admin POST /admin/teams '{"id":"ttft","budget":{"limit":"1000000","period":"monthly"},"member_budget":{"limit":"1000000","period":"monthly"}}' >/dev/null
admin POST /admin/users '{"id":"ttft-user","team_id":"ttft"}' >/dev/null
KEY=$(admin POST /admin/keys '{"user_id":"ttft-user","name":"ttft"}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$KEY" ] || { echo "could not issue a key" >&2; exit 1; }

DIRECT=http://127.0.0.1:$MOCK_PORT/v1/chat/completions
GATEWAY=http://127.0.0.1:$GW_PORT/v1/chat/completions
client() { # URL SECONDS [AUTH] -> one JSON line
  taskset -c "$CLIENT_CPU" node bench/ttft-client.mjs "$1" "$BODY" "$2" "$CONNS" "$PACE_MS" "${3:-}"
}
log "warm-up: direct 10 s, Tollgate ${WARMUP} s"
client "$DIRECT" 10 >"$OUT/warmup-direct.json"
client "$GATEWAY" "$WARMUP" "Bearer $KEY" >"$OUT/warmup-tollgate.json"
log "measuring ${SECONDS_MEASURED} s each (${CONNS} connections, ${PACE_MS} ms pause): direct, Tollgate"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { # the embedded PostgreSQL: its postmaster and every child
  local pm total; pm=$(head -1 "$OUT/data/postgres/postmaster.pid"); total=$(ticks "$pm")
  for c in $(pgrep -P "$pm"); do total=$((total + $(ticks "$c"))); done; echo "$total"
}
allocated() {
  admin GET /actuator/metrics/jvm.gc.memory.allocated | sed -n 's/.*"value":\([0-9.E+]*\).*/\1/p' | awk '{printf "%.0f\n", $1}'
}
client "$DIRECT" "$SECONDS_MEASURED" >"$OUT/direct.json"
J0=$(ticks "$GW_PID"); P0=$(pg_ticks); A0=$(allocated)
client "$GATEWAY" "$SECONDS_MEASURED" "Bearer $KEY" >"$OUT/tollgate.json"
J1=$(ticks "$GW_PID"); P1=$(pg_ticks); A1=$(allocated)
N=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).requests)' "$OUT/tollgate.json")
HZ=$(getconf CLK_TCK)
echo "per streamed request through Tollgate ($N requests): JVM CPU $(( (J1 - J0) * 1000000 / HZ / N )) µs," \
  "PostgreSQL CPU $(( (P1 - P0) * 1000000 / HZ / N )) µs, $(( (A1 - A0) / N )) bytes allocated" >"$OUT/cpu.txt"
# Tollgate's own view of the same minutes (percentiles over Micrometer's 2-minute window): how long a reservation
# waited for its durable decision, the ledger's batches, Tollgate's own time to first token and overhead (the
# Prometheus scrape's quantiles).
admin GET /actuator/prometheus 2>/dev/null | grep -E '^tollgate_(ledger_reservation_duration|ledger_line_duration|ledger_batch_duration|ledger_batch_size|time_to_first_token|gateway_overhead)[a-z_]*\{.*quantile' \
  >"$OUT/metrics.txt" || true

node - "$OUT/direct.json" "$OUT/tollgate.json" "$JAR" "$JAVA_OPTS" "$WARMUP" "$SECONDS_MEASURED" "$CONNS" "$PACE_MS" <<'EOF' | tee "$OUT/summary.md"
const fs = require('fs');
const [d, t, jar, opts, warm, secs, conns, pace] = process.argv.slice(2);
const direct = JSON.parse(fs.readFileSync(d)), gw = JSON.parse(fs.readFileSync(t));
const f = (x) => x.toFixed(2);
console.log(`# Time to first token: ${conns} connections x ${pace} ms pause, ${secs} s measured, ${warm} s warm-up on Tollgate`);
console.log(`jar ${jar}${opts ? `, JAVA_OPTS '${opts}'` : ''}`);
console.log('');
console.log(`| ms | direct (${direct.rps} req/s, ${direct.requests} ok, ${direct.errors} errors) | Tollgate (${gw.rps} req/s, ${gw.requests} ok, ${gw.errors} errors) | added |`);
console.log('|---|---|---|---|');
for (const [k, name] of [['headers', 'headers'], ['first', 'first content event'], ['last', 'last byte']]) {
  const a = direct[k], b = gw[k];
  const row = (o) => `${f(o.p50)} / ${f(o.p90)} / ${f(o.p99)} (max ${f(o.max)})`;
  console.log(`| ${name}: p50 / p90 / p99 | ${row(a)} | ${row(b)} | ${f(b.p50 - a.p50)} / ${f(b.p90 - a.p90)} / ${f(b.p99 - a.p99)} |`);
}
EOF
{ echo; cat "$OUT/cpu.txt"; } | tee -a "$OUT/summary.md"
if [ -s "$OUT/metrics.txt" ]; then
  echo; echo "Tollgate's own meters, last 2 minutes (seconds; lines per batch):"; sed 's/^/    /' "$OUT/metrics.txt"
fi | tee -a "$OUT/summary.md"
