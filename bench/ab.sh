#!/usr/bin/env bash
# bench/ab.sh - two builds of the jar compared in the same minutes (not a test).
#
# On this kind of machine one build's throughput moves by a third from one 15 s window to the next (the host's other
# tenants; the harness's own direct and nginx columns move as much), so two builds measured one after the other
# compare the hours they ran in as much as the builds. This starts both, each the README's way (java -jar, its own
# embedded durable PostgreSQL) beside one mock upstream, all pinned to SERVER_CPU, warms each up, then loads them in
# turn, window after window (A, B, A, B, ...), and counts per window: requests/s, the latency's p50 and p99 (wrk's),
# and the CPU per request of the loaded build's JVM and of its PostgreSQL (/proc, user + system) from the window's
# start until its read model has caught up (the next window starts then). The idle one waits on the same CPU. It
# prints every window and the medians, and B's median ratio to A over the pairs of windows.
#
#   A=/tmp/before.jar B=gateway-edge/target/tollgate.jar bench/ab.sh
#   ROUNDS=12 WINDOW=15 WARMUP=150 CONNS=64 BODY=bench/chat.json MODEL=bench-model bench/ab.sh   # the defaults
#   PACE_MS=50 CONNS=10 bench/ab.sh                                            # at a paced rate instead
# A paced comparison first saturates each build for SATURATE seconds (default 60, rounded up to whole windows, in
# turns, 64 connections): at the paced rate alone the JIT is still compiling minutes later, and the windows would
# compare the compilers' progress. SATURATE=0: none.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

A=${A:?A=path of the first jar}
B=${B:?B=path of the second jar}
ROUNDS=${ROUNDS:-12}
WINDOW=${WINDOW:-15}
WARMUP=${WARMUP:-150}
CONNS=${CONNS:-64}
PACE_MS=${PACE_MS:-0}
SATURATE=${SATURATE:-60}
[ "$PACE_MS" -gt 0 ] || SATURATE=0
BODY=${BODY:-bench/chat.json}
MODEL=${MODEL:-bench-model}   # the model the body names
SERVER_CPU=${SERVER_CPU:-0}
MOCK_PORT=${MOCK_PORT:-18280}
PORT_A=${PORT_A:-18290}
PORT_B=${PORT_B:-18291}
. bench/lib.sh
bench_output ab-
TOP=$OUT

start_mock bench/mock-upstream.mjs
declare -A PID_OF KEY_OF
# One build: its own directory (log, configuration, data) under OUT, its port, its key.
start_build() { # NAME JAR PORT
  mkdir -p "$TOP/$1"
  OUT=$TOP/$1 JAR=$2 GW_PORT=$3
  write_gateway_config "$MODEL"
  start_gateway
  issue_key bench bench-user
  PID_OF[$1]=$GW_PID KEY_OF[$1]=$KEY
  OUT=$TOP
}
start_build a "$A" "$PORT_A"
start_build b "$B" "$PORT_B"
declare -A PORT_OF=([a]=$PORT_A [b]=$PORT_B)
log "A: $A (pid ${PID_OF[a]}), B: $B (pid ${PID_OF[b]}), mock and both on CPU $SERVER_CPU"

load() { # NAME SECONDS [CONNECTIONS PACE_MS] -> RESULT line
  BODY_FILE=$BODY PACE_DELAY_MS=${4:-$PACE_MS} wrk -t1 -c"${3:-$CONNS}" -d"$2"s --timeout 10s -s bench/post.lua \
    -H "Authorization: Bearer ${KEY_OF[$1]}" "http://127.0.0.1:${PORT_OF[$1]}/v1/chat/completions" | grep '^RESULT'
}
build_ticks() { OUT=$TOP/$1; echo "$(ticks "${PID_OF[$1]}") $(pg_ticks)"; OUT=$TOP; }
# settle NAME: until its read model has caught up, so that one build's deferred work never runs in the other's window.
settle() { OUT=$TOP/$1; wait_read_model; OUT=$TOP; }

