#!/usr/bin/env bash
# bench/team-ceiling.sh - how many requests per second ONE team sustains in the ledger (reserve + settle each,
# durable, batched), without HTTP or upstream. See gateway-edge/src/test/java/dev/tollgate/edge/bench/.
#   bench/team-ceiling.sh                         # 20 s warm-up, 20 s measured, 512 requests in flight
#   IN_FLIGHT=64 SECONDS=30 bench/team-ceiling.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Inside the reactor (-am), never `mvn install`: the local repository may be shared.
mvn -B -q -pl gateway-edge -am test -Dtest=TeamCeilingBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.inFlight="${IN_FLIGHT:-512}" -Dbench.seconds="${SECONDS_MEASURED:-20}" -Dbench.warmupSeconds="${WARMUP:-20}" \
  -DargLine="-Dbench.inFlight=${IN_FLIGHT:-512} -Dbench.seconds=${SECONDS_MEASURED:-20} -Dbench.warmupSeconds=${WARMUP:-20}"
grep -ah "TEAM CEILING" gateway-edge/target/surefire-reports/*TeamCeilingBenchmark-output.txt
