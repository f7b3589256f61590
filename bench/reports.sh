#!/usr/bin/env bash
# bench/reports.sh - report timings and plans over a year of rollups (see ReportPlanBenchmark).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
. bench/lib.sh
run_bench_test ReportPlanBenchmark "REPORT|PLAN|filled|^  "
