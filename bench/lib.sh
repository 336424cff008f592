# shellcheck shell=bash
# Helpers for the benchmarks: a durable PostgreSQL under var/bench-pg and the
# release gateway in the background, logging to var/bench-gateway.log (its
# events and one access line per request: GATEWAY_LOG_LEVEL defaults to info).
#
#   bench_prepare           packages, valijson headers, release build
#   bench_start_cluster     PostgreSQL on 127.0.0.1:55440 (fsync and
#                           synchronous_commit checked on), exports DATABASE_URL
#   bench_start_gateway     migrate, serve, wait for /health; sets BENCH_GATEWAY_PID
#                           and exports BENCH_API_KEY, the key of BENCH_CLIENT
#                           (for the wrk scripts in bench/lua)
#
# BENCH_CLIENT picks the calling contract: siao-backoffice (default, no field
# rules) or bench-restricted (bench/contracts/: the same rights, but persons
# read without contact details and every write checked field by field), to
# measure what field rules cost.
#   bench_peak_rss_kib PID  prints VmHWM of PID in KiB
#   bench_probe PATH BODY   one POST, which must answer 201
#   bench_probe_create      bench_probe of one household (POST /api/v2/households)
#   bench_measure NAME SCRIPT DURATION CONNECTIONS THREADS
#                           warm-up, measured wrk run, summary, error statuses
#   bench_summary NAME WRK_OUTPUT CONNS THREADS DURATION RSS_KIB
#                           prints the one-line summary of an API benchmark
#   bench_stop              with BENCH_KEEP_METRICS=1, saves /metrics to
#                           var/bench-metrics.txt; stops the gateway, then the
#                           cluster if it was started here

SIAO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/deps.sh
source "$SIAO_ROOT/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/pg.sh
source "$SIAO_ROOT/scripts/lib/pg.sh"
# shellcheck source=scripts/lib/build.sh
source "$SIAO_ROOT/scripts/lib/build.sh"
# shellcheck source=scripts/lib/gateway.sh
source "$SIAO_ROOT/scripts/lib/gateway.sh"

BENCH_PG_DIR="$SIAO_ROOT/var/bench-pg"
BENCH_PG_PORT=55440
BENCH_GATEWAY_LOG="$SIAO_ROOT/var/bench-gateway.log"
# BENCH_PRESET=bench-without-audit measures the same gateway with its audit trail off (bench/audit_cost.sh).
BENCH_PRESET=${BENCH_PRESET:-release}
BENCH_BIN="$SIAO_ROOT/build/$BENCH_PRESET/siao-gateway"
BENCH_METRICS_FILE="$SIAO_ROOT/var/bench-metrics.txt"
BENCH_HTTP_LISTEN=${BENCH_HTTP_LISTEN:-127.0.0.1:8080}
BENCH_HTTPS_LISTEN=${BENCH_HTTPS_LISTEN:-127.0.0.1:8443}
BENCH_GATEWAY_PID=
_bench_started_cluster=0

# Everything a benchmark needs before it measures: the build, the cluster,
# the gateway, and their stop when the script ends however it ends.
bench_setup() {
  bench_prepare
  trap bench_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_start_cluster
  bench_start_gateway
}

bench_prepare() {
  ensure_packages
  ensure_valijson
  build_preset "$BENCH_PRESET"
}

bench_start_cluster() {
  # BENCH_FRESH=1: start from an empty database, so that runs compare.
  if [ "${BENCH_FRESH:-0}" = 1 ]; then
    pg_cluster_stop "$BENCH_PG_DIR" >/dev/null 2>&1 || true
    rm -rf "$(pg_resolve_datadir "$BENCH_PG_DIR")" "$BENCH_PG_DIR" "$BENCH_PG_DIR.location"
  fi
  pg_cluster_start "$BENCH_PG_DIR" "$BENCH_PG_PORT" durable
  _bench_started_cluster=$PG_STARTED
  export DATABASE_URL="postgresql://siao_gateway@127.0.0.1:$BENCH_PG_PORT/siao"
  # The figures are for a durable database: refuse a cluster left running
  # with fsync or synchronous_commit off.
  local settings
  settings=$(pg_psql "$BENCH_PG_PORT" siao -At -F' ' \
    -c "SELECT current_setting('fsync'), current_setting('synchronous_commit')") || return 1
  if [ "$settings" != "on on" ]; then
    echo "bench: the cluster in var/bench-pg runs with fsync/synchronous_commit = $settings, not on/on; stop it first" >&2
    return 1
  fi
  echo "PostgreSQL durable: fsync on, synchronous_commit on"
}

