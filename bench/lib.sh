# shellcheck shell=bash
# Helpers for the benchmarks: a durable PostgreSQL under var/bench-pg and the
# release gateway in the background, logging to var/bench-gateway.log.
#
#   bench_prepare           packages, valijson headers, release build
#   bench_start_cluster     PostgreSQL on 127.0.0.1:55440, exports DATABASE_URL
#   bench_start_gateway     migrate, serve, wait for /health; sets BENCH_GATEWAY_PID
#   bench_peak_rss_kib PID  prints VmHWM of PID in KiB
#   bench_stop              stops the gateway, then the cluster if it was started here

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
BENCH_BIN="$SIAO_ROOT/build/release/siao-gateway"
BENCH_HTTP_LISTEN=${BENCH_HTTP_LISTEN:-127.0.0.1:8080}
BENCH_HTTPS_LISTEN=${BENCH_HTTPS_LISTEN:-127.0.0.1:8443}
BENCH_GATEWAY_PID=
_bench_started_cluster=0

bench_prepare() {
  ensure_packages
  ensure_valijson
  build_preset release
}

bench_start_cluster() {
  pg_cluster_start "$BENCH_PG_DIR" "$BENCH_PG_PORT" durable
  _bench_started_cluster=$PG_STARTED
  export DATABASE_URL="postgresql://siao_gateway@127.0.0.1:$BENCH_PG_PORT/siao"
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
  export GATEWAY_LOG_LEVEL=${GATEWAY_LOG_LEVEL:-warn}
  gateway_env_defaults
  gateway_ensure_dev_cert
  gateway_ensure_keys
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

bench_stop() {
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
