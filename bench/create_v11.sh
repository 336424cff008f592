#!/usr/bin/env bash
# Throughput and latency of POST /api/v1.1/familles (Rosalie's transitional
# API) on the release build: what create.sh measures for POST
# /api/v2/households, plus the Rosalie adapter's translation, for the same
# households (bench/lua/create_famille.lua formats those of
# bench/lua/households.lua as Rosalie families, each with a new cleFamille).
# Compare with create.sh, run back to back on the same machine. Each run adds
# households to var/bench-pg.
#
# It calls as the rosalie contract, whose quota (500/s) is far below what the
# gateway serves: its copy in GATEWAY_CONTRACTS_DIR (var/bench-contracts, made
# by bench/lib.sh) gets the quota of siao-backoffice, the client of create.sh,
# and the gateway reloads it before the probe, so that both scripts measure
# under the same limits.
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
url="http://$BENCH_HTTP_LISTEN"
script="$SIAO_ROOT/bench/lua/create_famille.lua"
export BENCH_CLIENT=${BENCH_CLIENT:-rosalie}
# Where the wrk scripts find households.lua.
export BENCH_LUA_DIR="$SIAO_ROOT/bench/lua"

# The calling contract with siao-backoffice's quota, reloaded through the
# admin endpoint (its answer says whether the new set is in force).
bench_v11_quota() {
  local contract="$GATEWAY_CONTRACTS_DIR/$BENCH_CLIENT.json" quota tmp status
  quota=$(jq -c '.quota' "$SIAO_ROOT/contracts/siao-backoffice.json")
  tmp=$(mktemp "$contract.XXXXXX")
  if ! jq --argjson quota "$quota" '.quota = $quota' "$contract" >"$tmp"; then
    rm -f "$tmp"
    return 1
  fi
  chmod --reference="$contract" "$tmp"
  mv "$tmp" "$contract"
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$url/api/v2/admin/contracts/reload" \
    -H "Authorization: Bearer $SIAO_KEY_SIAO_BACKOFFICE")
  if [ "$status" != 200 ]; then
    echo "bench: the contracts reload answered $status, not 200; end of var/bench-gateway.log:" >&2
    tail -n 5 "$BENCH_GATEWAY_LOG" >&2
    return 1
  fi
  echo "Quota of $BENCH_CLIENT for this run: $quota"
}

# One family created by hand before the run, which must answer 201: a
# refusal (key, contract, schema, a missing adapter) would otherwise show only
# as a count of non-2xx responses.
bench_v11_probe() {
  local status key
  key="B-probe-$(date +%s%N)-$$"
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$url/api/v1.1/familles" \
    -H "Authorization: Bearer $BENCH_API_KEY" -H 'Content-Type: application/json' \
    --data "{\"cleFamille\":\"$key\",\"departement\":\"75\",\"personnes\":[{\"idPersonneRosalie\":\"$key-P1\",\"nom\":\"DUPONT\",\"prenoms\":\"Marie\",\"sexe\":\"F\",\"dateNaissance\":\"14/03/1985\",\"lienParente\":\"DEM\"}]}")
  if [ "$status" != 201 ]; then
    echo "bench: POST /api/v1.1/familles answered $status, not 201; end of var/bench-gateway.log:" >&2
    tail -n 5 "$BENCH_GATEWAY_LOG" >&2
    return 1
  fi
}

bench_setup

bench_v11_quota
bench_v11_probe

echo "Warming up (3 s)..."
wrk -t"$threads" -c"$connections" -d3s -s "$script" "$url" >/dev/null

out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$url")
printf '%s\n' "$out"

rss_kib=$(bench_peak_rss_kib "$BENCH_GATEWAY_PID")
bench_summary "create v1.1" "$out" "$connections" "$threads" "$duration" "$rss_kib"
if [ "$(bench_non2xx "$out")" != 0 ]; then
  echo "Responses of 400 and above in var/bench-gateway.log (count, status, route):"
  bench_error_statuses
fi
