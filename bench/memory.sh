#!/usr/bin/env bash
# bench/memory.sh - what the JVM's memory is made of at saturation (not a test).
#
# Starts bench/mock-upstream.mjs and Tollgate the README's way (java -jar; JAVA_OPTS adds flags) with native memory
# tracking, creates a team, a user and a key, saturates it with wrk (64 connections, LOAD seconds, the 1 KB chat
# body of bench/chat.json), then prints the peak RSS (VmHWM), the native memory summary, the biggest classes of the
# live heap (after the full collection jcmd's histogram makes) and the heap's state.
#
#   bench/memory.sh                                   # the README's java -jar, 60 s of load
#   JAVA_OPTS="-Xmx256m" LOAD=90 bench/memory.sh
#   JAVA_OPTS="-Xmx192m -Xlog:gc:file=/tmp/gc.log" bench/memory.sh   # and count the full collections
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
LOAD=${LOAD:-60}
MOCK_PORT=${MOCK_PORT:-18380}
GW_PORT=${GW_PORT:-18390}
JAVA_OPTS=${JAVA_OPTS:-}
JAR=${JAR:-$ROOT/gateway-edge/target/tollgate.jar}
[ -f "$JAR" ] || { echo "build the jar first: mvn -B -q -DskipTests package" >&2; exit 2; }
OUT=$ROOT/bench/results/memory-$(date -u +%Y%m%d-%H%M%S); mkdir -p "$OUT"
MASTER=bench-master-key-$(date +%s)-0123456789

MOCK_PORT=$MOCK_PORT node bench/mock-upstream.mjs >"$OUT/mock.log" 2>&1 & mock=$!
cat >"$OUT/tollgate-bench.yaml" <<YAML
tollgate:
  models:
    - name: bench-model
      max-output-tokens: 4096
      prices: { input: "0.15", cached-input: "0.075", output: "0.60" }
      deployment: { provider: openai, base-url: "http://127.0.0.1:$MOCK_PORT/v1", upstream-model: gpt-4o-mini }
YAML
# shellcheck disable=SC2086
TOLLGATE_CONFIG="file:$OUT/tollgate-bench.yaml" TOLLGATE_MASTER_KEY=$MASTER \
  java -XX:NativeMemoryTracking=summary $JAVA_OPTS -jar "$JAR" --server.port=$GW_PORT --tollgate.data-dir="$OUT/data" \
  >"$OUT/tollgate.log" 2>&1 & gw=$!
trap 'kill $gw $mock 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 1 180); do curl -sf -o /dev/null "http://127.0.0.1:$GW_PORT/actuator/health/readiness" && break; sleep 1; done
adm() { curl -sf "http://127.0.0.1:$GW_PORT$1" -H "Authorization: Bearer $MASTER" -H 'Content-Type: application/json' -d "$2"; }
adm /admin/teams '{"id":"perf","name":"perf","budget":{"limit":"1000000","period":"monthly"},"member_budget":{"limit":"1000000","period":"monthly"},"reason":"benchmark"}' >/dev/null
adm /admin/users '{"id":"perf-user","team_id":"perf"}' >/dev/null
KEY=$(adm /admin/keys '{"user_id":"perf-user","name":"bench"}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
[ -n "$KEY" ] || { echo "could not issue a key (see $OUT/tollgate.log)" >&2; exit 1; }
sed 's/"model": *"[^"]*"/"model":"bench-model"/' bench/chat.json >"$OUT/body.json"
cat >"$OUT/post.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$OUT/body.json"):read("a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
wrk -t1 -c64 -d"${LOAD}s" -s "$OUT/post.lua" "http://127.0.0.1:$GW_PORT/v1/chat/completions" >"$OUT/wrk.txt" 2>&1
grep -E "Requests/sec|Non-2xx" "$OUT/wrk.txt"
echo "peak RSS $(awk '/VmHWM/{printf "%d MiB", $2/1024}' /proc/$gw/status); JAVA_OPTS='$JAVA_OPTS'"
jcmd $gw VM.native_memory summary >"$OUT/native-memory.txt" 2>&1
grep -E "^(Total|-)" "$OUT/native-memory.txt" | grep -v "reserved=[0-9]*KB, committed=[0-9]\{1,3\}KB)"
jcmd $gw GC.class_histogram >"$OUT/histogram.txt" 2>&1; sed -n 1,15p "$OUT/histogram.txt"
jcmd $gw GC.heap_info
echo "results: $OUT"