# Warmed up in turns too, a window each, so that neither has sat idle longer than the other when measuring starts
# (the first windows after a long pause run slower).
if [ "$SATURATE" -gt 0 ]; then
  log "saturation ${SATURATE}s each, in turns (64 connections, no pause)"
  for _ in $(seq $(( (SATURATE + WINDOW - 1) / WINDOW ))); do
    for name in a b; do load $name "$WINDOW" 64 0 >>"$TOP/saturate-$name.txt"; settle $name; done
  done
fi
log "warm-up ${WARMUP}s each, in turns"
for _ in $(seq $(( (WARMUP + WINDOW - 1) / WINDOW ))); do
  for name in a b; do load $name "$WINDOW" >>"$TOP/warmup-$name.txt"; settle $name; done
done

HZ=$(getconf CLK_TCK)
printf 'round\tbuild\trps\tjvm_us\tpg_us\terrors\tp50_ms\tp99_ms\n' >"$TOP/windows.tsv"
for round in $(seq "$ROUNDS"); do
  for name in a b; do
    read -r j0 p0 <<<"$(build_ticks $name)"
    r=$(load $name "$WINDOW" || true)
    settle $name
    read -r j1 p1 <<<"$(build_ticks $name)"
    n=$(result_field requests "$r")
    [ "${n:-0}" -gt 0 ] || { log "round $round $name: no request answered (wrk: ${r:-no result})"; exit 1; }
    rps=$(result_field rps "$r")
    errors=$(( $(result_field non2xx "$r") + $(result_field errors "$r") ))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$rps" \
      "$(( (j1 - j0) * 1000000 / HZ / n ))" "$(( (p1 - p0) * 1000000 / HZ / n ))" "$errors" \
      "$(result_field p50_ms "$r")" "$(result_field p99_ms "$r")" >>"$TOP/windows.tsv"
    log "round $round $name: rps=$rps"
  done
done

{
  echo "# A/B: A=$A B=$B"
  echo "$ROUNDS rounds of ${WINDOW}s per build, $CONNS connections, ${PACE_MS} ms pause, $BODY, CPU $SERVER_CPU,"\
    "$( [ "$SATURATE" -gt 0 ] && echo "${SATURATE}s saturated, " )${WARMUP}s warm-up each"
  echo
  echo '```'
  column -t "$TOP/windows.tsv"
  echo '```'
  echo
  node -e '
    const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").slice(1)
      .map(l => l.split("\t"));
    const median = xs => { const s = [...xs].sort((x, y) => x - y), n = s.length;
      return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
    const of = (b, col) => rows.filter(r => r[1] === b).map(r => Number(r[col]));
    console.log("| median | req/s | JVM CPU µs | PostgreSQL CPU µs | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|");
    const cell = (b, col, digits = 0) => median(of(b, col)).toFixed(digits);
    for (const b of ["a", "b"]) console.log(`| ${b.toUpperCase()} | ${cell(b, 2)} | ${cell(b, 3)} | ${cell(b, 4)} |`
      + ` ${cell(b, 6, 2)} | ${cell(b, 7, 2)} |`);
    const ratio = col => median(of("b", col).map((v, i) => v / of("a", col)[i])).toFixed(3);
    const failed = rows.reduce((sum, r) => sum + Number(r[5]), 0);
    console.log(`\nB / A, median over the rounds: req/s ${ratio(2)}, JVM CPU per request ${ratio(3)},`
      + ` p50 ${ratio(6)}, p99 ${ratio(7)};`
      + ` failed requests: ${failed}`);
  ' "$TOP/windows.tsv"
  echo
  echo "Peak RSS: A $(peak_rss_mib "${PID_OF[a]}") MiB, B $(peak_rss_mib "${PID_OF[b]}") MiB"
} | tee "$TOP/summary.md"
