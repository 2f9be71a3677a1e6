-- wrk script for bench/intake_bench.sh: one alert per request, every request distinct.
--
-- Usage: wrk ... <url> -- <mode> <run-id> [api-key]
--   mode "aw": POST /api/webhooks/alerts (Alert Whisperer native body, X-API-Key header)
--   mode "am": POST /api/v2/alerts (Prometheus Alertmanager, a JSON array of one alert)
--   mode "aw10": POST /api/webhooks/alertmanager (Alert Whisperer, Alertmanager's webhook
--     payload version 4 with BENCH_GROUP alerts per request, default 10; X-API-Key header)
-- done() prints one parseable line:
--   BENCH_RESULT requests=N duration_us=N rps=F p50_us=N p99_us=N non2xx=N socket_errors=N

local mode, run_id, api_key = "aw", "0", ""
local thread_id = 0
local counter = 0
local next_thread_id = 0

-- Runs in the main Lua state once per thread, before the threads start.
function setup(thread)
  next_thread_id = next_thread_id + 1
  thread:set("thread_id", next_thread_id)
end

-- BENCH_SIGNED_FILE: pre-signed requests (bench/sign_requests.py), for the
-- run with webhook signing on; wrk's Lua has no HMAC of its own.
local signed = nil
local function load_signed()
  local path = os.getenv("BENCH_SIGNED_FILE")
  if path == nil or path == "" then return end
  signed = {}
  for line in io.lines(path) do
    local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
    if ts then signed[#signed + 1] = { ts, sig, body } end
  end
end

function init(args)
  mode = args[1] or "aw"
  run_id = args[2] or "0"
  api_key = args[3] or ""
  if mode == "aw" then
    load_signed()
    wrk.method = "POST"
    wrk.path = "/api/webhooks/alerts"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["X-API-Key"] = api_key
  elseif mode == "aw10" then
    wrk.method = "POST"
    wrk.path = "/api/webhooks/alertmanager"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["X-API-Key"] = api_key
  elseif mode == "am" then
    wrk.method = "POST"
    wrk.path = "/api/v2/alerts"
    wrk.headers["Content-Type"] = "application/json"
  else
    error("intake.lua: unknown mode " .. mode)
  end
end

local severities = { "critical", "high", "medium", "low" }
local hosts = tonumber(os.getenv("BENCH_HOSTS") or "1000")
local group = tonumber(os.getenv("BENCH_GROUP") or "10")

-- Alertmanager's webhook body (payload version 4) with `group` firing alerts,
-- each a distinct occurrence (fingerprint + startsAt), as a grouped
-- notification of a busy Alertmanager.
local function alertmanager_group(tag)
  local alerts = {}
  for i = 1, group do
    local host = string.format("host-%d", (counter * 7919 + i * 131 + thread_id * 104729) % hosts)
    alerts[i] = string.format(
      '{"status":"firing","labels":{"alertname":"bench_sig_%d","instance":"%s","job":"node",' ..
      '"severity":"%s"},"annotations":{"summary":"bench alert %s-%d"},' ..
      '"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z",' ..
      '"generatorURL":"http://prometheus:9090/graph","fingerprint":"%s-%d"}',
      (counter + i) % 50, host, severities[(counter + i) % 4 + 1], tag, i, tag, i)
  end
  return '{"receiver":"aw","status":"firing","alerts":[' .. table.concat(alerts, ",") ..
    '],"groupLabels":{},"commonLabels":{"job":"node"},"commonAnnotations":{},' ..
    '"externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{}","truncatedAlerts":0}'
end

function request()
  counter = counter + 1
  if signed ~= nil and #signed > 0 then
    -- Threads start at different offsets; after the end of the file the
    -- requests repeat (and count as repeats on the server).
    local r = signed[((counter + thread_id * 100003) % #signed) + 1]
    return wrk.format(nil, nil, { ["Content-Type"] = "application/json", ["X-API-Key"] = api_key,
                                  ["X-Timestamp"] = r[1], ["X-Signature"] = r[2] }, r[3])
  end
  local tag = string.format("r%s-t%d-n%d", run_id, thread_id, counter)
  local body
  -- Hosts: a fleet of BENCH_HOSTS machines (default 1000) shared by both
  -- servers, so alerts repeat per host and signature as in real traffic;
  -- every message is distinct, so nothing is a repeat.
  local host = string.format("host-%d", (counter * 7919 + thread_id * 104729) % hosts)
  local sig = counter % 50
  if mode == "aw10" then
    body = alertmanager_group(tag)
  elseif mode == "aw" then
    body = string.format(
      '{"asset_name":"%s","signature":"bench_sig_%d","severity":"%s",' ..
      '"message":"bench alert %s","tool_source":"wrk"}',
      host, sig, severities[counter % 4 + 1], tag)
  else
    body = string.format(
      '[{"labels":{"alertname":"bench_sig_%d","instance":"%s","severity":"%s"},' ..
      '"annotations":{"summary":"bench alert %s"}}]',
      sig, host, severities[counter % 4 + 1], tag)
  end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  -- wrk counts responses with status > 399 in errors.status; nothing here answers 1xx/3xx.
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d non2xx=%d " ..
    "socket_errors=%d\n",
    summary.requests, summary.duration, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
