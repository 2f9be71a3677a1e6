#!/usr/bin/env bash
# Scale benchmark: webhook intake rate (one alert per POST) with 0, 100k, 1M alerts and 10k open
# incidents already stored, to show that the cost per alert does not grow with the store.
# See bench/README.md ("Scale benchmark").
#
# For each size: a fresh data dir, seeded (`alertwhisperer seed`) and filled (`aw_fill`), a server
# on a free 127.0.0.1 port, Acme's rate limit lifted, optionally HMAC signing on. Then the load of
# bench/intake_bench.sh (wrk + bench/intake.lua): a warm-up per server and BENCH_RUNS measured
# rounds, each round one run per size in turn, so that drift of the machine hits every size alike.
#
# Settings (environment): SCALE_SIZES ("0 100000 1000000" stored alerts), SCALE_OPEN_INCIDENTS
# (10000, for non-zero sizes, at most the size), SCALE_HMAC (0; 1 signs every request),
# SCALE_FILL_TIMEOUT (5400 s per fill), AW_BINARY (build/alertwhisperer), AW_FILL (build/aw_fill),
# BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_THREADS (1), BENCH_RUNS (3), BENCH_WARMUP
# (2s, 0 = none), BENCH_KEEP=1 keeps the temp dir. Traffic stays on 127.0.0.1.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AW_BINARY=${AW_BINARY:-$ROOT/build/alertwhisperer}
AW_FILL=${AW_FILL:-$ROOT/build/aw_fill}
SIZES=${SCALE_SIZES:-0 100000 1000000}
OPEN_INCIDENTS=${SCALE_OPEN_INCIDENTS:-10000}
HMAC=${SCALE_HMAC:-0}
FILL_TIMEOUT=${SCALE_FILL_TIMEOUT:-5400}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-1}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-2s}
PYTHON=${PYTHON:-/usr/bin/python3}
LUA="$ROOT/bench/intake.lua"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

for tool in wrk curl timeout "$PYTHON" "$AW_BINARY" "$AW_FILL"; do
  command -v "$tool" >/dev/null || { echo "scale_bench: $tool not found (make build?)" >&2; exit 2; }
done
for n in $SIZES; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "scale_bench: SCALE_SIZES must hold whole numbers, got '$n'" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/aw-scale.XXXXXX")
declare -a AW_PIDS  # one server per size
BG_PID=""  # a seed or fill in progress

stop_servers() {
  local i
  for i in "${!AW_PIDS[@]}"; do stop_pid "${AW_PIDS[i]}" "alertwhisperer ($i)" 20; done
  AW_PIDS=()
}

