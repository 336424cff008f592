#!/usr/bin/env bash
# Throughput and latency of GET /health on the release build: the cost of
# the HTTP path alone (no database work, no authentication).
#   BENCH_DURATION     seconds of measurement (default 20)
#   BENCH_CONNECTIONS  open connections (default 32)
#   BENCH_THREADS      wrk threads (default 2)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${BENCH_DURATION:-20}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
url="http://$BENCH_HTTP_LISTEN/health"

bench_setup

echo "Warming up (3 s)..."
wrk -t"$threads" -c"$connections" -d3s "$url" >/dev/null

out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$url")
printf '%s\n' "$out"

rss_kib=$(bench_peak_rss_kib "$BENCH_GATEWAY_PID")
printf '%s\n' "$out" | awk -v conns="$connections" -v threads="$threads" \
  -v dur="$duration" -v rss="$rss_kib" '
  $1 == "50%" { p50 = $2 }
  $1 == "99%" { p99 = $2 }
  $1 == "Requests/sec:" { rps = $2 }
  /Non-2xx or 3xx responses:/ { bad = $NF }
  END {
    printf "health: %s req/s, p50 %s, p99 %s (wrk -t%s -c%s -d%ss)", rps, p50, p99, threads, conns, dur
    if (bad != "") printf ", %s non-2xx", bad
    printf "; gateway peak RSS %.1f MiB\n", rss / 1024
  }'
