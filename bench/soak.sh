#!/usr/bin/env bash
# Soak test (`make soak`, not part of `make test`): SOAK_MINUTES (60) of steady mixed load on one
# server - webhook intake, API reads and SOAK_WS_CLIENTS (50) WebSocket clients of the MSP admin -
# sampling every SOAK_INTERVAL (60) seconds the server's RSS, open files, threads, data size, CPU
# per alert and the interval's alerts/s and p50 / p99 into a CSV, plotted as a PNG at the end.
# Memory must plateau: the summary prints RSS after 5 minutes, at the end, and its slope over the
# second half.
#
# The intake rate is SOAK_RATE alerts/s; "auto" (the default) measures the maximum first (wrk,
# bench/intake.lua, 10 s, 32 connections) and takes half of it. The load comes from bench/soak.py
# (paced senders, a reader, the sampler) and bench/ws_fanout.cc (the WebSocket clients, plus one
# alert a second whose delivery latency it reports at the end). Traffic stays on 127.0.0.1.
#
# Settings (environment): AW_BINARY (build/alertwhisperer), SOAK_MINUTES, SOAK_INTERVAL,
# SOAK_RATE, SOAK_WS_CLIENTS, SOAK_READ_RATE (5 list reads/s), SOAK_SENDERS (8 connections),
# SOAK_REPEATS (0.05: share of alerts that resend a recent delivery), SOAK_RECOVERIES (0.02: share
# that are recoveries of a recent alert's asset and signature, which auto-resolve its incident, so
# open incidents stay bounded as in real use; 0 lets them pile up), SOAK_OUT (build/soak: the
# CSV, PNG, server log and driver outputs). The machine's other load shows in every figure: run it
# with `nice` on a shared machine and read the load average printed at start and end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
MINUTES=${SOAK_MINUTES:-60}
INTERVAL=${SOAK_INTERVAL:-60}
RATE=${SOAK_RATE:-auto}
WS_CLIENTS=${SOAK_WS_CLIENTS:-50}
READ_RATE=${SOAK_READ_RATE:-5}
SENDERS=${SOAK_SENDERS:-8}
REPEATS=${SOAK_REPEATS:-0.05}
RECOVERIES=${SOAK_RECOVERIES:-0.02}
OUT=${SOAK_OUT:-$ROOT/build/soak}
PYTHON=/usr/bin/python3

for tool in curl g++ "$PYTHON" "$AW_BINARY"; do
  command -v "$tool" >/dev/null || { echo "soak: $tool not found (make build; scripts/install-deps.sh --bench)" >&2; exit 2; }
done
"$PYTHON" -c 'import matplotlib' 2>/dev/null \
  || { echo "soak: python3-matplotlib missing (scripts/install-deps.sh --bench)" >&2; exit 2; }
[ "$RATE" = auto ] && { command -v wrk >/dev/null || { echo "soak: SOAK_RATE=auto needs wrk" >&2; exit 2; }; }

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-soak.XXXXXX")
AW_PID="" WS_PID=""
cleanup() {
  [ -n "$WS_PID" ] && kill "$WS_PID" 2>/dev/null || true
  if [ -n "$AW_PID" ] && kill -0 "$AW_PID" 2>/dev/null; then
    kill -TERM "$AW_PID"; wait "$AW_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
echo "compiling the WebSocket driver..."
g++ -std=c++20 -O2 -pthread -o "$WORK/ws_fanout" "$ROOT/bench/ws_fanout.cc"
ulimit -n 8192 2>/dev/null || true

PORT=$(free_port)
DATA="$WORK/data"
mkdir -p "$DATA"
(cd "$DATA" && exec env -u JWT_SECRET -u PORT -u AW_DATA_DIR -u AW_STORE -u AW_ROCKSDB_UNSAFE_NO_FSYNC \
   AW_DEMO=true "$AW_BINARY" serve --port "$PORT" --data-dir "$DATA") >"$OUT/server.log" 2>&1 &
AW_PID=$!
URL="http://127.0.0.1:$PORT"
wait_http "$URL/api/health" "$AW_PID" alertwhisperer "$OUT/server.log" 60
TOKEN=$(demo_admin_token "$URL")
API_KEY=$(acme_webhook_key "$URL" "$TOKEN")

if [ "$RATE" = auto ]; then
  line=$(wrk -t1 -c32 -d10s -s "$ROOT/bench/intake.lua" "$URL" -- aw soakmax "$API_KEY" | grep '^BENCH_RESULT ')
  max=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
  RATE=$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')
  echo "measured maximum: $max alerts/s (wrk -c32, 10 s); soak rate: $RATE alerts/s"
fi

echo "soak: $MINUTES min at $RATE alerts/s over $SENDERS connections, $READ_RATE reads/s, $WS_CLIENTS" \
     "WebSocket clients, a sample every $INTERVAL s -> $OUT/soak.csv"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(date -u '+%F %H:%M UTC')"
SECS=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
"$WORK/ws_fanout" 127.0.0.1 "$PORT" "$TOKEN" "$API_KEY" "$WS_CLIENTS" 1 "$SECS" 1 >"$OUT/ws.txt" 2>&1 &
WS_PID=$!
"$PYTHON" "$ROOT/bench/soak.py" run --url "$URL" --token "$TOKEN" --api-key "$API_KEY" --pid "$AW_PID" \
  --data-dir "$DATA" --csv "$OUT/soak.csv" --rate "$RATE" --minutes "$MINUTES" --interval "$INTERVAL" \
  --senders "$SENDERS" --read-rate "$READ_RATE" --repeat-share "$REPEATS" \
  --recover-share "$RECOVERIES"
wait "$WS_PID" || echo "WARNING: the WebSocket driver failed (see $OUT/ws.txt)" >&2
WS_PID=""
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E '^(clients connected|frames delivered|delivery latency)' "$OUT/ws.txt" || true
stop_pid "$AW_PID" alertwhisperer 30
AW_PID=""

"$PYTHON" "$ROOT/bench/soak.py" plot "$OUT/soak.csv" "$OUT/soak.png"
"$PYTHON" - "$OUT/soak.csv" "$INTERVAL" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
interval = float(sys.argv[2])
if len(rows) < 2:
    sys.exit("soak: too few samples for a summary")
rss = [float(r["rss_mib"]) for r in rows]
at5 = rss[min(len(rss) - 1, max(0, int(300 / interval) - 1))]
half = rows[len(rows) // 2:]
xs = [float(r["minute"]) for r in half]
ys = [float(r["rss_mib"]) for r in half]
mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
den = sum((x - mx) ** 2 for x in xs)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0
print(f"RSS: {at5:.1f} MiB after 5 min, {rss[-1]:.1f} MiB at the end ({(rss[-1] / at5 - 1) * 100:+.1f} %), "
      f"max {max(rss):.1f}; slope over the second half {slope:+.2f} MiB/min")
print(f"open files: {rows[0]['open_fds']} -> {rows[-1]['open_fds']}; data: {rows[0]['data_mib']} -> "
      f"{rows[-1]['data_mib']} MiB; alerts/s (median) "
      f"{sorted(float(r['alerts_per_s']) for r in rows)[len(rows) // 2]}; worst interval p99 "
      f"{max(float(r['p99_ms']) for r in rows)} ms; non-2xx {sum(int(r['non2xx']) for r in rows)}, "
      f"errors {sum(int(r['errors']) for r in rows)}")
PY
echo "wrote $OUT/soak.csv and $OUT/soak.png"
