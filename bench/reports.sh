#!/usr/bin/env bash
# Report timings and plans over a year of rollups (see ReportPlanBenchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl gateway-edge -am -DskipTests install
mvn -B -q -pl gateway-edge test -Dtest=ReportPlanBenchmark -Dsurefire.failIfNoSpecifiedTests=false || true
# Test output goes to a file (redirectTestOutputToFile): print the figures from it.
grep -E "REPORT|PLAN|filled|^  " gateway-edge/target/surefire-reports/dev.tollgate.edge.bench.ReportPlanBenchmark-output.txt
