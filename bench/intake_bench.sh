#!/usr/bin/env bash
# Intake benchmark: single-alert webhook POSTs per second into Alert Whisperer, compared with
# Prometheus Alertmanager taking the same load on /api/v2/alerts; a second line: Alertmanager's
# webhook payload with BENCH_GROUP (10) alerts per POST to /api/webhooks/alertmanager. See
# bench/README.md.
#
# AW_BASELINE=<binary>: a second Alert Whisperer (e.g. the previous commit's) runs beside the
# first, in the same rounds, for before/after figures from one invocation.
# Every line also prints CPU per alert: the server's utime + stime (/proc/<pid>/stat) over the
# run divided by the alerts it accepted, a figure the machine's drift blurs far less than rates.
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
  if [ -n "${AW_PIDS[awb]:-}" ]; then stop_pid "${AW_PIDS[awb]}" "alertwhisperer (baseline)"; AW_PIDS[awb]=""; fi
  stop_pid "$AM_PID" "alertmanager"; AM_PID=""
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Alert Whisperer (and the baseline) -------------------------------------------------
AW_BASELINE=${AW_BASELINE:-}
[ -z "$AW_BASELINE" ] || command -v "$AW_BASELINE" >/dev/null \
  || { echo "intake_bench: AW_BASELINE $AW_BASELINE not found" >&2; exit 2; }
declare -A AW_URLS AW_KEYS AW_PIDS AW_TOKENS
# start_aw NAME BINARY: a fresh demo store, Acme's key read back, Acme's rate limit lifted.
start_aw() {
  local name=$1 binary=$2 port url token key
  mkdir -p "$WORK/$name-data"
  port=$(free_port)
  (cd "$WORK/$name-data" && exec env -u JWT_SECRET -u PORT -u AW_DATA_DIR -u AW_STORE AW_DEMO=true \
     "$binary" serve --port "$port" --data-dir "$WORK/$name-data") >"$WORK/$name.log" 2>&1 &
  AW_PIDS[$name]=$!
  url="http://127.0.0.1:$port"
  wait_http "$url/api/health" "${AW_PIDS[$name]}" "$name" "$WORK/$name.log"
  token=$(curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"email":"admin@alertwhisperer.com","password":"admin123"}' "$url/api/auth/login" \
    | json_field access_token)
  key=$(curl -fsS -H "Authorization: Bearer $token" "$url/api/companies/comp-acme" | json_field api_key)
  # The per-company rate limit (default 6000/min) would turn the load into 429s: lift it for Acme.
  curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"enabled":false}' "$url/api/companies/comp-acme/rate-limit" \
    || echo "WARNING: could not disable Acme's rate limit on $name; expect 429s" >&2
  curl -fsS -o /dev/null -X POST -H "X-API-Key: $key" -H 'Content-Type: application/json' \
    -d '{"asset_name":"bench-probe","signature":"probe","severity":"low","message":"probe"}' \
    "$url/api/webhooks/alerts" || { echo "$name's webhook refused the probe alert" >&2; exit 1; }
  AW_URLS[$name]=$url AW_KEYS[$name]=$key AW_TOKENS[$name]=$token
}
start_aw aw "$AW_BINARY"
AW_PID=${AW_PIDS[aw]} AW_URL=${AW_URLS[aw]} TOKEN=${AW_TOKENS[aw]} API_KEY=${AW_KEYS[aw]}
[ -z "$AW_BASELINE" ] || start_aw awb "$AW_BASELINE"
# BENCH_HMAC=1: webhook signing on for Acme; every request is signed (pre-signed per run).
if [ "${BENCH_HMAC:-0}" = "1" ]; then
  [ -z "$AW_BASELINE" ] || { echo "intake_bench: BENCH_HMAC=1 with AW_BASELINE is not supported" >&2; exit 2; }
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
run_wrk() {  # run_wrk SIDE URL DURATION RUN_ID PID [KEY] -> "SIDE run BENCH_RESULT ... cpu_ticks=N"
  local side=$1 url=$2 duration=$3 run=$4 pid=$5 key=${6:-} out t0
  if [ "$side" = aw ] && [ "${BENCH_HMAC:-0}" = "1" ]; then
    /usr/bin/python3 "$(dirname "$LUA")/sign_requests.py" "$HMAC_SECRET" "${BENCH_SIGNED_COUNT:-300000}" \
      "$WORK/signed.txt" "$run"
    export BENCH_SIGNED_FILE="$WORK/signed.txt"
  else
    unset BENCH_SIGNED_FILE
  fi
  t0=$(cpu_ticks "$pid")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" -s "$LUA" "$url" -- "${side/awb/aw}" "$run" "$key") \
    || { echo "wrk failed against $side:" >&2; echo "$out" >&2; exit 1; }
  local line
  line=$(grep '^BENCH_RESULT ' <<<"$out") || { echo "no result from wrk:" >&2; echo "$out" >&2; exit 1; }
  echo "$side $run $line cpu_ticks=$(( $(cpu_ticks "$pid") - t0 ))"
}

