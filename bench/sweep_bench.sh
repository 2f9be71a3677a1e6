#!/usr/bin/env bash
# TTL sweep benchmark: what the sweeper's pass size costs the intake's latency on a store with a
# backlog of expired items. One filled store (aw_fill: SWEEP_ALERTS alerts over the last 24 h
# whose retention has passed, `--alert-ttl-days 0`: every one is expired, as after a retention
# change or a long stop), then for each pass size in SWEEP_SIZES, alternating over SWEEP_ROUNDS
# rounds, a copy of that store is served with AW_ROCKSDB_SWEEP_ITEMS=<size> and bench/intake.lua's
# single-alert load runs for SWEEP_SECONDS, which covers the first periodic sweep (60 s after
# start) and the passes after it. Prints per run the rate, p50/p99 latency, the server's CPU per
# alert and the store's estimated keys after the run (fewer: more swept); per size the medians.
#
# Settings (environment): SWEEP_ALERTS (300000), SWEEP_SIZES ("10000 500"), SWEEP_ROUNDS (2),
# SWEEP_SECONDS (90), BENCH_CONNECTIONS (32), AW_BINARY, AW_FILL,
# SWEEP_STORE=<dir> reuses a filled data dir (copied, never changed), BENCH_KEEP=1 keeps the temp
# dir. Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
AW_FILL=${AW_FILL:-$ROOT/build/aw_fill}
ALERTS=${SWEEP_ALERTS:-300000}
SIZES=${SWEEP_SIZES:-10000 500}
ROUNDS=${SWEEP_ROUNDS:-2}
SECONDS_=${SWEEP_SECONDS:-90}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
PYTHON=${PYTHON:-/usr/bin/python3}
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
for tool in wrk curl "$PYTHON" "$AW_BINARY" "$AW_FILL"; do
  command -v "$tool" >/dev/null || { echo "sweep_bench: $tool not found" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-sweep.XXXXXX")
PID=""
cleanup() {
  stop_pid "$PID" alertwhisperer >/dev/null
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

awenv=(env -u JWT_SECRET -u PORT -u AW_DATA_DIR -u AW_ROCKSDB_UNSAFE_NO_FSYNC AW_STORE=rocksdb AW_DEMO=true
       AW_WORKER_INTERVAL_SECONDS=3600)
echo "Sweep benchmark: pass sizes [$SIZES], wrk -t1 -c$CONNECTIONS -d${SECONDS_}s, $ROUNDS rounds"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
SRC=${SWEEP_STORE:-}
if [ -z "$SRC" ]; then
  SRC="$WORK/filled"
  mkdir -p "$SRC"
  "${awenv[@]}" "$AW_BINARY" seed --data-dir "$SRC" >"$WORK/seed.log" 2>&1
  start=$(date +%s)
  "$AW_FILL" --data-dir "$SRC" --alerts "$ALERTS" --open-incidents 10000 --alert-ttl-days 0 >"$WORK/fill.log" 2>&1 \
    || { echo "aw_fill failed:" >&2; tail -20 "$WORK/fill.log" >&2; exit 1; }
  echo "filled $ALERTS alerts in $(( $(date +%s) - start )) s"
fi

: >"$WORK/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  for size in $SIZES; do
    dir="$WORK/run"
    rm -rf "$dir" && cp -a "$SRC" "$dir"
    port=$(free_port)
    (cd "$dir" && exec "${awenv[@]}" AW_ROCKSDB_SWEEP_ITEMS="$size" "$AW_BINARY" serve --port "$port" \
       --data-dir "$dir") >"$WORK/server-$size-$round.log" 2>&1 &
    PID=$!
    url="http://127.0.0.1:$port"
    wait_http "$url/api/health" "$PID" alertwhisperer "$WORK/server-$size-$round.log" 60
    token=$(demo_admin_token "$url")
    key=$(acme_webhook_key "$url" "$token")
    t0=$(cpu_ticks "$PID")
    line=$(wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_}s" -s "$ROOT/bench/intake.lua" "$url" -- aw "s$size-$round" "$key" \
           | grep '^BENCH_RESULT')
    t1=$(cpu_ticks "$PID")
    # RocksDB's estimate of the keys left: fewer when more expired alerts were swept.
    stats=$(curl -fsS -H "Authorization: Bearer $token" "$url/api/admin/store-stats" || echo '{}')
    keys=$(printf '%s' "$stats" | "$PYTHON" -c \
      'import json,sys; d=json.load(sys.stdin); print(d.get("rocksdb",{}).get("engine",{}).get("estimated_keys","?"))')
    echo "size $size round $round: $line cpu_ticks=$((t1 - t0)) estimated_keys_after=$keys" | tee -a "$WORK/results.txt"
    stop_pid "$PID" alertwhisperer >/dev/null
    PID=""
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
hz=$(getconf CLK_TCK)
echo "(medians over rounds)   pass size   alerts/s   p50 ms   p99 ms   CPU µs/alert"
for size in $SIZES; do
  grep "^size $size " "$WORK/results.txt" | "$PYTHON" -c '
import re, statistics, sys
hz, size = float(sys.argv[1]), sys.argv[2]
rows = []
for line in sys.stdin:
    f = dict(re.findall(r"(\w+)=([\d.]+)", line))
    n = float(f["requests"])
    rows.append((float(f["rps"]), float(f["p50_us"]) / 1e3, float(f["p99_us"]) / 1e3,
                 float(f["cpu_ticks"]) / hz * 1e6 / n if n else 0.0))
med = [statistics.median(c) for c in zip(*rows)]
print(f"{size:>34} {med[0]:>10.0f} {med[1]:>8.2f} {med[2]:>8.2f} {med[3]:>14.1f}")
' "$hz" "$size"
done
