#!/usr/bin/env bash
# bench/per-request.sh - what one governed request costs, counted rather than timed (not a test).
#
# Starts bench/mock-upstream.mjs and Tollgate the README's way (java -jar, embedded durable PostgreSQL; JAVA_OPTS
# adds flags), restarts it once with pg_stat_statements loaded, creates a team, a user and a key, warms up, then
# offers a paced load (CONNS connections, each waiting PACE_MS after every answer: ~200 req/s by default) and
# counts, per answered request:
#   - SQL statements and commits (pg_stat_statements, pg_stat_database), by kind (event store reads, gap checks,
#     appends, token updates, projection writes), and event rows read from the event store;
#   - CPU of the JVM and of PostgreSQL (/proc, user + system), bytes allocated by the JVM (jvm.gc.memory.allocated);
#   - snapshots written and their size, the JVM's peak RSS.
# The machine may be shared: counts per request are the figures to compare, wall-clock ones are indicative.
#
#   bench/per-request.sh                      # 60 s warm-up, 30 s measured, ~200 req/s
#   WARMUP=30 SECONDS_MEASURED=20 bench/per-request.sh
#   PACE_MS=0 CONNS=64 bench/per-request.sh   # saturation instead of a paced rate
#   JAR=/tmp/before.jar bench/per-request.sh  # another build of the jar (an A/B)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

WARMUP=${WARMUP:-60}
SECONDS_MEASURED=${SECONDS_MEASURED:-30}
CONNS=${CONNS:-10}
PACE_MS=${PACE_MS:-50}
MOCK_PORT=${MOCK_PORT:-18180}
GW_PORT=${GW_PORT:-18190}
JAVA_OPTS=${JAVA_OPTS:-}
JAR=${JAR:-$ROOT/gateway-edge/target/tollgate.jar}
MASTER=bench-master-key-$(date +%s)-0123456789
[ -f "$JAR" ] || { echo "build the jar first: mvn -B -q -DskipTests package" >&2; exit 2; }

STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/bench/results/per-request-$STAMP}
mkdir -p "$OUT"
PIDS=()
GW_PID=
cleanup() { for p in "${PIDS[@]:-}" $GW_PID; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

MOCK_PORT=$MOCK_PORT node bench/mock-upstream.mjs >"$OUT/mock.log" 2>&1 &
PIDS+=($!)
cat >"$OUT/tollgate-bench.yaml" <<EOF
tollgate:
  models:
    - name: bench-model
      max-output-tokens: 4096
      prices: { input: "0.15", cached-input: "0.075", output: "0.60" }
      deployment: { provider: openai, base-url: "http://127.0.0.1:$MOCK_PORT/v1", upstream-model: gpt-4o-mini }
EOF
start_gateway() {
  # shellcheck disable=SC2086
  TOLLGATE_CONFIG="file:$OUT/tollgate-bench.yaml" TOLLGATE_MASTER_KEY=$MASTER \
    java $JAVA_OPTS -jar "$JAR" --server.port=$GW_PORT --tollgate.data-dir="$OUT/data" >>"$OUT/tollgate.log" 2>&1 &
  GW_PID=$!
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$GW_PORT/actuator/health/readiness" >/dev/null && return 0; sleep 0.2; done
  echo "Tollgate did not start, see $OUT/tollgate.log" >&2; exit 1
}
pg_port() { sed -n 's/.*Embedded PostgreSQL on port \([0-9]*\).*/\1/p' "$OUT/tollgate.log" | tail -1; }
sql() { PGPASSWORD=postgres psql -X -h 127.0.0.1 -p "$(pg_port)" -U postgres -tAc "$1"; }

start_gateway
sql "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true
start_gateway
sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
log "Tollgate up (pid $GW_PID), PostgreSQL on $(pg_port)"

admin() { curl -sf -X "$1" "http://127.0.0.1:$GW_PORT$2" -H "Authorization: Bearer $MASTER" -H 'Content-Type: application/json' ${3:+-d "$3"}; }
admin POST /admin/teams '{"id":"bench","budget":{"limit":"1000000","period":"monthly"},"member_budget":{"limit":"1000000","period":"monthly"}}' >/dev/null
admin POST /admin/users '{"id":"bench-user","team_id":"bench"}' >/dev/null
KEY=$(admin POST /admin/keys '{"user_id":"bench-user","name":"bench"}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$KEY" ] || { echo "could not issue a key" >&2; exit 1; }
GATEWAY=http://127.0.0.1:$GW_PORT/v1/chat/completions
load() { # SECONDS -> RESULT line
  BODY_FILE=bench/chat.json PACE_DELAY_MS=$PACE_MS wrk -t1 -c"$CONNS" -d"$1"s --timeout 10s -s bench/post.lua \
    -H "Authorization: Bearer $KEY" "$GATEWAY" | grep '^RESULT'
}
caught_up() {
  for _ in $(seq 600); do
    [ "$(sql "select (select count(*) from domainevententry where payloadtype like '%SpendSettled')
                   - (select count(*) from message_costs where outcome = 'settled')")" = 0 ] && return 0
    sleep 0.1
  done
}
ticks() { # utime + stime of a pid, clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
pg_ticks() { # every PostgreSQL process: the postmaster and its children
  local pm; pm=$(head -1 "$OUT/data/postgres/postmaster.pid")
  local total; total=$(ticks "$pm")
  for c in $(pgrep -P "$pm"); do total=$((total + $(ticks "$c"))); done
  echo "$total"
}
allocated() {
  admin GET /actuator/metrics/jvm.gc.memory.allocated | sed -n 's/.*"value":\([0-9.E+]*\).*/\1/p' | awk '{printf "%.0f\n", $1}'
}

log "warm-up ${WARMUP}s"
load "$WARMUP" >"$OUT/warmup.txt"
caught_up
sql "select pg_stat_statements_reset()" >/dev/null
sql "select pg_stat_reset()" >/dev/null
SNAP0=$(sql "select count(*) from snapshotevententry")
EV0=$(sql "select coalesce(max(globalindex),0) from domainevententry")
J0=$(ticks "$GW_PID"); P0=$(pg_ticks); A0=$(allocated)
log "measuring ${SECONDS_MEASURED}s (${CONNS} connections, ${PACE_MS} ms pause)"
RESULT=$(load "$SECONDS_MEASURED")
J1=$(ticks "$GW_PID"); P1=$(pg_ticks)
caught_up
J2=$(ticks "$GW_PID"); P2=$(pg_ticks); A1=$(allocated)
EV1=$(sql "select coalesce(max(globalindex),0) from domainevententry")
SNAP1=$(sql "select count(*) from snapshotevententry")
echo "$RESULT" >"$OUT/result.txt"
N=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$RESULT")
HZ=$(getconf CLK_TCK)
RSS=$(( $(awk '/^VmHWM/{print $2}' /proc/$GW_PID/status) / 1024 ))

sql "select calls, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) from pg_stat_statements
     where query not like '%pg_stat%' order by calls desc" >"$OUT/statements.txt"
per() { awk -v a="$1" -v n="$N" 'BEGIN{printf "%.2f", a / n}'; }
q() { sql "select coalesce(sum($1),0) from pg_stat_statements where $2"; }
ALL=$(q calls "query not like '%pg_stat%' and query not in ('BEGIN','COMMIT','ROLLBACK')")
FETCH=$(q calls "query ilike '%from domainevententry%globalindex >%'")
FETCH_ROWS=$(q rows "query ilike '%from domainevententry%globalindex >%'")
GAPS=$(q calls "query ilike '%from domainevententry%globalindex in%'")
APPEND=$(q calls "query ilike 'insert into domainevententry%'")
TOKENS=$(q calls "query ilike '%tokenentry%'")
READS=$(q calls "query ilike '%from domainevententry%aggregateidentifier%'")
COMMITS=$(sql "select xact_commit from pg_stat_database where datname = 'postgres'")
{
  echo "# Per request: $STAMP, $N requests in ${SECONDS_MEASURED}s ($CONNS connections, ${PACE_MS} ms pause)"
  echo
  echo "$RESULT"
  echo
  echo "| per request | count |"
  echo "|---|---:|"
  echo "| SQL statements (BEGIN/COMMIT not counted) | $(per "$ALL") |"
  echo "| commits | $(per "$COMMITS") |"
  echo "| event-store fetches (processors, event store) | $(per "$FETCH") |"
  echo "| event rows read by those fetches | $(per "$FETCH_ROWS") |"
  echo "| gap checks | $(per "$GAPS") |"
  echo "| event appends (statements) | $(per "$APPEND") |"
  echo "| token-store statements | $(per "$TOKENS") |"
  echo "| aggregate loads | $(per "$READS") |"
  echo "| events written | $(per $((EV1 - EV0))) |"
  echo "| JVM CPU µs (during load / until the read model caught up) | $(per $(( (J1 - J0) * 1000000 / HZ ))) / $(per $(( (J2 - J0) * 1000000 / HZ ))) |"
  echo "| PostgreSQL CPU µs (during load / until caught up) | $(per $(( (P1 - P0) * 1000000 / HZ ))) / $(per $(( (P2 - P0) * 1000000 / HZ ))) |"
  echo "| bytes allocated by the JVM | $(per $((A1 - A0))) |"
  echo "| snapshots written | $((SNAP1 - SNAP0)) in all |"
  echo
  echo "Peak RSS of the JVM: ${RSS} MiB; JAVA_OPTS='${JAVA_OPTS}'"
  echo
  echo "Top statements (calls, rows, text):"
  echo '```'
  head -25 "$OUT/statements.txt"
  echo '```'
} | tee "$OUT/summary.md"
