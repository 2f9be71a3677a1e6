#!/usr/bin/env bash
# Cross-company queue benchmark: API latency of the MSP admin's lists of every company
# (GET /api/incidents?limit=50, sort=time and sort=priority, and GET /api/alerts?limit=50) with
# QUEUE_INCIDENTS open incidents spread over QUEUE_COMPANIES companies on the embedded store.
# See docs/PERFORMANCE.md ("Cross-company queue").
#
# A fresh data dir, seeded (`alertwhisperer seed`) and filled (`aw_fill --companies`: one alert per
# incident, so as many alerts as incidents), a server on a free 127.0.0.1 port with its workers
# quiet (AW_WORKER_INTERVAL_SECONDS=3600: the SLA and escalation workers would otherwise sweep
# every company during the measurement). Then, per list, one client on one keep-alive connection:
# QUEUE_FIRST requests of the first page, and QUEUE_WALK pages followed by their cursors ("later
# pages"); p50 / p99 / max of each, plus the store Queries per page (GET /api/admin/store-stats).
#
# Settings (environment): QUEUE_COMPANIES (1000), QUEUE_INCIDENTS (100000), QUEUE_FIRST (200),
# QUEUE_WALK (200), AW_BINARY (build/alertwhisperer), AW_FILL (build/aw_fill), BENCH_KEEP=1 keeps
# the temp dir. Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
AW_FILL=${AW_FILL:-$ROOT/build/aw_fill}
COMPANIES=${QUEUE_COMPANIES:-1000}
INCIDENTS=${QUEUE_INCIDENTS:-100000}
FIRST=${QUEUE_FIRST:-200}
WALK=${QUEUE_WALK:-200}
PYTHON=${PYTHON:-/usr/bin/python3}
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

for tool in curl "$PYTHON" "$AW_BINARY" "$AW_FILL"; do
  command -v "$tool" >/dev/null || { echo "queue_bench: $tool not found (make build?)" >&2; exit 2; }
done
for v in "$COMPANIES" "$INCIDENTS" "$FIRST" "$WALK"; do
  [[ $v =~ ^[0-9]+$ ]] || { echo "queue_bench: settings must be whole numbers, got '$v'" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-queue.XXXXXX")
AW_PID=""
cleanup() {
  stop_pid "$AW_PID" "alertwhisperer" 20
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATA="$WORK/data"
mkdir -p "$DATA"
export AW_STORE=rocksdb AW_DEMO=true
"$AW_BINARY" seed --data-dir "$DATA" >"$WORK/seed.log" 2>&1
start=$(date +%s)
"$AW_FILL" --data-dir "$DATA" --companies "$COMPANIES" --alerts "$INCIDENTS" --open-incidents "$INCIDENTS" \
  --hosts "$COMPANIES" --span-hours 48 >"$WORK/fill.log" 2>&1 || { tail -20 "$WORK/fill.log" >&2; exit 1; }
echo "filled $INCIDENTS open incidents and alerts over $COMPANIES companies in $(( $(date +%s) - start )) s"

PORT=$(free_port)
start=$(date +%s)
AW_WORKER_INTERVAL_SECONDS=3600 PORT=$PORT "$AW_BINARY" serve --data-dir "$DATA" >"$WORK/server.log" 2>&1 &
AW_PID=$!
wait_http "http://127.0.0.1:$PORT/api/health" "$AW_PID" alertwhisperer "$WORK/server.log" 600
echo "server ready in $(( $(date +%s) - start )) s (includes the first start's list-index back-fill scan)"

"$PYTHON" - "$PORT" "$FIRST" "$WALK" <<'PY'
import http.client, json, statistics, sys, time
port, first, walk = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, r.getheader("X-Next-Cursor"), data

st, _, data = call("POST", "/api/auth/login", {"email": "admin@alertwhisperer.com", "password": "admin123"})
assert st == 200, data
token = json.loads(data)["access_token"]

def queries():
    st, _, data = call("GET", "/api/admin/store-stats", token=token)
    return json.loads(data)["rocksdb"]["queries"]

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

from urllib.parse import quote
print(f"{'list':38} {'pages':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'Queries/page':>13} {'cursor B':>9}")
for name, path in (("incidents, sort=time", "/api/incidents?limit=50"),
                   ("incidents, sort=priority", "/api/incidents?limit=50&sort=priority"),
                   ("incidents, sort=priority, status=new", "/api/incidents?limit=50&sort=priority&status=new"),
                   ("alerts", "/api/alerts?limit=50")):
    for phase in ("first page", "later pages"):
        lat, qs, cursor_len = [], [], 0
        cursor = None
        if phase == "later pages":  # start from the first page's cursor (not timed)
            _, cursor, _ = call("GET", path, token=token)
            cursor_len = len(cursor or "")
        n = first if phase == "first page" else walk
        for i in range(n):
            url = path
            if phase == "later pages" and not cursor:
                break
            if phase == "later pages":
                url += "&cursor=" + quote(cursor)
            q0 = queries()
            t0 = time.perf_counter()
            st, nxt, data = call("GET", url, token=token)
            lat.append((time.perf_counter() - t0) * 1000)
            qs.append(queries() - q0)
            assert st == 200, data
            if phase == "later pages":
                cursor = nxt
                cursor_len = max(cursor_len, len(nxt or ""))
        if not lat:
            continue
        print(f"{name + ', ' + phase:38} {len(lat):>5} {pct(lat, 50):>8.1f} {pct(lat, 99):>8.1f} {max(lat):>8.1f} "
              f"{statistics.mean(qs):>13.1f} {cursor_len:>9}")
PY
