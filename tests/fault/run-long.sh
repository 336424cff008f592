#!/usr/bin/env bash
# The long versions of the fault tests (tests/fault/README.md): the same test cases as the quick run in
# scripts/test, with more crashes and more database restarts, against the test build (ASan + UBSan) and the
# throwaway PostgreSQL that scripts/test starts. Prints the figures bench/RESULTS.md records.
#
#   tests/fault/run-long.sh                      # 20 crash cycles, 10 database restarts
#   SIAO_FAULT_CRASH_CYCLES=100 tests/fault/run-long.sh
#   tests/fault/run-long.sh -R 'fault:kill'     # extra arguments go to ctest (after the defaults)
#
# Knobs (environment): SIAO_FAULT_CRASH_CYCLES (default here 20), SIAO_FAULT_DB_RESTARTS (10),
# SIAO_FAULT_SEED (replays a run's random choices; each test prints the seed it used), and those of the
# other fault tests (SIAO_FAULT_OVERLOAD_SECONDS, SIAO_FAULT_IDLE_CONNECTIONS), passed through as set.
# The whole output is kept in var/fault-long.log.
set -euo pipefail

SIAO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$SIAO_ROOT"

export SIAO_FAULT_CRASH_CYCLES=${SIAO_FAULT_CRASH_CYCLES:-20}
export SIAO_FAULT_DB_RESTARTS=${SIAO_FAULT_DB_RESTARTS:-10}
for knob in SIAO_FAULT_CRASH_CYCLES SIAO_FAULT_DB_RESTARTS; do
  case ${!knob} in
  '' | *[!0-9]*)
    echo "run-long: $knob must be a whole number, not '${!knob}'" >&2
    exit 2
    ;;
  esac
done

mkdir -p var
log=var/fault-long.log
echo "fault tests, long run: $SIAO_FAULT_CRASH_CYCLES crash cycles, $SIAO_FAULT_DB_RESTARTS database restarts; output in $log"
status=0
scripts/test -R 'fault:' --verbose --timeout 7200 "$@" >"$log" 2>&1 || status=$?

echo "--- figures"
grep -o 'figures: .*' "$log" || echo "(none: see $log)"
echo "--- ctest"
grep -E '^[0-9]+% tests passed|tests failed|\*\*\*Failed|Passed +[0-9.]+ sec' "$log" || true
exit "$status"
