#!/usr/bin/env bash
# bench/team-ceiling.sh - how many requests per second ONE team sustains in the ledger (reserve + settle each,
# durable, batched), without HTTP or upstream. See gateway-edge/src/test/java/dev/tollgate/edge/bench/.
#   bench/team-ceiling.sh                                   # 20 s warm-up, 20 s measured, 512 requests in flight
#   IN_FLIGHT=64 WARMUP=10 SECONDS_MEASURED=30 bench/team-ceiling.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
. bench/lib.sh
FLAGS="-Dbench.inFlight=${IN_FLIGHT:-512} -Dbench.seconds=${SECONDS_MEASURED:-20} -Dbench.warmupSeconds=${WARMUP:-20}"
# shellcheck disable=SC2086
run_bench_test TeamCeilingBenchmark "TEAM CEILING" $FLAGS -DargLine="$FLAGS"
