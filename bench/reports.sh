#!/usr/bin/env bash
# Report timings and plans over a year of rollups (see ReportPlanBenchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl gateway-edge -am -DskipTests install
mvn -B -pl gateway-edge test -Dtest=ReportPlanBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    | grep -vE "^\[INFO\]|^$|WARNING"
