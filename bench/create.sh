#!/usr/bin/env bash
# Throughput and latency of POST /api/v2/households on the release build:
# authentication, schema validation, identifier minting and a durable commit
# of the household, its 1 to 4 members and their history and audit entries.
# The bodies come from bench/lua/create_household.lua (a fixed pseudo-random
# sequence per wrk thread). Each run adds households to var/bench-pg.
#   BENCH_DURATION      seconds of measurement (default 20)
#   BENCH_CONNECTIONS   open connections (default 32)
#   BENCH_THREADS       wrk threads (default 2)
#   BENCH_KEEP_METRICS  1: save /metrics to var/bench-metrics.txt before stopping
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${BENCH_DURATION:-20}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
script="$SIAO_ROOT/bench/lua/create_household.lua"

bench_setup

bench_probe_create

bench_measure create "$script" "$duration" "$connections" "$threads"
