#!/usr/bin/env bash
# Throughput and latency of GET /api/v2/households/{id} on the release build:
# authentication, a read of the household and its members, the audit of the
# read. First creates BENCH_HOUSEHOLDS households through the API (a short wrk
# run of bench/lua/create_household.lua that keeps the ids it was given), then
# reads them round-robin with bench/lua/read_household.lua.
#   BENCH_DURATION      seconds of measurement (default 20)
#   BENCH_CONNECTIONS   open connections (default 32)
#   BENCH_THREADS       wrk threads (default 2)
#   BENCH_HOUSEHOLDS    households created, then read (default 2000)
#   BENCH_KEEP_METRICS  1: save /metrics to var/bench-metrics.txt before stopping
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${BENCH_DURATION:-20}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
households=${BENCH_HOUSEHOLDS:-2000}
url="http://$BENCH_HTTP_LISTEN"
ids_file="$SIAO_ROOT/var/bench-household-ids.txt"

bench_setup

bench_probe_create
echo "Creating $households households through the API..."
rm -f "$ids_file" "$ids_file".*
# Each wrk thread stops sending once it has its share, but wrk itself waits
# for its whole duration: interrupt it once every id is written.
BENCH_CREATE_PER_THREAD=$(((households + threads - 1) / threads)) BENCH_IDS_FILE=$ids_file \
  wrk -t"$threads" -c"$connections" -d300s -s "$SIAO_ROOT/bench/lua/create_household.lua" "$url" >/dev/null &
wrk_pid=$!
while kill -0 "$wrk_pid" 2>/dev/null; do
  if [ "$(cat "$ids_file".* 2>/dev/null | wc -l)" -ge "$households" ]; then
    kill -INT "$wrk_pid"
    break
  fi
  sleep 0.2
done
wait "$wrk_pid" || true
cat "$ids_file".* | sort -u | awk -v n="$households" 'NR <= n' >"$ids_file"
rm -f "$ids_file".*
made=$(wc -l <"$ids_file")
if [ "$made" -lt "$households" ]; then
  echo "bench: only $made households created out of $households; see var/bench-gateway.log" >&2
  exit 1
fi
echo "$made household ids in var/bench-household-ids.txt"

export BENCH_IDS_FILE=$ids_file BENCH_THREADS=$threads
bench_measure read "$SIAO_ROOT/bench/lua/read_household.lua" "$duration" "$connections" "$threads"
