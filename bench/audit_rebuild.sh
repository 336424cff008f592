#!/usr/bin/env bash
# Rebuild speed: `siao-gateway audit replay --mode rebuild` of the whole log
# of var/bench-pg (fill it first, e.g. with bench/create.sh) into a scratch
# database of the same cluster (siao_replay, emptied first), and the report.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bench_prepare
trap bench_stop EXIT
bench_start_cluster
cd "$SIAO_ROOT"
gateway_env_defaults
gateway_ensure_keys
pg_psql "$BENCH_PG_PORT" postgres >/dev/null <<'SQL'
SELECT 'CREATE DATABASE siao_replay OWNER siao_gateway' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'siao_replay') \gexec
SQL
export GATEWAY_AUDIT_REPLAY_DATABASE_URL="postgresql://siao_gateway@127.0.0.1:$BENCH_PG_PORT/siao_replay"
writes=$(pg_psql "$BENCH_PG_PORT" siao -At -c "SELECT count(*) FROM audit_exchanges WHERE method NOT IN ('GET', 'HEAD')")
echo "the log holds $writes write exchanges"
start=$(date +%s.%N)
status=0
"$BENCH_BIN" audit replay --mode rebuild | tail -n 5 || status=$?
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$writes" \
  'BEGIN { printf "rebuild: %d write exchanges in %.1f s: %.0f exchanges/s (scratch emptied and migrated included)\n", n, e - s, n / (e - s) }'
exit "$status"
