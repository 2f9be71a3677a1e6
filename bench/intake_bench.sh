#!/usr/bin/env bash
# Intake benchmark: single-alert webhook POSTs per second into Alert Whisperer, compared with
# Prometheus Alertmanager taking the same load on /api/v2/alerts; a second line: Alertmanager's
# webhook payload with BENCH_GROUP (10) alerts per POST to /api/webhooks/alertmanager. See
# bench/README.md.
#
# Settings (environment): AW_BINARY (default build/alertwhisperer), AM_BINARY
# (/usr/bin/prometheus-alertmanager), BENCH_DURATION (10s), BENCH_CONNECTIONS (32),
# BENCH_THREADS (1), BENCH_RUNS (3, per side, alternating), BENCH_WARMUP (2s, 0 = none),
# BENCH_KEEP=1 keeps the temp dir (data, logs, raw results). Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
AM_BINARY=${AM_BINARY:-/usr/bin/prometheus-alertmanager}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-1}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-2s}
PYTHON=${PYTHON:-/usr/bin/python3}
LUA="$ROOT/bench/intake.lua"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

for tool in wrk curl "$PYTHON" "$AW_BINARY" "$AM_BINARY"; do
  command -v "$tool" >/dev/null || { echo "intake_bench: $tool not found" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-bench.XXXXXX")
AW_PID=""
AM_PID=""

cleanup() {
  stop_pid "$AW_PID" "alertwhisperer"; AW_PID=""
  stop_pid "$AM_PID" "alertmanager"; AM_PID=""
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Alert Whisperer --------------------------------------------------------------------
mkdir -p "$WORK/aw-data"
AW_PORT=$(free_port)
(cd "$WORK/aw-data" && exec env -u JWT_SECRET -u PORT -u AW_DATA_DIR -u AW_STORE AW_DEMO=true \
   "$AW_BINARY" serve --port "$AW_PORT" --data-dir "$WORK/aw-data") >"$WORK/aw.log" 2>&1 &
AW_PID=$!
AW_URL="http://127.0.0.1:$AW_PORT"
wait_http "$AW_URL/api/health" "$AW_PID" alertwhisperer "$WORK/aw.log"
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"email":"admin@alertwhisperer.com","password":"admin123"}' "$AW_URL/api/auth/login" \
  | json_field access_token)
API_KEY=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$AW_URL/api/companies/comp-acme" \
  | json_field api_key)
# The per-company rate limit (default 6000/min) would turn the load into 429s: lift it for Acme.
curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"enabled":false}' "$AW_URL/api/companies/comp-acme/rate-limit" \
  || echo "WARNING: could not disable Acme's rate limit; expect 429s" >&2
curl -fsS -o /dev/null -X POST -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
  -d '{"asset_name":"bench-probe","signature":"probe","severity":"low","message":"probe"}' \
  "$AW_URL/api/webhooks/alerts" || { echo "the webhook refused the probe alert" >&2; exit 1; }
# BENCH_HMAC=1: webhook signing on for Acme; every request is signed (pre-signed per run).
if [ "${BENCH_HMAC:-0}" = "1" ]; then
  HMAC_SECRET=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" \
    "$AW_URL/api/companies/comp-acme/webhook-security/enable" | json_field hmac_secret)
  echo "webhook signing enabled for the run (HMAC-SHA256, X-Signature/X-Timestamp)"
fi

# --- Prometheus Alertmanager ------------------------------------------------------------
mkdir -p "$WORK/am-data"
cat >"$WORK/alertmanager.yml" <<'YAML'
route:
  receiver: blackhole
receivers:
  - name: blackhole
YAML
AM_PORT=$(free_port)
"$AM_BINARY" --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am-data" \
  --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= --log.level=warn \
  >"$WORK/am.log" 2>&1 &
AM_PID=$!
AM_URL="http://127.0.0.1:$AM_PORT"
wait_http "$AM_URL/-/ready" "$AM_PID" alertmanager "$WORK/am.log"
AM_VERSION=$("$AM_BINARY" --version 2>&1 | awk 'NR==1 {print $3}')

# --- load ---------------------------------------------------------------------------------
run_wrk() {  # run_wrk SIDE URL DURATION RUN_ID [KEY] -> appends "SIDE run BENCH_RESULT ..."
  local side=$1 url=$2 duration=$3 run=$4 key=${5:-} out
  if [ "$side" = aw ] && [ "${BENCH_HMAC:-0}" = "1" ]; then
    /usr/bin/python3 "$(dirname "$LUA")/sign_requests.py" "$HMAC_SECRET" "${BENCH_SIGNED_COUNT:-300000}" \
      "$WORK/signed.txt" "$run"
    export BENCH_SIGNED_FILE="$WORK/signed.txt"
  else
    unset BENCH_SIGNED_FILE
  fi
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" -s "$LUA" "$url" -- "$side" "$run" "$key") \
    || { echo "wrk failed against $side:" >&2; echo "$out" >&2; exit 1; }
  local line
  line=$(grep '^BENCH_RESULT ' <<<"$out") || { echo "no result from wrk:" >&2; echo "$out" >&2; exit 1; }
  echo "$side $run $line"
}

