# bench/lib.sh - what the benchmark scripts share; sourced, never run. A script sets its own options first, then:
#
#   cd "$(dirname "${BASH_SOURCE[0]}")/.."; ROOT=$(pwd)
#   . bench/lib.sh
#   bench_output per-request-            # OUT=bench/results/per-request-<UTC stamp> (or $OUT), cleanup on exit
#   start_mock bench/mock-upstream.mjs   # node on $MOCK_PORT
#   write_gateway_config bench-model     # $OUT/tollgate-bench.yaml: one model on the mock
#   start_gateway                        # java -jar $JAR on $GW_PORT, embedded durable PostgreSQL in $OUT/data
#   issue_key bench bench-user           # a team, a member and their key: $KEY
#
# Variables it reads (defaults when unset): JAR (the built gateway-edge jar), JAVA_OPTS (none), MOCK_PORT, GW_PORT
# (the script's own), SERVER_CPU (unset: not pinned; a CPU number: mock and Tollgate run under taskset -c on it).

JAR=${JAR:-$ROOT/gateway-edge/target/tollgate.jar}
JAVA_OPTS=${JAVA_OPTS:-}
SERVER_CPU=${SERVER_CPU:-}
MASTER=${MASTER:-bench-master-key-$(date +%s)-0123456789}
STAMP=$(date -u +%Y%m%d-%H%M%S)
PIDS=()
GW_PID=

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Every process the script started (mock, gateways) ends with the script, however it ends.
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

require_jar() {
  [ -f "$JAR" ] || { echo "build the jar first: mvn -B -q -DskipTests package" >&2; exit 2; }
}

# bench_output PREFIX: OUT (unless set) = bench/results/PREFIX<stamp>, created; the cleanup runs on exit.
bench_output() {
  OUT=${OUT:-$ROOT/bench/results/$1$STAMP}
  mkdir -p "$OUT"
  trap cleanup EXIT
}

# What the servers run under: taskset on SERVER_CPU when it is set. An array, not a function: a function run in the
# background is a subshell, and its pid would not be the server's.
if [ -n "$SERVER_CPU" ]; then ON_SERVER=(taskset -c "$SERVER_CPU"); else ON_SERVER=(); fi

# start_mock SCRIPT: the mock upstream (node) on MOCK_PORT, its output in $OUT/mock.log.
start_mock() {
  MOCK_PORT=$MOCK_PORT "${ON_SERVER[@]}" node "$1" >"$OUT/mock.log" 2>&1 &
  MOCK_PID=$!
  PIDS+=("$MOCK_PID")
}

# write_gateway_config MODEL: $OUT/tollgate-bench.yaml, MODEL priced like gpt-4o-mini and deployed on the mock
# (DEPLOYMENT_NAME, when set, names the deployment).
write_gateway_config() {
  cat >"$OUT/tollgate-bench.yaml" <<EOF
tollgate:
  models:
    - name: $1
      max-output-tokens: 4096
      prices: { input: "0.15", cached-input: "0.075", output: "0.60" }
      deployment: { provider: openai, ${DEPLOYMENT_NAME:+name: $DEPLOYMENT_NAME, }base-url: "http://127.0.0.1:$MOCK_PORT/v1", upstream-model: gpt-4o-mini }
EOF
}

# start_gateway [JVM FLAGS...]: Tollgate the README's way (java -jar, embedded durable PostgreSQL in $OUT/data) on
# GW_PORT with the flags, then JAVA_OPTS; returns once it is ready (GW_PID), exits when it does not start in 2 min.
start_gateway() {
  # shellcheck disable=SC2086
  TOLLGATE_CONFIG="file:$OUT/tollgate-bench.yaml" TOLLGATE_MASTER_KEY=$MASTER \
    "${ON_SERVER[@]}" java "$@" $JAVA_OPTS -jar "$JAR" --server.port="$GW_PORT" --tollgate.data-dir="$OUT/data" \
    >>"$OUT/tollgate.log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$GW_PORT/actuator/health/readiness" && return 0
    kill -0 "$GW_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "Tollgate did not start, see $OUT/tollgate.log" >&2
  exit 1
}

