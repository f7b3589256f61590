#!/usr/bin/env bash
# bench/recalculation.sh - re-costing: a million settled requests written into the event store, then one
# recalculation timed from start to ready (see RecalculationReplayBenchmark).
#   bench/recalculation.sh [events]                # default 1000000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
. bench/lib.sh
run_bench_test RecalculationReplayBenchmark "RECALCULATION REPLAY|wrote" -Dbench.events="${1:-1000000}"
