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
. bench/lib.sh
require_jar
bench_output memory-

start_mock bench/mock-upstream.mjs
write_gateway_config bench-model
start_gateway -XX:NativeMemoryTracking=summary
gw=$GW_PID
issue_key perf perf-user
BODY_FILE=bench/chat.json wrk -t1 -c64 -d"${LOAD}s" -s bench/post.lua -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$GW_PORT/v1/chat/completions" >"$OUT/wrk.txt" 2>&1
grep -E "Requests/sec|Non-2xx" "$OUT/wrk.txt"
echo "peak RSS $(peak_rss_mib "$gw") MiB; JAVA_OPTS='$JAVA_OPTS'"
jcmd $gw VM.native_memory summary >"$OUT/native-memory.txt" 2>&1
grep -E "^(Total|-)" "$OUT/native-memory.txt" | grep -v "reserved=[0-9]*KB, committed=[0-9]\{1,3\}KB)"
jcmd $gw GC.class_histogram >"$OUT/histogram.txt" 2>&1; sed -n 1,15p "$OUT/histogram.txt"
jcmd $gw GC.heap_info
echo "results: $OUT"
