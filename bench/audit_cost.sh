#!/usr/bin/env bash
# What the audit trail costs on the create workload (bench/create.sh): the
# release gateway against the same gateway built with the trail switched off
# (preset bench-without-audit, benchmarks only), each on a fresh database,
# in alternating order, BENCH_PAIRS times (default 3). Prints each run's
# summary and the difference of the means.
#   BENCH_PAIRS, and create.sh's BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pairs=${BENCH_PAIRS:-3}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

run() {  # PRESET
  BENCH_FRESH=1 BENCH_PRESET=$1 "$here/create.sh" | tee -a /dev/stderr |
    awk -v p="$1" '/^create: .* req\/s/ { print p, $2 }' >>"$out"
}

for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) = 1 ]; then run release; run bench-without-audit; else run bench-without-audit; run release; fi
done
echo "requests per second (each run):"
cat "$out"
awk '{ gsub(",", "", $2); sum[$1] += $2; n[$1]++ }
     END { with = sum["release"] / n["release"]; without = sum["bench-without-audit"] / n["bench-without-audit"];
           printf "mean with the audit trail %.0f/s, without %.0f/s: the trail costs %.1f %%\n",
                  with, without, 100 * (without - with) / without }' "$out"
