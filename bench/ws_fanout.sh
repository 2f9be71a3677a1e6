#!/usr/bin/env bash
# WebSocket fan-out benchmark: BENCH_CLIENTS (1000) WebSocket clients of the MSP admin connected to
# /ws while alerts are posted to the webhook at BENCH_RATE (20/s) for BENCH_SECONDS (10) over
# BENCH_HTTP_CONNS (4) keep-alive connections; prints the delivery latency (webhook call -> every
# client) p50/p99, the webhook latency and the server's CPU time over the run (utime + stime from
# /proc/<pid>/stat; 100 % = one core busy). The driver is bench/ws_fanout.cc (C++, two io threads for
# all clients), compiled here with the header-only Beast. Traffic stays on 127.0.0.1.
#
# Settings (environment): AW_BINARY (default build/alertwhisperer), BENCH_CLIENTS, BENCH_RATE,
# BENCH_SECONDS, BENCH_HTTP_CONNS, BENCH_KEEP=1 keeps the temp dir, BENCH_DRIVER=<path> reuses a
# driver compiled before (else it is compiled into the temp dir).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
CLIENTS=${BENCH_CLIENTS:-1000}
RATE=${BENCH_RATE:-20}
SECONDS_=${BENCH_SECONDS:-10}
CONNS=${BENCH_HTTP_CONNS:-4}
PYTHON=/usr/bin/python3

for tool in curl g++ "$AW_BINARY"; do
  command -v "$tool" >/dev/null || { echo "ws_fanout: $tool not found" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-wsbench.XXXXXX")
AW_PID=""
cleanup() {
  if [ -n "$AW_PID" ] && kill -0 "$AW_PID" 2>/dev/null; then
    kill -TERM "$AW_PID"; wait "$AW_PID" 2>/dev/null || true
  fi
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

DRIVER=${BENCH_DRIVER:-$WORK/ws_fanout}
if [ ! -x "$DRIVER" ]; then
  echo "compiling the driver..."
  g++ -std=c++20 -O2 -pthread -o "$DRIVER" "$ROOT/bench/ws_fanout.cc"
fi

# 1,000 sockets on each side, plus the server's own files. All clients come from 127.0.0.1, so the
# per-address connection cap (AW_MAX_CONNECTIONS_PER_IP, 256) is lifted for the server below.
ulimit -n 8192 2>/dev/null || echo "WARNING: cannot raise the open-file limit; ulimit -n is $(ulimit -n)" >&2

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
PORT=$(free_port)
mkdir -p "$WORK/data"
(cd "$WORK/data" && exec env -u JWT_SECRET -u PORT -u AW_DATA_DIR -u AW_STORE AW_DEMO=true AW_MAX_CONNECTIONS_PER_IP=0 \
   "$AW_BINARY" serve --port "$PORT" --data-dir "$WORK/data") >"$WORK/aw.log" 2>&1 &
AW_PID=$!
URL="http://127.0.0.1:$PORT"
wait_http "$URL/api/health" "$AW_PID" alertwhisperer "$WORK/aw.log"
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"email":"admin@alertwhisperer.com","password":"admin123"}' "$URL/api/auth/login" | json_field access_token)
API_KEY=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/api/companies/comp-acme" | json_field api_key)
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"enabled":false}' "$URL/api/companies/comp-acme/rate-limit"

echo "ws_fanout: $CLIENTS clients, $RATE alerts/s for ${SECONDS_}s over $CONNS HTTP connections ($(nproc) cores)"
CPU0=$(cpu_ticks "$AW_PID"); T0=$(date +%s.%N)
"$DRIVER" 127.0.0.1 "$PORT" "$TOKEN" "$API_KEY" "$CLIENTS" "$RATE" "$SECONDS_" "$CONNS"
CPU1=$(cpu_ticks "$AW_PID"); T1=$(date +%s.%N)
awk -v c="$((CPU1 - CPU0))" -v hz="$(getconf CLK_TCK)" -v t0="$T0" -v t1="$T1" 'BEGIN {
  printf "server CPU: %.1f s over %.1f s (%.0f %% of one core)\n", c / hz, t1 - t0, 100 * c / hz / (t1 - t0) }'
kill -0 "$AW_PID" 2>/dev/null || { echo "alertwhisperer died" >&2; tail -20 "$WORK/aw.log" >&2; exit 1; }
grep -c "disconnecting user" "$WORK/aw.log" | sed 's/^/clients disconnected by the server: /' || true
