#!/usr/bin/env bash
# Outbound delivery under the create workload: bench/create.sh's load for
# BENCH_DURATION seconds while a subscriber (bench/contracts-delivery/)
# receives every event on a loopback receiver (bench/webhook_receiver.py);
# then waits until every event is delivered. Prints events written,
# delivered per second, and the lag from commit to arrival (p50, p99, max).
# BENCH_RATE=N paces the creates at about N/s (wrk's delay, per connection)
# instead of as fast as the gateway takes them: the lag of a steady load.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=${BENCH_DURATION:-20}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
arrivals="$SIAO_ROOT/var/bench-deliveries.txt"
export BENCH_EXTRA_CONTRACTS="$SIAO_ROOT/bench/contracts-delivery"
export SIAO_KEY_BENCH_WEBHOOK=bench-webhook-secret-0123456789
python3 "$SIAO_ROOT/bench/webhook_receiver.py" 18090 "$arrivals" &
receiver=$!
trap 'kill $receiver 2>/dev/null || true' EXIT

bench_setup
trap 'kill $receiver 2>/dev/null || true; bench_stop' EXIT
bench_probe_create
if [ -n "${BENCH_RATE:-}" ]; then
  export BENCH_DELAY_MS=$(( connections * 1000 / BENCH_RATE ))
  echo "creates paced at about $BENCH_RATE/s ($connections connections, ${BENCH_DELAY_MS} ms between requests)"
fi
start=$(date +%s.%N)
wrk -t"$threads" -c"$connections" -d"${duration}s" -s "$SIAO_ROOT/bench/lua/create_household.lua" \
  "http://$BENCH_HTTP_LISTEN" | grep -E "Requests/sec|requests in"
events=$(pg_psql "$BENCH_PG_PORT" siao -At -c "SELECT count(*) FROM events")
echo "events written: $events; waiting for their delivery..."
for _ in $(seq 1 600); do
  # Distinct events: a repeat (at-least-once) is not one more delivered.
  [ "$(cut -d' ' -f1 "$arrivals" | sort -u | wc -l)" -ge "$events" ] && break
  sleep 1
done
end=$(date +%s.%N)
pg_psql "$BENCH_PG_PORT" siao -At -F' ' -c "SELECT seq, extract(epoch FROM at) FROM events" >"$arrivals.events"
python3 - "$arrivals" "$arrivals.events" "$start" "$end" <<'PY'
import sys
arrivals = {}
for line in open(sys.argv[1]):
    seq, at = line.split()
    arrivals.setdefault(seq, float(at))
events = dict(line.split() for line in open(sys.argv[2]))
lags = sorted(arrivals[s] - float(at) for s, at in events.items() if s in arrivals)
start, end = float(sys.argv[3]), float(sys.argv[4])
first, last = min(arrivals.values()), max(arrivals.values())
print(f"delivered {len(lags)} of {len(events)} events ({len(open(sys.argv[1]).readlines()) - len(arrivals)} repeats);"
      f" {len(lags) / (last - first):.0f} deliveries/s from first to last arrival")
pct = lambda p: lags[min(len(lags) - 1, int(p * len(lags)))]
print(f"lag from commit to arrival: p50 {pct(0.5) * 1000:.0f} ms, p99 {pct(0.99) * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms")
PY
rm -f "$arrivals.events"