echo "Intake benchmark: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs per side, alternating"
if [ "$WARMUP" != "0" ]; then
  run_wrk aw "$AW_URL" "$WARMUP" w "$API_KEY" >/dev/null
  run_wrk am "$AM_URL" "$WARMUP" w >/dev/null
  run_wrk aw10 "$AW_URL" "$WARMUP" w "$API_KEY" >/dev/null
fi
RESULTS="$WORK/results.txt"
: >"$RESULTS"
for run in $(seq "$RUNS"); do
  run_wrk aw "$AW_URL" "$DURATION" "$run" "$API_KEY" | tee -a "$RESULTS"
  run_wrk am "$AM_URL" "$DURATION" "$run" | tee -a "$RESULTS"
  run_wrk aw10 "$AW_URL" "$DURATION" "$run" "$API_KEY" | tee -a "$RESULTS"
done
kill -0 "$AW_PID" 2>/dev/null || { echo "alertwhisperer died under load" >&2; tail -20 "$WORK/aw.log" >&2; exit 1; }
AW_RSS=$(peak_rss_kib "$AW_PID")
if grep -q '^aw .* non2xx=[1-9]' "$RESULTS"; then
  echo "a webhook POST after the load answered:" \
    "$(curl -sS -X POST -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
       -d '{"asset_name":"bench-probe2","signature":"probe","severity":"low","message":"probe 2"}' \
       -w ' (HTTP %{http_code})' "$AW_URL/api/webhooks/alerts")"
fi
AM_RSS=$(peak_rss_kib "$AM_PID")
# How the store wrote it: alerts per atomic unit, SQLite transactions and fsyncs since start.
STATS=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$AW_URL/api/admin/store-stats" || echo '{}')
echo "alertwhisperer store-stats after the runs: $STATS"

"$PYTHON" - "$RESULTS" "$AW_RSS" "$AM_RSS" "$AM_VERSION" "${BENCH_GROUP:-10}" <<'PY'
import statistics, sys
path, aw_rss, am_rss, am_version = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
group = int(sys.argv[5])
runs = {"aw": [], "am": [], "aw10": []}
for line in open(path):
    side, _run, _tag, *fields = line.split()
    runs[side].append({k: float(v) for k, v in (f.split("=") for f in fields)})

def summary(rs):
    med = lambda k: statistics.median(r[k] for r in rs)
    ok = statistics.median((r["requests"] - r["non2xx"]) * 1e6 / r["duration_us"] for r in rs)
    return {"rps": med("rps"), "ok": ok, "p50": med("p50_us") / 1000, "p99": med("p99_us") / 1000,
            "non2xx": int(sum(r["non2xx"] for r in rs)),
            "sockerr": int(sum(r["socket_errors"] for r in rs)),
            "requests": int(sum(r["requests"] for r in rs))}

aw, am, aw10 = summary(runs["aw"]), summary(runs["am"]), summary(runs["aw10"])
print()
print(f"{'(medians of ' + str(len(runs['aw'])) + ' runs)':28} {'alerts/s':>10} {'2xx/s':>10} {'p50 ms':>8} "
      f"{'p99 ms':>8} {'non-2xx':>8} {'sock-err':>8} {'requests':>9}")
for name, s in (("Alert Whisperer", aw), (f"Alertmanager {am_version}", am)):
    print(f"{name:28} {s['rps']:10.0f} {s['ok']:10.0f} {s['p50']:8.2f} {s['p99']:8.2f} {s['non2xx']:8d} "
          f"{s['sockerr']:8d} {s['requests']:9d}")
# The grouped line: requests/s times the alerts in each request.
g = aw10
print(f"{'AW, Alertmanager webhook x' + str(group):28} {g['rps'] * group:10.0f} {g['ok'] * group:10.0f} "
      f"{g['p50']:8.2f} {g['p99']:8.2f} {g['non2xx']:8d} {g['sockerr']:8d} {g['requests']:9d}"
      f"   ({g['rps']:.0f} POSTs/s of {group} alerts)")
print(f"ratio AW/AM (alerts/s): {aw['rps'] / am['rps']:.2f}; "
      f"accepted only (2xx/s): {aw['ok'] / am['ok']:.2f}" if am["ok"] else "")
print(f"peak RSS (VmHWM): Alert Whisperer {aw_rss / 1024:.1f} MiB, "
      f"Alertmanager {am_rss / 1024:.1f} MiB")
if aw["non2xx"] or aw["sockerr"] or aw10["non2xx"] or aw10["sockerr"]:
    print("WARNING: Alert Whisperer answered non-2xx or dropped connections; "
          "its alerts/s includes failed requests.")
PY
