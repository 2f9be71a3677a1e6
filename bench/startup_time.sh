#!/usr/bin/env bash
# Recovery time: how long `alertwhisperer serve` takes from exec to answering /api/health on an
# existing data directory (e.g. one filled by build/aw_fill with 1M alerts and a day of repeat
# claims), STARTUP_RUNS (3) times, each ended with SIGTERM. Prints one line per run and the median.
#
#   bench/startup_time.sh DATA_DIR        (AW_BINARY: the server, default build/alertwhisperer)
#
# The directory is served as it is (the runs themselves add nothing to it but the server's own
# start-up writes). Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
RUNS=${STARTUP_RUNS:-3}
PYTHON=/usr/bin/python3
DIR=${1:?usage: bench/startup_time.sh DATA_DIR}
[ -d "$DIR" ] || { echo "startup_time: no directory $DIR" >&2; exit 2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

echo "start-up of $AW_BINARY on $DIR ($(du -sh "$DIR" | cut -f1)); load average $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
for run in $(seq "$RUNS"); do
  port=$(free_port)
  start_ns=$(date +%s%N)
  (cd "$DIR" && exec env -u JWT_SECRET -u PORT -u AW_DATA_DIR AW_STORE=rocksdb "$AW_BINARY" serve \
     --port "$port" --data-dir "$DIR") >"$DIR.startup.log" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/api/health" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "the server exited:" >&2; tail -20 "$DIR.startup.log" >&2; exit 1; }
    sleep 0.01
  done
  ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  times+=("$ms")
  echo "run $run: listening after $ms ms (RSS $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status") KiB)"
  stop_pid "$pid" alertwhisperer 30 >/dev/null
done
printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print "median: " a[int((NR + 1) / 2)] " ms" }'
