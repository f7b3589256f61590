#!/usr/bin/env bash
# Re-costing benchmark: a million settled requests written into the event store, then one recalculation timed
# from start to ready (see RecalculationReplayBenchmark). Usage: bench/recalculation.sh [events]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl gateway-edge -am -DskipTests install
mvn -B -q -pl gateway-edge test -Dtest=RecalculationReplayBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbench.events="${1:-1000000}" || true
# Test output goes to a file (redirectTestOutputToFile): print the figures from it.
grep -E "RECALCULATION REPLAY|wrote" gateway-edge/target/surefire-reports/dev.tollgate.edge.bench.RecalculationReplayBenchmark-output.txt
