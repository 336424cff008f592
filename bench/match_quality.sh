#!/usr/bin/env bash
# Quality of duplicate detection, GET /api/v2/persons/{id}/duplicates, on
# generated French civil-status data with planted duplicates: generates the
# data set (bench/persons/generate.py), loads it into an empty bench database
# through the API (bench/persons/load.py), then asks for the duplicates of
# every person of a planted pair and of a sample of other persons, and
# reports precision, recall (overall and by variation), the false positives
# by kind, and timings (bench/persons/quality.py). The report goes to stdout
# and var/match-quality.txt; each false negative and false positive to
# var/match-quality-details.tsv.
#   BENCH_PERSONS   persons in the data set, duplicates included (default 100000)
#   BENCH_PAIRS     planted duplicate pairs (default 5000)
#   BENCH_SEED      generator seed (default 42)
#   BENCH_SAMPLE    persons outside the pairs asked about (default 5000)
#   BENCH_QUALITY_CONCURRENCY  lookups in flight (default 8)
#   BENCH_SKIP_BUILD  1: use build/release as it is, no build
#   BENCH_FRESH     1 (default): start from an empty database; 0 keeps it (the
#                   report then counts ids of other runs' data apart)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/persons/lib.sh
source "$SIAO_ROOT/bench/persons/lib.sh"

persons=${BENCH_PERSONS:-100000}
pairs=${BENCH_PAIRS:-5000}
seed=${BENCH_SEED:-42}
sample=${BENCH_SAMPLE:-5000}
export BENCH_FRESH=${BENCH_FRESH:-1}

persons_generate quality "$seed" "$persons" "$pairs" 0
data=$PERSONS_DIR

persons_setup

persons_load "$data/households.ndjson" "$data/ids.tsv" | tee "$data/load.log"
first=$(awk -F'\t' 'NR == 2 { print $3 }' "$data/ids.tsv")
persons_probe GET "/api/v2/persons/$first/duplicates"

commit=$(git -C "$SIAO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$SIAO_ROOT" status --porcelain -- gateway 2>/dev/null | wc -l)
if [ "$dirty" -gt 0 ]; then commit="$commit + $dirty uncommitted files under gateway/"; fi
title="match quality: $(date -u +%Y-%m-%dT%H:%MZ), commit $commit, seed $seed, $persons persons, $pairs pairs, sample $sample, BENCH_FRESH=$BENCH_FRESH"
python3 "$SIAO_ROOT/bench/persons/quality.py" --households "$data/households.ndjson" --truth "$data/truth.tsv" \
  --ids "$data/ids.tsv" --sample "$sample" --seed "$seed" --url "http://$BENCH_HTTP_LISTEN" \
  --concurrency "${BENCH_QUALITY_CONCURRENCY:-8}" --title "$title" --note "$(grep '^load:' "$data/load.log")" \
  --report "$SIAO_ROOT/var/match-quality.txt" --details "$SIAO_ROOT/var/match-quality-details.tsv"
echo "Report in var/match-quality.txt, false negatives and positives in var/match-quality-details.tsv"
