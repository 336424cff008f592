#!/usr/bin/env bash
# Verification speed of the exchange log: `siao-gateway audit verify` over the
# whole log of the bench database (var/bench-pg; fill it first, e.g. with
# bench/create.sh), then `audit export` of it and `audit verify --file` of the
# export. Prints records checked and records per second for each.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_prepare
trap bench_stop EXIT
bench_start_cluster
cd "$SIAO_ROOT"
gateway_env_defaults
gateway_ensure_keys
records=$(pg_psql "$BENCH_PG_PORT" siao -At -c 'SELECT count(*) FROM audit_exchanges')
echo "the log holds $records records"

timed() {  # LABEL COMMAND...: runs it, prints records per second from its "checked" count
  local label=$1 start end out checked
  shift
  start=$(date +%s.%N)
  out=$("$@")
  end=$(date +%s.%N)
  checked=$(printf '%s\n' "$out" | jq -r '.checked')
  printf '%s\n' "$out"
  awk -v l="$label" -v n="$checked" -v s="$start" -v e="$end" \
    'BEGIN { printf "%s: %d records in %.2f s: %.0f records/s\n", l, n, e - s, n / (e - s) }'
}

timed "verify (database)" "$BENCH_BIN" audit verify
export_file="$SIAO_ROOT/var/bench-audit-export.ndjson"
start=$(date +%s.%N)
"$BENCH_BIN" audit export --from 2000-01-01T00:00:00Z --to 2100-01-01T00:00:00Z --out "$export_file"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$records" 'BEGIN { printf "export: %d records in %.2f s: %.0f records/s\n", n, e - s, n / (e - s) }'
ls -l "$export_file"
timed "verify (export file)" "$BENCH_BIN" audit verify --file "$export_file"
rm -f "$export_file"