stop_gateway() {
  local p kept=()
  kill "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [ "$p" = "$GW_PID" ] || kept+=("$p"); done
  PIDS=("${kept[@]}")
}

# admin METHOD PATH [JSON]: a call with the master key.
admin() {
  curl -sf -X "$1" "http://127.0.0.1:$GW_PORT$2" -H "Authorization: Bearer $MASTER" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

# issue_key TEAM USER: a team and a member with budgets no benchmark exhausts, and a key of the member in KEY.
issue_key() {
  admin POST /admin/teams "{\"id\":\"$1\",\"budget\":{\"limit\":\"1000000\",\"period\":\"monthly\"},\"member_budget\":{\"limit\":\"1000000\",\"period\":\"monthly\"}}" >/dev/null
  admin POST /admin/users "{\"id\":\"$2\",\"team_id\":\"$1\"}" >/dev/null
  KEY=$(admin POST /admin/keys "{\"user_id\":\"$2\",\"name\":\"bench\"}" | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
  [ -n "$KEY" ] || { echo "could not issue a key (see $OUT/tollgate.log)" >&2; exit 1; }
}

# result_field NAME LINE: the value of NAME in a RESULT line of bench/post.lua (rps=… requests=… non2xx=… errors=…).
result_field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $2"; }

# sql QUERY: one query on the gateway's embedded PostgreSQL (the port its log announced last), unaligned rows.
pg_port() { sed -n 's/.*Embedded PostgreSQL on port \([0-9]*\).*/\1/p' "$OUT/tollgate.log" | tail -1; }
sql() { PGPASSWORD=postgres psql -X -h 127.0.0.1 -p "$(pg_port)" -U postgres -tAc "$1"; }

# wait_read_model: until message_costs shows every settlement of the event store (at most 2 min).
wait_read_model() {
  for _ in $(seq 1200); do
    [ "$(sql "select (select count(*) from domainevententry where payloadtype like '%SpendSettled')
                   - (select count(*) from message_costs where outcome = 'settled')")" = 0 ] && return 0
    sleep 0.1
  done
}

# CPU used so far (user + system, clock ticks): ticks PID for one process, pg_ticks for the embedded PostgreSQL
# (its postmaster and every child).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local pm total c
  pm=$(head -1 "$OUT/data/postgres/postmaster.pid")
  total=$(ticks "$pm")
  for c in $(pgrep -P "$pm"); do total=$((total + $(ticks "$c"))); done
  echo "$total"
}

# allocated: bytes the gateway's JVM has allocated so far (jvm.gc.memory.allocated).
# Micrometer adds to that counter at each collection only: without one just before, the figure would lag by up to a
# young generation (tens to hundreds of MB, several KB per request of a 30 s window). So a collection is asked for
# first (jcmd GC.run) and its notification given a moment to be counted.
allocated() {
  jcmd "$GW_PID" GC.run >/dev/null 2>&1 || true
  sleep 1
  admin GET /actuator/metrics/jvm.gc.memory.allocated | sed -n 's/.*"value":\([0-9.E+]*\).*/\1/p' \
    | awk '{printf "%.0f\n", $1}'
}

# peak_rss_mib PID: the process's peak resident set (VmHWM) in MiB.
peak_rss_mib() { awk '/^VmHWM/{printf "%d\n", $2 / 1024}' "/proc/$1/status"; }

# run_bench_test CLASS PATTERN [MAVEN ARGS...]: one benchmark class of gateway-edge's tests, inside the reactor
# (-am: never `mvn install`, the local repository may be shared), then the lines of its output that match PATTERN
# (test output goes to a file: redirectTestOutputToFile). Its status is the test run's.
run_bench_test() {
  local class=$1 pattern=$2 status=0
  shift 2
  rm -f gateway-edge/target/surefire-reports/*"$class"-output.txt # no figures of an earlier run
  mvn -B -q -pl gateway-edge -am test -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false "$@" || status=$?
  grep -ahE "$pattern" gateway-edge/target/surefire-reports/*"$class"-output.txt || true
  return "$status"
}