_bench_listening() {
  (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

bench_start_gateway() {
  local listen
  for listen in "$BENCH_HTTP_LISTEN" "$BENCH_HTTPS_LISTEN"; do
    if _bench_listening "$listen"; then
      echo "bench: something already listens on $listen (scripts/run?); stop it first" >&2
      return 1
    fi
  done
  cd "$SIAO_ROOT" || return 1
  export GATEWAY_HTTP_LISTEN=$BENCH_HTTP_LISTEN
  export GATEWAY_HTTPS_LISTEN=$BENCH_HTTPS_LISTEN
  # Access lines are logged at info: below it the log holds only problems.
  export GATEWAY_LOG_LEVEL=${GATEWAY_LOG_LEVEL:-info}
  export GATEWAY_SCHEMAS_DIR=${GATEWAY_SCHEMAS_DIR:-$SIAO_ROOT/schemas}
  gateway_env_defaults
  gateway_ensure_dev_cert
  gateway_ensure_keys
  # The shipped contracts plus the benchmark's own, in a tree laid out as the
  # repository's (contracts name "../mapping/..." and "../samples/...").
  local root="$SIAO_ROOT/var/bench-contracts" client=${BENCH_CLIENT:-siao-backoffice} var keyfile
  local contracts="$root/contracts"
  rm -rf "$root" && mkdir -p "$contracts"
  cp "$SIAO_ROOT"/contracts/*.json "$SIAO_ROOT"/bench/contracts/*.json "$contracts/"
  # BENCH_EXTRA_CONTRACTS: a directory of contracts one benchmark adds (bench/delivery.sh's subscriber).
  if [ -n "${BENCH_EXTRA_CONTRACTS:-}" ]; then cp "$BENCH_EXTRA_CONTRACTS"/*.json "$contracts/"; fi
  cp -r "$SIAO_ROOT/mapping" "$SIAO_ROOT/samples" "$root/"
  # Every client under the back-office's quota: the benchmarks measure the
  # gateway, not a contract's limits (rosalie's 500/s would refuse most calls).
  local quota file
  quota=$(jq -c '.quota' "$SIAO_ROOT/contracts/siao-backoffice.json") || return 1
  for file in "$contracts"/*.json; do
    jq --argjson quota "$quota" '.quota = $quota' "$file" >"$file.tmp" && mv "$file.tmp" "$file" || return 1
  done
  export GATEWAY_CONTRACTS_DIR=$contracts
  if [ ! -e "$contracts/$client.json" ]; then
    echo "bench: no contract $client (BENCH_CLIENT)" >&2
    return 1
  fi
  # The wrk scripts read the key from BENCH_API_KEY, not argv.
  var=$(gateway_key_var "$client")
  if [ -z "${!var:-}" ]; then
    keyfile="$SIAO_ROOT/var/keys/$client.key"
    [ -s "$keyfile" ] || (umask 077 && openssl rand -hex 32 >"$keyfile")
    printf -v "$var" '%s' "$(<"$keyfile")"
  fi
  export "${var?}"
  export BENCH_API_KEY=${!var}
  echo "Calling as $client"
  mkdir -p "$(dirname "$BENCH_GATEWAY_LOG")"
  "$BENCH_BIN" migrate >"$BENCH_GATEWAY_LOG" 2>&1 || {
    echo "bench: migrate failed; see $BENCH_GATEWAY_LOG" >&2
    return 1
  }
  "$BENCH_BIN" serve >>"$BENCH_GATEWAY_LOG" 2>&1 &
  BENCH_GATEWAY_PID=$!
  local _
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://$BENCH_HTTP_LISTEN/health" 2>/dev/null; then
      echo "Gateway up on $BENCH_HTTP_LISTEN (pid $BENCH_GATEWAY_PID, log var/bench-gateway.log)"
      return 0
    fi
    if ! kill -0 "$BENCH_GATEWAY_PID" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "bench: the gateway did not answer /health; end of $BENCH_GATEWAY_LOG:" >&2
  tail -n 20 "$BENCH_GATEWAY_LOG" >&2
  return 1
}

bench_peak_rss_kib() {
  awk '/^VmHWM:/ { print $2 }' "/proc/${1:?bench_peak_rss_kib PID}/status"
}

# One POST made by hand before a run, which must answer 201: a refusal (key,
# contract, schema, a missing adapter) would otherwise show only as a count
# of non-2xx responses.
#   bench_probe PATH BODY
bench_probe() {
  local path=${1:?bench_probe PATH BODY} body=${2:?bench_probe PATH BODY} status
  status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "http://$BENCH_HTTP_LISTEN$path" \
    -H "Authorization: Bearer $BENCH_API_KEY" -H 'Content-Type: application/json' --data "$body")
  if [ "$status" != 201 ]; then
    echo "bench: POST $path answered $status, not 201; end of var/bench-gateway.log:" >&2
    tail -n 5 "$BENCH_GATEWAY_LOG" >&2
    return 1
  fi
}

bench_probe_create() {
  bench_probe /api/v2/households \
    '{"territory":"75","members":[{"role":"head","lastName":"DUPONT","firstNames":["Marie"],"sex":"female","birthDate":"1985-03-14"}]}'
}

# A 3 s warm-up, then the measured wrk run of SCRIPT against the gateway,
# its output, the one-line summary (bench_summary) and, when some answers
# were 400 or above, their statuses from the gateway's log.
#   bench_measure NAME SCRIPT DURATION CONNECTIONS THREADS
bench_measure() {
  local name=$1 script=$2 duration=$3 connections=$4 threads=$5 url="http://$BENCH_HTTP_LISTEN" out rss_kib
  echo "Warming up (3 s)..."
  wrk -t"$threads" -c"$connections" -d3s -s "$script" "$url" >/dev/null
  out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$script" "$url")
  printf '%s\n' "$out"
  rss_kib=$(bench_peak_rss_kib "$BENCH_GATEWAY_PID")
  bench_summary "$name" "$out" "$connections" "$threads" "$duration" "$rss_kib"
  if [ "$(bench_non2xx "$out")" != 0 ]; then
    echo "Responses of 400 and above in var/bench-gateway.log (count, status, route):"
    bench_error_statuses
  fi
}

# NAME, wrk --latency output, then the settings and the peak RSS (KiB):
# "NAME: <req/s> req/s, p50 <lat>, p99 <lat> (wrk -tT -cC -dDs); <n> non-2xx,
# <n> socket errors; gateway peak RSS <MiB> MiB". wrk counts as non-2xx every
# status of 400 and above.
bench_summary() {
  printf '%s\n' "$2" | awk -v name="$1" -v conns="$3" -v threads="$4" -v dur="$5" -v rss="$6" '
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { gsub(/,/, ""); sock = $4 + $6 + $8 + $10 }
    END {
      printf "%s: %s req/s, p50 %s, p99 %s (wrk -t%s -c%s -d%ss); %d non-2xx, %d socket errors; gateway peak RSS %.1f MiB\n", \
        name, rps, p50, p99, threads, conns, dur, bad + 0, sock + 0, rss / 1024
    }'
}

# Prints the number of non-2xx responses wrk reported in its output.
bench_non2xx() {
  printf '%s\n' "$1" | awk '/Non-2xx or 3xx responses:/ { n = $NF } END { print n + 0 }'
}

# Access lines of the gateway log by route and status, for the statuses >= 400.
bench_error_statuses() {
  jq -rR 'fromjson? | select(.msg == "request" and .status >= 400) | "\(.status) \(.method) \(.route)"' \
    "$BENCH_GATEWAY_LOG" | sort | uniq -c | sort -rn
}

bench_stop() {
  if [ "${BENCH_KEEP_METRICS:-0}" = 1 ] && [ -n "$BENCH_GATEWAY_PID" ] &&
    kill -0 "$BENCH_GATEWAY_PID" 2>/dev/null; then
    if curl -fsS -o "$BENCH_METRICS_FILE" "http://$BENCH_HTTP_LISTEN/metrics"; then
      echo "Metrics saved to var/bench-metrics.txt"
    else
      echo "bench: could not save /metrics" >&2
    fi
  fi
  if [ -n "$BENCH_GATEWAY_PID" ] && kill -0 "$BENCH_GATEWAY_PID" 2>/dev/null; then
    kill -TERM "$BENCH_GATEWAY_PID" 2>/dev/null || true
    wait "$BENCH_GATEWAY_PID" 2>/dev/null || true
  fi
  BENCH_GATEWAY_PID=
  if [ "$_bench_started_cluster" = 1 ]; then
    pg_cluster_stop "$BENCH_PG_DIR"
    _bench_started_cluster=0
  fi
}
