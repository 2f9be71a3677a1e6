# Shell helpers shared by the benchmark scripts (sourced, not run). Needs $PYTHON.

# stop_pid PID NAME [SECONDS]: SIGTERM, up to SECONDS (10), then SIGKILL; prints the exit code.
stop_pid() {
  local pid=$1 name=$2 secs=${3:-10} code
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((secs * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name did not stop within $secs s after SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  code=0; wait "$pid" 2>/dev/null || code=$?
  echo "$name exit code after SIGTERM: $code"
}

free_port() {
  "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL PID NAME LOG [SECONDS]: until URL answers 2xx (up to SECONDS, 20); exits the
# script with the log's tail when the process dies or never answers.
wait_http() {
  local secs=${5:-20}
  for _ in $(seq $((secs * 10))); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 exited during start-up:" >&2; tail -20 "$4" >&2; exit 1; }
    sleep 0.1
  done
  echo "$3 not ready after $secs s:" >&2; tail -20 "$4" >&2; exit 1
}

json_field() { "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# demo_admin_token URL: signs in as the demo MSP admin of a server started with AW_DEMO=true and
# prints the access token.
demo_admin_token() {
  curl -fsS -X POST -H 'Content-Type: application/json' \
    -d '{"email":"admin@alertwhisperer.com","password":"admin123"}' "$1/api/auth/login" | json_field access_token
}

# acme_webhook_key URL TOKEN: prints Acme's API key after lifting its webhook rate limit (the
# default, 6,000 a minute, would answer most of a benchmark's load with 429).
acme_webhook_key() {
  curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    -d '{"enabled":false}' "$1/api/companies/comp-acme/rate-limit"
  curl -fsS -H "Authorization: Bearer $2" "$1/api/companies/comp-acme" | json_field api_key
}

# cpu_ticks PID: utime + stime of the process so far, in clock ticks (fields 14 and 15 of
# /proc/PID/stat; getconf CLK_TCK per second). The difference over a run divided by the alerts the
# server took there is its CPU per alert, the figure a busy shared machine blurs least.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# rss_kib PID: the resident set now (VmRSS); peak_rss_kib PID: its peak so far (VmHWM).
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
peak_rss_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
