#!/usr/bin/env bash
# bench/first-window.sh - the shared harness's sequence on Tollgate alone, with the JIT's share of each window (not a
# test).
#
# The harness warms Tollgate up with one long run at 32 connections, then measures it in 15 s windows at 64, each
# after ~48 s of the other targets' windows. Its first window runs slower than its second because the JVM compiles
# again what the connections' opening and closing deoptimized (docs/performance.md, thirteenth session). This does the
# same on Tollgate with the harness's mock and body (the mock and Tollgate pinned to SERVER_CPU, wrk not), and prints
# per window: requests/s, the JVM's CPU per request, and the share of it its JIT compiler threads took.
#
#   bench/first-window.sh                                  # 240 s warm-up at 32 connections, 2 windows after 48 s
#   WARM_CONNS=64 WINDOWS=3 bench/first-window.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

SHARED=${SHARED:-$ROOT/../shared/bench}
WARMUP=${WARMUP:-240}
WARM_CONNS=${WARM_CONNS:-32}
PAUSE=${PAUSE:-48}
WINDOW=${WINDOW:-15}
WINDOWS=${WINDOWS:-2}
CONNS=${CONNS:-64}
SERVER_CPU=${SERVER_CPU:-0}
MOCK_PORT=${MOCK_PORT:-18380}
GW_PORT=${GW_PORT:-18390}
. bench/lib.sh
require_jar
[ -f "$SHARED/mock-openai.mjs" ] || { echo "the shared harness is not at $SHARED (set SHARED)" >&2; exit 2; }
bench_output first-window-

start_mock "$SHARED/mock-openai.mjs"
write_gateway_config gpt-4o-mini
start_gateway
issue_key bench bench-user

load() { # CONNS SECONDS -> RESULT line
  BODY_FILE=$SHARED/bodies/chat-1k.json wrk -t1 -c"$1" -d"$2"s --timeout 10s -s bench/post.lua \
    -H "Authorization: Bearer $KEY" "http://127.0.0.1:$GW_PORT/v1/chat/completions" | grep '^RESULT'
}
# compiler_ticks: user + system ticks of the JVM's C1 and C2 compiler threads.
compiler_ticks() {
  local t total=0
  for t in /proc/"$GW_PID"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ CompilerThre*|C2\ CompilerThre*) total=$((total + $(ticks "$GW_PID/task/${t##*/}"))) ;;
    esac
  done
  echo "$total"
}

log "warm-up: ${WARMUP}s at $WARM_CONNS connections"
load "$WARM_CONNS" "$WARMUP" >"$OUT/warmup.txt"
HZ=$(getconf CLK_TCK)
printf 'window\treq_s\tjvm_us\tcompiler_share\n' >"$OUT/windows.tsv"
for w in $(seq "$WINDOWS"); do
  sleep "$PAUSE"
  j0=$(ticks "$GW_PID") c0=$(compiler_ticks)
  r=$(load "$CONNS" "$WINDOW")
  j1=$(ticks "$GW_PID") c1=$(compiler_ticks)
  n=$(result_field requests "$r")
  [ "${n:-0}" -gt 0 ] || { log "window $w: no request answered (wrk: ${r:-no result})"; exit 1; }
  printf '%s\t%s\t%s\t%s%%\n' "$w" "$(result_field rps "$r")" \
    "$(( (j1 - j0) * 1000000 / HZ / n ))" "$(( (c1 - c0) * 100 / (j1 - j0 > 0 ? j1 - j0 : 1) ))" >>"$OUT/windows.tsv"
done
{
  echo "# First windows after a pause: ${WARMUP}s warm-up at $WARM_CONNS connections, then $WINDOWS x (${PAUSE}s idle,"\
    "${WINDOW}s at $CONNS), CPU $SERVER_CPU"
  echo
  column -t "$OUT/windows.tsv"
} | tee "$OUT/summary.md"