cleanup() {
  stop_pid "$BG_PID" "background job" 20; BG_PID=""
  stop_servers
  if [ "${BENCH_KEEP:-0}" = "1" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_bg() {  # run_bg LOG CMD...: runs in the background and waits, so INT/TERM reach the trap at once
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  BG_PID=$!
  local code=0
  wait "$BG_PID" || code=$?
  BG_PID=""
  return "$code"
}

db_bytes() {  # the RocksDB store: its SST files, WAL and manifests
  if [ -d "$1/rocksdb" ]; then du -sb "$1/rocksdb" | cut -f1; else echo 0; fi
}

seconds_of() {  # wrk duration (10, 10s, 2m, 1h) -> seconds
  local d=$1
  case $d in
    *h) echo $(( ${d%h} * 3600 )) ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}

sign() {  # sign SECRET TIMESTAMP BODY -> hex HMAC-SHA256 of "<timestamp>.<body>"
  "$PYTHON" -c 'import hashlib,hmac,sys
print(hmac.new(sys.argv[1].encode(), (sys.argv[2] + "." + sys.argv[3]).encode(), hashlib.sha256).hexdigest())' "$@"
}

# With SCALE_HMAC=1 wrk runs this wrapper: bench/intake.lua unchanged, plus X-Timestamp and
# X-Signature on every request. wrk's LuaJIT has no HMAC of its own; its FFI calls OpenSSL's
# libcrypto (the server's own dependency), which costs the load generator about a microsecond.
SCRIPT="$LUA"
if [ "$HMAC" = "1" ]; then
  SCRIPT="$WORK/intake_signed.lua"
  cat >"$SCRIPT" <<'LUA'
dofile(os.getenv("SCALE_INTAKE_LUA"))
local ffi = require("ffi")
ffi.cdef [[
typedef struct evp_md_st EVP_MD;
const EVP_MD *EVP_sha256(void);
unsigned char *HMAC(const EVP_MD *evp_md, const char *key, int key_len, const char *d, size_t n,
                    unsigned char *md, unsigned int *md_len);
]]
local crypto = ffi.load("libcrypto.so.3")
local secret = os.getenv("SCALE_HMAC_SECRET") or ""
local md = ffi.new("unsigned char[32]")
local md_len = ffi.new("unsigned int[1]")
local hex = {}
local plain_format = wrk.format
wrk.format = function(method, path, headers, body)
  if body and secret ~= "" then
    local ts = tostring(os.time())
    local msg = ts .. "." .. body
    if crypto.HMAC(crypto.EVP_sha256(), secret, #secret, msg, #msg, md, md_len) == nil then
      error("intake_signed.lua: HMAC failed")
    end
    for i = 0, 31 do hex[i + 1] = string.format("%02x", md[i]) end
    wrk.headers["X-Timestamp"] = ts
    wrk.headers["X-Signature"] = "sha256=" .. table.concat(hex)
  end
  return plain_format(method, path, headers, body)
end
LUA
fi

WRK_TIMEOUT=$(( $(seconds_of "$DURATION") + 60 ))
run_wrk() {  # run_wrk URL DURATION RUN_ID KEY SECRET PID -> the BENCH_RESULT line + cpu_ticks=N
  local out line t0
  t0=$(cpu_ticks "$6")
  # BENCH_SIGNED_FILE (intake_bench.sh's pre-signed requests) stays off: this script signs live.
  out=$(BENCH_SIGNED_FILE= SCALE_INTAKE_LUA="$LUA" SCALE_HMAC_SECRET="$5" timeout -k 5 "$WRK_TIMEOUT" \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" -s "$SCRIPT" "$1" -- aw "$3" "$4") \
    || { echo "wrk failed:" >&2; echo "$out" >&2; exit 1; }
  line=$(grep '^BENCH_RESULT ' <<<"$out") || { echo "no result from wrk:" >&2; echo "$out" >&2; exit 1; }
  echo "$line cpu_ticks=$(( $(cpu_ticks "$6") - t0 ))"
}

RESULTS="$WORK/results.txt"
: >"$RESULTS"
echo "Scale benchmark: sizes [$SIZES], $OPEN_INCIDENTS open incidents, wrk -t$THREADS -c$CONNECTIONS" \
     "-d$DURATION, $RUNS runs per size, HMAC $([ "$HMAC" = 1 ] && echo on || echo off)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# aw_fill writes RocksDB. The SLA and escalation workers stay quiet (as in queue_bench.sh): the
# filled stores' 10k open incidents are hours old and unacknowledged, and sweeping them (notices,
# escalations) would be counted in the servers' CPU per alert and compete with the load.
awenv=(env -u JWT_SECRET -u PORT -u AW_DATA_DIR -u AW_ROCKSDB_UNSAFE_NO_FSYNC AW_STORE=rocksdb AW_DEMO=true
       AW_WORKER_INTERVAL_SECONDS="${SCALE_WORKER_INTERVAL:-3600}")
# --- prepare every store and start its server ----------------------------------------------
declare -a S_SIZE S_INC S_FILL S_DB S_DIR S_URL S_KEY S_SECRET
i=0
for size in $SIZES; do
  incidents=0
  [ "$size" -gt 0 ] && incidents=$(( OPEN_INCIDENTS < size ? OPEN_INCIDENTS : size ))
  dir="$WORK/store-$i"
  mkdir -p "$dir"
  echo
  echo "== store $i: $size stored alerts, $incidents open incidents"
  run_bg "$dir.seed.log" timeout -k 10 120 "${awenv[@]}" "$AW_BINARY" seed --data-dir "$dir" \
    || { echo "seeding failed:" >&2; tail -20 "$dir.seed.log" >&2; exit 1; }
  fill_s=0
  if [ "$size" -gt 0 ]; then
    start_ns=$(date +%s%N)
    run_bg "$dir.fill.log" timeout -k 10 "$FILL_TIMEOUT" "$AW_FILL" --data-dir "$dir" --alerts "$size" \
      --open-incidents "$incidents" \
      || { code=$?
           if [ "$code" = 124 ] || [ "$code" = 137 ]; then
             echo "aw_fill timed out after $FILL_TIMEOUT s (SCALE_FILL_TIMEOUT); on a busy machine 1M alerts can take an hour:" >&2
           else
             echo "aw_fill failed (exit code $code):" >&2
           fi
           tail -20 "$dir.fill.log" >&2; exit 1; }
    fill_s=$(awk -v ns="$(( $(date +%s%N) - start_ns ))" 'BEGIN { printf "%.1f", ns / 1e9 }')
    echo "filled in $fill_s s"
  fi
  S_SIZE[i]=$size S_INC[i]=$incidents S_FILL[i]=$fill_s S_DB[i]=$(db_bytes "$dir") S_DIR[i]=$dir

  port=$(free_port)
  (cd "$dir" && exec "${awenv[@]}" "$AW_BINARY" serve --port "$port" --data-dir "$dir") \
    >"$dir.server.log" 2>&1 &
  AW_PIDS[i]=$!
  url="http://127.0.0.1:$port"
  wait_http "$url/api/health" "${AW_PIDS[i]}" alertwhisperer "$dir.server.log" 60
  token=$(curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"email":"admin@alertwhisperer.com","password":"admin123"}' "$url/api/auth/login" \
    | json_field access_token)
  auth=(-H "Authorization: Bearer $token")
  api_key=$(curl -fsS "${auth[@]}" "$url/api/companies/comp-acme" | json_field api_key)
  curl -fsS -o /dev/null -X PUT "${auth[@]}" -H 'Content-Type: application/json' \
    -d '{"enabled":false}' "$url/api/companies/comp-acme/rate-limit" \
    || echo "WARNING: could not disable Acme's rate limit; expect 429s" >&2
  secret=""
  if [ "$HMAC" = "1" ]; then
    secret=$(curl -fsS -X POST "${auth[@]}" "$url/api/companies/comp-acme/webhook-security/enable" \
      | json_field hmac_secret)
  fi
  probe='{"asset_name":"bench-probe","signature":"probe","severity":"low","message":"probe"}'
  sig_headers=()
  if [ -n "$secret" ]; then
    ts=$(date +%s)
    sig_headers=(-H "X-Timestamp: $ts" -H "X-Signature: sha256=$(sign "$secret" "$ts" "$probe")")
  fi
  curl -fsS -o /dev/null -X POST -H "X-API-Key: $api_key" -H 'Content-Type: application/json' \
    "${sig_headers[@]}" -d "$probe" "$url/api/webhooks/alerts" \
    || { echo "the webhook refused the probe alert" >&2; tail -5 "$dir.server.log" >&2; exit 1; }
  S_URL[i]=$url S_KEY[i]=$api_key S_SECRET[i]=$secret
  i=$((i + 1))
done
COUNT=$i

# --- load: one run per store in turn, so drift of the shared machine hits every size alike --
echo
if [ "$WARMUP" != "0" ]; then
  for i in $(seq 0 $((COUNT - 1))); do
    run_wrk "${S_URL[i]}" "$WARMUP" "s$i-w" "${S_KEY[i]}" "${S_SECRET[i]}" "${AW_PIDS[i]}" >/dev/null
  done
fi
for run in $(seq "$RUNS"); do
  for i in $(seq 0 $((COUNT - 1))); do
    line=$(run_wrk "${S_URL[i]}" "$DURATION" "s$i-$run" "${S_KEY[i]}" "${S_SECRET[i]}" "${AW_PIDS[i]}")
    echo "run $run, ${S_SIZE[i]} stored: ${line#BENCH_RESULT }"
    echo "${S_SIZE[i]} ${S_INC[i]} ${S_FILL[i]} ${S_DB[i]} $line" >>"$RESULTS"
  done
done
for i in $(seq 0 $((COUNT - 1))); do
  pid=${AW_PIDS[i]}
  kill -0 "$pid" 2>/dev/null \
    || { echo "alertwhisperer died under load" >&2; tail -20 "${S_DIR[i]}.server.log" >&2; exit 1; }
  echo "${S_SIZE[i]} rss=$(peak_rss_kib "$pid") rss_now=$(rss_kib "$pid") db_after=$(db_bytes "${S_DIR[i]}")" >>"$WORK/after.txt"
done
stop_servers
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PYTHON" - "$RESULTS" "$WORK/after.txt" "$RUNS" "$(getconf CLK_TCK)" <<'PY'
import statistics, sys
results, after_path, runs, hz = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sizes = {}
for line in open(results):
    size, inc, fill_s, db, _tag, *fields = line.split()
    s = sizes.setdefault(int(size), {"inc": int(inc), "fill": float(fill_s), "db": int(db), "runs": []})
    s["runs"].append({k: float(v) for k, v in (f.split("=") for f in fields)})
after = {}
for line in open(after_path):
    size, *kv = line.split()
    after[int(size)] = {k: int(v) for k, v in (f.split("=") for f in kv)}

print(f"(medians of {runs} runs)")
head = (f"{'stored alerts':>13} {'open inc':>8} {'fill s':>7} {'DB MiB':>7} {'alerts/s':>9} {'vs first':>8} "
        f"{'2xx/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7} {'sockerr':>7} {'CPU µs/alert':>12} {'vs first':>8} "
        f"{'DB after':>8} {'RSS MiB':>7} {'peak RSS':>8}")
print(head)
base = base_cpu = None
warn = False
for size in sorted(sizes):
    s = sizes[size]
    rs = s["runs"]
    med = lambda k: statistics.median(r[k] for r in rs)
    rps = med("rps")
    ok = statistics.median((r["requests"] - r["non2xx"]) * 1e6 / r["duration_us"] for r in rs)
    non2xx = int(sum(r["non2xx"] for r in rs))
    sockerr = int(sum(r["socket_errors"] for r in rs))
    warn = warn or non2xx or sockerr
    # CPU per accepted alert: the server's utime + stime over the run / the 2xx it answered.
    cpu = statistics.median(r["cpu_ticks"] * 1e6 / hz / max(1.0, r["requests"] - r["non2xx"]) for r in rs)
    base = base or rps
    base_cpu = base_cpu or cpu
    a = after.get(size, {})
    print(f"{size:13d} {s['inc']:8d} {s['fill']:7.1f} {s['db'] / 2**20:7.1f} {rps:9.0f} {rps / base * 100:7.0f}% "
          f"{ok:8.0f} {med('p50_us') / 1000:7.2f} {med('p99_us') / 1000:7.2f} {non2xx:7d} {sockerr:7d} "
          f"{cpu:12.1f} {cpu / base_cpu * 100:7.0f}% "
          f"{a.get('db_after', 0) / 2**20:8.1f} {a.get('rss_now', 0) / 1024:7.1f} {a.get('rss', 0) / 1024:8.1f}")
print("DB MiB: the RocksDB directory after seeding and filling, before the load; DB after: after the runs.")
print("CPU µs/alert: the server's utime + stime over each run / the alerts it accepted (median of runs);")
print("flat cost means alerts/s at least 90 % and CPU per alert at most 111 % (1/0.9) of the first size's.")
print("RSS MiB: VmRSS after the runs; peak RSS: VmHWM.")
if warn:
    print("WARNING: non-2xx answers or socket errors: alerts/s includes failed requests.")
PY
