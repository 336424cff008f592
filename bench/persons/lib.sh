# shellcheck shell=bash
# Helpers of bench/match_quality.sh and bench/match_latency.sh, sourced after
# bench/lib.sh (SIAO_ROOT, BENCH_* set).
#
#   persons_setup      bench_setup; with BENCH_SKIP_BUILD=1, without the build
#                      (build/release/siao-gateway as it is: on a machine
#                      whose builds go through a shared lock, build first
#                      with flock, then run the benchmark without rebuilding)
#   persons_generate NAME SEED PERSONS PAIRS QUERIES
#       runs bench/persons/generate.py into var/persons/NAME/ (households.ndjson,
#       truth.tsv, queries.ndjson when QUERIES > 0), unless the files there
#       were made with the same arguments and generator; sets PERSONS_DIR
#   persons_load FILE IDS      posts FILE's households (bench/persons/load.py),
#                              writes the minted ids to IDS
#   persons_in_database        prints the number of active persons in the bench database
#   persons_probe METHOD PATH [BODY]  one call that must answer 200

PERSONS_PY_DIR="$SIAO_ROOT/bench/persons"
# Another port for the bench PostgreSQL (bench/lib.sh fixes 55440), when
# another copy of the repository benchmarks on the same machine.
BENCH_PG_PORT=${BENCH_PERSONS_PG_PORT:-$BENCH_PG_PORT}

persons_setup() {
  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    bench_setup
    return
  fi
  if [ ! -x "$BENCH_BIN" ]; then
    echo "bench: BENCH_SKIP_BUILD=1 but there is no $BENCH_BIN" >&2
    return 1
  fi
  ensure_packages
  trap bench_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_start_cluster
  bench_start_gateway
}

persons_generate() {
  local name=$1 seed=$2 persons=$3 pairs=$4 queries=$5 stamp args
  PERSONS_DIR="$SIAO_ROOT/var/persons/$name"
  stamp="seed=$seed persons=$persons pairs=$pairs queries=$queries $(cat "$PERSONS_PY_DIR/generate.py" "$PERSONS_PY_DIR/names.py" | sha256sum | cut -c1-16)"
  if [ -f "$PERSONS_DIR/stamp" ] && [ "$(cat "$PERSONS_DIR/stamp")" = "$stamp" ]; then
    echo "Data set var/persons/$name already generated ($stamp)"
    return 0
  fi
  mkdir -p "$PERSONS_DIR"
  rm -f "$PERSONS_DIR/stamp"
  args=(--seed "$seed" --persons "$persons" --pairs "$pairs"
    --out "$PERSONS_DIR/households.ndjson" --truth "$PERSONS_DIR/truth.tsv" --stats)
  if [ "$queries" -gt 0 ]; then
    args+=(--queries "$queries" --queries-out "$PERSONS_DIR/queries.ndjson")
  fi
  echo "Generating $persons persons with $pairs planted duplicate pairs (seed $seed) into var/persons/$name..."
  python3 "$PERSONS_PY_DIR/generate.py" "${args[@]}" || return 1
  echo "$stamp" >"$PERSONS_DIR/stamp"
}

persons_load() {
  python3 "$PERSONS_PY_DIR/load.py" --households "$1" --ids "$2" \
    --url "http://$BENCH_HTTP_LISTEN" --connections "${BENCH_LOAD_CONNECTIONS:-16}"
}

persons_in_database() {
  pg_psql "$BENCH_PG_PORT" siao -At -c "SELECT count(*) FROM persons WHERE status = 'active'"
}

persons_probe() {
  local method=$1 path=$2 body=${3:-} status out
  out=$(mktemp)
  if [ -n "$body" ]; then
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "http://$BENCH_HTTP_LISTEN$path" \
      -H "Authorization: Bearer $BENCH_API_KEY" -H 'Content-Type: application/json' --data "$body")
  else
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "http://$BENCH_HTTP_LISTEN$path" \
      -H "Authorization: Bearer $BENCH_API_KEY")
  fi
  if [ "$status" != 200 ]; then
    echo "bench: $method $path answered $status, not 200 (does this build serve it?): $(head -c 300 "$out")" >&2
    rm -f "$out"
    return 1
  fi
  rm -f "$out"
}
