#!/usr/bin/env bash
# Throughput and latency of POST /api/v1.1/familles (Rosalie's transitional
# API) on the release build: what create.sh measures for POST
# /api/v2/households, plus the Rosalie adapter's translation, for the same
# households (bench/lua/create_famille.lua formats those of
# bench/lua/households.lua as Rosalie families, each with a new cleFamille).
# Compare with create.sh, run back to back on the same machine. Each run adds
# households to var/bench-pg.
#
# It calls as the rosalie contract; bench/lib.sh gives every contract of the
# benchmark the quota of siao-backoffice, the client of create.sh, so that
# both scripts measure under the same limits.
#   BENCH_DURATION      seconds of measurement (default 20)
#   BENCH_CONNECTIONS   open connections (default 32)
#   BENCH_THREADS       wrk threads (default 2)
#   BENCH_CLIENT        calling contract, with the rosalie adapter (default rosalie)
#   BENCH_KEEP_METRICS  1: save /metrics to var/bench-metrics.txt before stopping
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${BENCH_DURATION:-20}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
script="$SIAO_ROOT/bench/lua/create_famille.lua"
export BENCH_CLIENT=${BENCH_CLIENT:-rosalie}
# Where the wrk scripts find households.lua.
export BENCH_LUA_DIR="$SIAO_ROOT/bench/lua"

bench_setup

key="B-probe-$(date +%s%N)-$$"
bench_probe /api/v1.1/familles \
  "{\"cleFamille\":\"$key\",\"departement\":\"75\",\"personnes\":[{\"idPersonneRosalie\":\"$key-P1\",\"nom\":\"DUPONT\",\"prenoms\":\"Marie\",\"sexe\":\"F\",\"dateNaissance\":\"14/03/1985\",\"lienParente\":\"DEM\"}]}"

bench_measure "create v1.1" "$script" "$duration" "$connections" "$threads"
