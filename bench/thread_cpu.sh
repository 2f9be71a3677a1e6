#!/usr/bin/env bash
# CPU per alert by thread: serves a copy of a data directory (e.g. one kept by
# `BENCH_KEEP=1 bench/scale_bench.sh`), runs bench/intake.lua's single-alert load for SECONDS and
# prints the server's CPU ticks per thread name (/proc/<pid>/task/*/stat, utime + stime) over the
# run, and per alert in µs: so compaction (`rocksdb:low`) and flush (`rocksdb:high`) can be told
# from the request path (`aw-store-writer`, `aw-intake-fx`, `aw-http-io`).
#
#   bench/thread_cpu.sh DATA_DIR [SECONDS (20)]     (AW_BINARY: default build/alertwhisperer)
#
# The copy is removed afterwards; DATA_DIR is never changed. Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
PYTHON=${PYTHON:-/usr/bin/python3}
SRC=${1:?usage: bench/thread_cpu.sh DATA_DIR [SECONDS]}
SECS=${2:-20}
[ -d "$SRC" ] || { echo "thread_cpu: no directory $SRC" >&2; exit 2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-tcpu.XXXXXX")
PID=""
cleanup() { stop_pid "$PID" alertwhisperer >/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cp -a "$SRC" "$WORK/data"
port=$(free_port)
(cd "$WORK/data" && exec env -u JWT_SECRET -u PORT -u AW_DATA_DIR AW_STORE=rocksdb AW_DEMO=true \
   AW_WORKER_INTERVAL_SECONDS=3600 "$AW_BINARY" serve --port "$port" --data-dir "$WORK/data") \
  >"$WORK/aw.log" 2>&1 &
PID=$!
url="http://127.0.0.1:$port"
wait_http "$url/api/health" "$PID" alertwhisperer "$WORK/aw.log" 60
key=$(acme_webhook_key "$url" "$(demo_admin_token "$url")")

# Ticks per thread name, summed over threads of the same name.
snapshot() {
  for t in /proc/"$PID"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm")" "$(awk '{print $14 + $15}' "$t/stat")"
  done | awk -F'\t' '{a[$1] += $2} END {for (k in a) printf "%s\t%d\n", k, a[k]}'
}
snapshot >"$WORK/before"
line=$(wrk -t1 -c32 -d"${SECS}s" -s "$ROOT/bench/intake.lua" "$url" -- aw tc "$key" | grep '^BENCH_RESULT')
snapshot >"$WORK/after"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $line"
requests=$(printf '%s' "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
awk -F'\t' -v n="$requests" -v hz="$(getconf CLK_TCK)" '
  NR == FNR {before[$1] = $2; next}
  {d = $2 - before[$1]; if (d > 0) {rows[$1] = d; total += d}}
  END {
    for (k in rows) printf "%-18s %7d ticks %8.1f µs/alert\n", k, rows[k], rows[k] / hz * 1e6 / n
    printf "%-18s %7d ticks %8.1f µs/alert\n", "(all threads)", total, total / hz * 1e6 / n
  }' "$WORK/before" "$WORK/after" | sort -k2 -nr
