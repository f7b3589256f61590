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
#   bench/per-request.sh                      # 60 s at saturation, 60 s warm-up, 30 s measured, ~200 req/s
#   WARMUP=30 SECONDS_MEASURED=20 bench/per-request.sh
#   PACE_MS=0 CONNS=64 bench/per-request.sh   # saturation instead of a paced rate
#   JAR=/tmp/before.jar bench/per-request.sh  # another build of the jar (an A/B)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

WARMUP=${WARMUP:-60}
# A paced run first saturates for SATURATE seconds (64 connections, no pause): at the paced rate alone the JIT is still
# compiling minutes later (a third of the JVM's CPU in the measured window after a paced 120 s warm-up), and the
# figures would be the compiler's. 0: none. A run at saturation (PACE_MS=0) has no such phase.
SATURATE=${SATURATE:-60}
SECONDS_MEASURED=${SECONDS_MEASURED:-30}
CONNS=${CONNS:-10}
PACE_MS=${PACE_MS:-50}
[ "$PACE_MS" -gt 0 ] || SATURATE=0
MOCK_PORT=${MOCK_PORT:-18180}
GW_PORT=${GW_PORT:-18190}
. bench/lib.sh
require_jar
bench_output per-request-

start_mock bench/mock-upstream.mjs
write_gateway_config bench-model
start_gateway
sql "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
stop_gateway
start_gateway
sql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
log "Tollgate up (pid $GW_PID), PostgreSQL on $(pg_port)"

issue_key bench bench-user
GATEWAY=http://127.0.0.1:$GW_PORT/v1/chat/completions
load() { # SECONDS [CONNECTIONS PACE_MS] -> RESULT line
  BODY_FILE=bench/chat.json PACE_DELAY_MS=${3:-$PACE_MS} wrk -t1 -c"${2:-$CONNS}" -d"$1"s --timeout 10s \
    -s bench/post.lua -H "Authorization: Bearer $KEY" "$GATEWAY" | grep '^RESULT'
}

if [ "$SATURATE" -gt 0 ]; then
  log "saturation ${SATURATE}s (64 connections, no pause)"
  load "$SATURATE" 64 0 >"$OUT/saturate.txt"
fi
log "warm-up ${WARMUP}s"
load "$WARMUP" >"$OUT/warmup.txt"
wait_read_model
sql "select pg_stat_statements_reset()" >/dev/null
sql "select pg_stat_reset()" >/dev/null
SNAP0=$(sql "select count(*) from snapshotevententry")
EV0=$(sql "select coalesce(max(globalindex),0) from domainevententry")
A0=$(allocated) # first: its collection is not the load's CPU
J0=$(ticks "$GW_PID"); P0=$(pg_ticks)
log "measuring ${SECONDS_MEASURED}s (${CONNS} connections, ${PACE_MS} ms pause)"
RESULT=$(load "$SECONDS_MEASURED")
J1=$(ticks "$GW_PID"); P1=$(pg_ticks)
wait_read_model
J2=$(ticks "$GW_PID"); P2=$(pg_ticks); A1=$(allocated)
EV1=$(sql "select coalesce(max(globalindex),0) from domainevententry")
SNAP1=$(sql "select count(*) from snapshotevententry")
echo "$RESULT" >"$OUT/result.txt"
N=$(result_field requests "$RESULT")
HZ=$(getconf CLK_TCK)
RSS=$(peak_rss_mib "$GW_PID")

sql "select calls, rows, round(total_exec_time::numeric, 1), left(regexp_replace(query, '\s+', ' ', 'g'), 160)
     from pg_stat_statements where query not like '%pg_stat%' order by calls desc" >"$OUT/statements.txt"
sort -t'|' -k3,3 -g -r "$OUT/statements.txt" >"$OUT/statements-by-time.txt"
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
  echo "Peak RSS of the JVM: ${RSS} MiB; JAVA_OPTS='${JAVA_OPTS}'; warm-up: $( [ "$SATURATE" -gt 0 ] && \
    echo "${SATURATE} s saturated, " )${WARMUP} s at the measured rate"
  echo
  echo "Top statements (calls, rows, ms executing, text; by time in statements-by-time.txt):"
  echo '```'
  head -25 "$OUT/statements.txt"
  echo '```'
} | tee "$OUT/summary.md"
