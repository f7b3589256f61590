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
#   bench/ttft.sh                                # 60 s of streams at saturation, 60 s paced, 30 s measured each
#   WARMUP=90 SECONDS_MEASURED=60 bench/ttft.sh
#   JAR=/tmp/before.jar bench/ttft.sh            # another build (an A/B: run the two back to back)
#   JAVA_OPTS='-XX:StartFlightRecording=settings=profile,delay=160s,duration=30s,filename=/tmp/t.jfr' bench/ttft.sh
# Run it under `flock /tmp/tollgate-heavy.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

WARMUP=${WARMUP:-60}
# Seconds of streams as fast as answered (32 connections, no pause) before a paced warm-up: at the paced rate alone
# the JIT is still compiling minutes later (its threads were a third of the JVM's CPU in the measured window after a
# paced 120 s warm-up), so the paced figures would measure the compiler. 0: no saturation phase.
SATURATE=${SATURATE:-60}
SECONDS_MEASURED=${SECONDS_MEASURED:-30}
CONNS=${CONNS:-10}
PACE_MS=${PACE_MS:-50}
[ "$PACE_MS" -gt 0 ] || SATURATE=0
MOCK_PORT=${MOCK_PORT:-18280}
GW_PORT=${GW_PORT:-18290}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
. bench/lib.sh
require_jar
SHARED=$ROOT/../shared/bench
[ -f "$SHARED/mock-openai.mjs" ] || SHARED=/work/shared/bench
MOCK=
if [ -f "$SHARED/mock-openai.mjs" ]; then
  MOCK=$SHARED/mock-openai.mjs
  BODY=${BODY:-$SHARED/bodies/chat-1k-stream.json}
fi
bench_output ttft-
if [ -z "${MOCK:-}" ]; then # no shared harness: this repository's mock and bench/chat.json, streamed
  MOCK=$ROOT/bench/mock-upstream.mjs
  BODY=${BODY:-$OUT/chat-stream.json}
  [ -f "$BODY" ] || sed 's/"model"/"stream":true,"stream_options":{"include_usage":true},"model"/' bench/chat.json >"$BODY"
fi
MODEL=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).model)' "$BODY")

start_mock "$MOCK"
DEPLOYMENT_NAME=mock write_gateway_config "$MODEL"
start_gateway
log "Tollgate up (pid $GW_PID), mock $MOCK on $MOCK_PORT"
issue_key ttft ttft-user

DIRECT=http://127.0.0.1:$MOCK_PORT/v1/chat/completions
GATEWAY=http://127.0.0.1:$GW_PORT/v1/chat/completions
client() { # URL SECONDS [AUTH [CONNS PACE_MS]] -> one JSON line
  taskset -c "$CLIENT_CPU" node bench/ttft-client.mjs "$1" "$BODY" "$2" "${4:-$CONNS}" "${5:-$PACE_MS}" "${3:-}"
}
WARMED="${WARMUP} s paced"
if [ "$SATURATE" -gt 0 ]; then
  WARMED="${SATURATE} s at saturation (32 connections) then $WARMED"
  log "saturation: Tollgate ${SATURATE} s (32 connections, no pause)"
  client "$GATEWAY" "$SATURATE" "Bearer $KEY" 32 0 >"$OUT/saturate-tollgate.json"
fi
log "warm-up: direct 10 s, Tollgate ${WARMUP} s"
client "$DIRECT" 10 >"$OUT/warmup-direct.json"
client "$GATEWAY" "$WARMUP" "Bearer $KEY" >"$OUT/warmup-tollgate.json"
log "measuring ${SECONDS_MEASURED} s each (${CONNS} connections, ${PACE_MS} ms pause): direct, Tollgate"
client "$DIRECT" "$SECONDS_MEASURED" >"$OUT/direct.json"
A0=$(allocated) # first: its collection is not the load's CPU
J0=$(ticks "$GW_PID"); P0=$(pg_ticks)
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

node - "$OUT/direct.json" "$OUT/tollgate.json" "$JAR" "$JAVA_OPTS" "$WARMED" "$SECONDS_MEASURED" "$CONNS" "$PACE_MS" <<'EOF' | tee "$OUT/summary.md"
const fs = require('fs');
const [d, t, jar, opts, warm, secs, conns, pace] = process.argv.slice(2);
const direct = JSON.parse(fs.readFileSync(d)), gw = JSON.parse(fs.readFileSync(t));
const f = (x) => x.toFixed(2);
console.log(`# Time to first token: ${conns} connections x ${pace} ms pause, ${secs} s measured, ${warm} warm-up on Tollgate`);
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
