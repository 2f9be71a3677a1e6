#!/usr/bin/env bash
# Where an alert's CPU goes: perf samples one Alert Whisperer under bench/intake.lua's single-alert
# load and prints the CPU per alert over the sampled window and the shares by thread and by symbol.
# See bench/README.md. Traffic stays on 127.0.0.1.
#
# Settings (environment): AW_BINARY (default build/alertwhisperer), PERF_SECONDS (8),
# PERF_FREQ (300 Hz), BENCH_CONNECTIONS (32), PERF_CALLGRAPH (dwarf; "none" for flat profiles
# only, much cheaper to report on a busy machine), PERF_KEEP=1 keeps the temp dir (perf.data).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
SECONDS_=${PERF_SECONDS:-8}
FREQ=${PERF_FREQ:-300}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
CALLGRAPH=${PERF_CALLGRAPH:-dwarf}
PYTHON=${PYTHON:-/usr/bin/python3}
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
for tool in wrk curl perf "$PYTHON" "$AW_BINARY"; do
  command -v "$tool" >/dev/null || { echo "perf_intake: $tool not found" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-perf.XXXXXX")
PID=""
cleanup() {
  stop_pid "$PID" alertwhisperer >/dev/null
  if [ "${PERF_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

port=$(free_port)
mkdir -p "$WORK/data"
(cd "$WORK/data" && exec env -u JWT_SECRET -u PORT -u AW_DATA_DIR -u AW_STORE AW_DEMO=true \
   "$AW_BINARY" serve --port "$port" --data-dir "$WORK/data") >"$WORK/aw.log" 2>&1 &
PID=$!
URL="http://127.0.0.1:$port"
wait_http "$URL/api/health" "$PID" alertwhisperer "$WORK/aw.log"
key=$(acme_webhook_key "$URL" "$(demo_admin_token "$URL")")

# Warm up, then sample the middle of a longer run.
wrk -t1 -c"$CONNECTIONS" -d2s -s "$ROOT/bench/intake.lua" "$URL" -- aw w "$key" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d$((SECONDS_ + 4))s -s "$ROOT/bench/intake.lua" "$URL" -- aw p "$key" >"$WORK/wrk.txt" &
WRK=$!
sleep 2
ticks0=$(awk '{print $14 + $15}' "/proc/$PID/stat")
cg=(--call-graph dwarf,16384)
[ "$CALLGRAPH" = none ] && cg=()
perf record -q -F "$FREQ" "${cg[@]}" -p "$PID" -o "$WORK/perf.data" -- sleep "$SECONDS_" 2>/dev/null
ticks1=$(awk '{print $14 + $15}' "/proc/$PID/stat")
wait "$WRK"
rps=$(awk '/^BENCH_RESULT/ {for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) {sub("rps=", "", $i); print $i}}' "$WORK/wrk.txt")
hz=$(getconf CLK_TCK)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); wrk: $rps alerts/s"
awk -v t=$((ticks1 - ticks0)) -v hz="$hz" -v rps="$rps" -v s="$SECONDS_" \
  'BEGIN {printf "server CPU in the sampled %d s: %.2f s = %.1f µs/alert (at the run'"'"'s mean rate)\n", s, t / hz, t / hz * 1e6 / (rps * s)}'
echo "--- by thread (comm) ---"
perf report -i "$WORK/perf.data" --no-children --sort comm --stdio 2>/dev/null | grep -E '^ +[0-9]' | sed -n '1,12p'
echo "--- self, by symbol (top 40) ---"
perf report -i "$WORK/perf.data" --no-children --sort dso,sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | sed -n '1,40p'
if [ "$CALLGRAPH" != none ]; then
  echo "--- inclusive (children), by symbol (top 60) ---"
  perf report -i "$WORK/perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | sed -n '1,60p'
fi
