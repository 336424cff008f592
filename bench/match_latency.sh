#!/usr/bin/env bash
# Latency of POST /api/v2/persons/match with a large database: makes sure the
# bench database holds BENCH_PERSONS persons (generated French civil-status
# data, bench/persons/generate.py, loaded through the API by
# bench/persons/load.py; skipped when the database already holds that many),
# then runs wrk with bench/lua/match_person.lua: match bodies drawn from the
# generated persons, 40 % as recorded and the rest with one or two of the
# planted variations (typos, accents, partial or swapped dates...).
#   BENCH_PERSONS       persons wanted in the database (default 1000000)
#   BENCH_PAIRS         planted duplicate pairs in the data set (default BENCH_PERSONS / 20)
#   BENCH_SEED          generator seed (default 42)
#   BENCH_QUERIES       distinct match bodies (default 20000)
#   BENCH_DURATION      seconds of measurement (default 20)
#   BENCH_CONNECTIONS   open connections (default 2, one per core of the reference machine:
#                       a latency below saturation; with more, p99 measures the queue)
#   BENCH_THREADS       wrk threads (default 2)
#   BENCH_SKIP_BUILD    1: use build/release as it is, no build
#   BENCH_KEEP_METRICS  1: save /metrics to var/bench-metrics.txt before stopping
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/persons/lib.sh
source "$SIAO_ROOT/bench/persons/lib.sh"

persons=${BENCH_PERSONS:-1000000}
pairs=${BENCH_PAIRS:-$((persons / 20))}
seed=${BENCH_SEED:-42}
queries=${BENCH_QUERIES:-20000}
duration=${BENCH_DURATION:-20}
connections=${BENCH_CONNECTIONS:-2}
threads=${BENCH_THREADS:-2}

persons_generate latency "$seed" "$persons" "$pairs" "$queries"
data=$PERSONS_DIR

persons_setup

have=$(persons_in_database)
if [ "$have" -ge "$persons" ]; then
  echo "The bench database holds $have persons (>= $persons): not loading"
else
  need=$((persons - have))
  if [ "$have" -gt 0 ]; then
    echo "The bench database holds $have persons: loading the first $need of the data set"
  fi
  # the first households of the data set up to NEED persons
  awk -v need="$need" '{ n += gsub(/"role":/, "&") } { print } n >= need { exit }' \
    "$data/households.ndjson" >"$data/load.ndjson"
  persons_load "$data/load.ndjson" "$data/ids.tsv"
  rm -f "$data/load.ndjson"
  echo "Analysing the database after the load..."
  pg_psql "$BENCH_PG_PORT" siao -c ANALYZE
  have=$(persons_in_database)
fi
echo "Persons in the bench database: $have"

persons_probe POST /api/v2/persons/match "$(head -n 1 "$data/queries.ndjson")"

export BENCH_QUERIES_FILE=$data/queries.ndjson BENCH_THREADS=$threads
bench_measure "match ($have persons)" "$SIAO_ROOT/bench/lua/match_person.lua" "$duration" "$connections" "$threads" |
  tee "$SIAO_ROOT/var/match-latency.txt"