echo "Intake benchmark: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $RUNS runs per side, alternating"
# The sides of one round, in order: AW, [baseline], AM, AW x10, [baseline x10].
SIDES="aw${AW_BASELINE:+ awb} am aw10${AW_BASELINE:+ awb10}"
run_side() {  # run_side SIDE DURATION RUN_ID
  local side=$1 name
  if [ "$side" = am ]; then run_wrk am "$AM_URL" "$2" "$3" "$AM_PID"; return; fi
  name=${side%10}
  run_wrk "$side" "${AW_URLS[$name]}" "$2" "$3" "${AW_PIDS[$name]}" "${AW_KEYS[$name]}"
}
if [ "$WARMUP" != "0" ]; then
  for side in $SIDES; do run_side "$side" "$WARMUP" w >/dev/null; done
fi
RESULTS="$WORK/results.txt"
: >"$RESULTS"
for run in $(seq "$RUNS"); do
  for side in $SIDES; do run_side "$side" "$DURATION" "$run" | tee -a "$RESULTS"; done
done
for name in "${!AW_PIDS[@]}"; do
  kill -0 "${AW_PIDS[$name]}" 2>/dev/null \
    || { echo "$name died under load" >&2; tail -20 "$WORK/$name.log" >&2; exit 1; }
done
AW_RSS=$(peak_rss_kib "$AW_PID")
AWB_RSS=0
[ -z "$AW_BASELINE" ] || AWB_RSS=$(peak_rss_kib "${AW_PIDS[awb]}")
if grep -q '^aw .* non2xx=[1-9]' "$RESULTS"; then
  echo "a webhook POST after the load answered:" \
    "$(curl -sS -X POST -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
       -d '{"asset_name":"bench-probe2","signature":"probe","severity":"low","message":"probe 2"}' \
       -w ' (HTTP %{http_code})' "$AW_URL/api/webhooks/alerts")"
fi
AM_RSS=$(peak_rss_kib "$AM_PID")
# How the store wrote it: alerts per atomic unit, transactions and fsyncs since start.
STATS=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$AW_URL/api/admin/store-stats" || echo '{}')
echo "alertwhisperer store-stats after the runs: $STATS"

"$PYTHON" - "$RESULTS" "$AW_RSS" "$AM_RSS" "$AM_VERSION" "${BENCH_GROUP:-10}" "$AWB_RSS" "$(getconf CLK_TCK)" <<'PY'
import statistics, sys
path, aw_rss, am_rss, am_version = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
group, awb_rss, hz = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
runs = {}
for line in open(path):
    side, _run, _tag, *fields = line.split()
    runs.setdefault(side, []).append({k: float(v) for k, v in (f.split("=") for f in fields)})

def summary(rs, per_request):
    med = lambda k: statistics.median(r[k] for r in rs)
    ok = statistics.median((r["requests"] - r["non2xx"]) * 1e6 / r["duration_us"] for r in rs)
    # CPU per accepted alert: the server's CPU time in the run over the alerts it took.
    cpu = statistics.median(r["cpu_ticks"] * 1e6 / hz / max(1.0, (r["requests"] - r["non2xx"]) * per_request)
                            for r in rs)
    return {"rps": med("rps") * per_request, "ok": ok * per_request, "p50": med("p50_us") / 1000,
            "p99": med("p99_us") / 1000, "non2xx": int(sum(r["non2xx"] for r in rs)),
            "sockerr": int(sum(r["socket_errors"] for r in rs)),
            "requests": int(sum(r["requests"] for r in rs)), "cpu": cpu}

rows = [("Alert Whisperer", "aw", 1), ("AW baseline", "awb", 1), (f"Alertmanager {am_version}", "am", 1),
        (f"AW, Alertmanager webhook x{group}", "aw10", group),
        (f"AW baseline, AM webhook x{group}", "awb10", group)]
s = {side: summary(runs[side], n) for _name, side, n in rows if side in runs}
print()
print(f"{'(medians of ' + str(len(runs['aw'])) + ' runs)':32} {'alerts/s':>10} {'2xx/s':>10} {'p50 ms':>8} "
      f"{'p99 ms':>8} {'non-2xx':>8} {'sock-err':>8} {'requests':>9} {'CPU µs/alert':>13}")
for name, side, n in rows:
    if side not in s:
        continue
    r = s[side]
    print(f"{name:32} {r['rps']:10.0f} {r['ok']:10.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['non2xx']:8d} "
          f"{r['sockerr']:8d} {r['requests']:9d} {r['cpu']:13.1f}")
aw, am = s["aw"], s["am"]
print(f"ratio AW/AM (alerts/s): {aw['rps'] / am['rps']:.2f}; "
      f"accepted only (2xx/s): {aw['ok'] / am['ok']:.2f}; CPU per alert AW/AM: {aw['cpu'] / am['cpu']:.2f}"
      if am["ok"] else "")
if "awb" in s:
    b = s["awb"]
    print(f"AW / baseline: alerts/s {aw['rps'] / b['rps']:.2f}, CPU per alert {aw['cpu'] / b['cpu']:.2f}"
          + (f"; x{group} alerts/s {s['aw10']['rps'] / s['awb10']['rps']:.2f}" if "awb10" in s else ""))
print(f"peak RSS (VmHWM): Alert Whisperer {aw_rss / 1024:.1f} MiB"
      + (f", baseline {awb_rss / 1024:.1f} MiB" if awb_rss else "")
      + f", Alertmanager {am_rss / 1024:.1f} MiB")
if any(s[k]["non2xx"] or s[k]["sockerr"] for k in s if k != "am"):
    print("WARNING: Alert Whisperer answered non-2xx or dropped connections; "
          "its alerts/s includes failed requests.")
PY
