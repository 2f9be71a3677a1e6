"""GET /metrics (issue 16 part 11, docs/operations.md "Metrics"): the Prometheus text format,
without a token, only where AW_METRICS puts it (off by default, `on` on the API port, or
`<address>:<port>` on a listener of its own).

- alerts of each intake outcome (accepted, repeat, suppressed) and rejections of several
  causes (invalid key, invalid payload, rate limit) move exactly their counters, read back by
  parsing the exposition, which is checked for well-formedness (HELP/TYPE, label escaping,
  cumulative buckets ending in +Inf equal to _count);
- Debian's `prometheus` scrapes the server every second and a counter is read back through
  its query API (/api/v1/query). Missing prometheus is a failure, not a skip: `make test`
  installs it (scripts/install-deps.sh --test).
Runs on both stores. Bounded (< 30 s for the Prometheus part)."""

import os
import re
import shutil
import subprocess
import time

import pytest
import requests

from aw_harness import AW_BINARY, AW_TEST_STORE, AwServer, free_port, server_env
from helpers3 import new_company, unique
from noise_helpers import iso

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse(text):
    """{(name, ((label, value), ...)): float} after checking the format: every sample belongs to
    a family announced by HELP then TYPE; histograms are cumulative and end in +Inf = _count."""
    samples, types, current = {}, {}, None
    lines = text.split("\n")
    assert lines[-1] == "", "the exposition ends with a line feed"
    for line in lines[:-1]:
        if line.startswith("# HELP "):
            current = line.split(" ", 3)[2]
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name == current, f"TYPE {name} without its HELP"
            assert kind in ("counter", "gauge", "histogram"), line
            assert name not in types, f"family {name} announced twice"
            types[name] = kind
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, _, raw_labels, value = m.groups()
        family = re.sub(r"_(bucket|sum|count)$", "", name) if types.get(current) == "histogram" else name
        assert family == current, f"sample {name} outside its family {current}"
        labels = []
        if raw_labels:
            pos = 0
            for lm in LABEL.finditer(raw_labels):
                assert lm.start() == pos, f"bad labels in {line!r}"
                labels.append((lm.group(1), re.sub(r"\\(.)", lambda e: "\n" if e.group(1) == "n" else e.group(1),
                                                   lm.group(2))))
                pos = lm.end()
            assert pos == len(raw_labels), f"bad labels in {line!r}"
        key = (name, tuple(labels))
        assert key not in samples, f"duplicate series {line!r}"
        samples[key] = float(value)
    for name, kind in types.items():
        if kind != "histogram":
            continue
        series = {}
        for (n, labels), v in samples.items():
            if n == name + "_bucket":
                rest = tuple(kv for kv in labels if kv[0] != "le")
                le = dict(labels)["le"]
                series.setdefault(rest, []).append((float("inf") if le == "+Inf" else float(le), v))
        for rest, buckets in series.items():
            counts = [v for _, v in sorted(buckets)]
            assert counts == sorted(counts), f"{name}{rest}: buckets are not cumulative"
            assert sorted(buckets)[-1][0] == float("inf"), f"{name}{rest}: no +Inf bucket"
            assert samples[(name + "_count", rest)] == counts[-1], f"{name}{rest}: _count != +Inf"
            assert (name + "_sum", rest) in samples
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(labels.items())), 0.0)


def scrape(srv):
    r = requests.get(srv.url("/metrics"), timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
    return parse(r.text)


@pytest.fixture(scope="module")
def msrv(tmp_path_factory):
    srv = AwServer(tmp_path_factory.mktemp("aw-metrics"), env={"AW_METRICS": "on"}).start()
    yield srv
    srv.stop_and_check()


def test_each_intake_outcome_moves_its_counter(msrv):
    cid, key = new_company(msrv)
    admin = msrv.admin()
    quiet = unique("silenced")
    r = admin.post(f"/api/companies/{cid}/silences", json={
        "matchers": [{"name": "asset", "op": "=", "value": quiet}], "ends_at": iso(time.time() + 3600)})
    assert r.status_code == 201, r.text
    before = scrape(msrv)

    def post(headers=None, key=key, **fields):
        body = {"asset_name": unique("host"), "signature": "cpu_high", "severity": "high", "message": "hot"}
        body.update(fields)
        return requests.post(msrv.url("/api/webhooks/alerts"), json=body, timeout=30,
                             headers={"X-API-Key": key, **(headers or {})})

    for _ in range(3):
        assert post().status_code == 202
    first = post(headers={"X-Delivery-ID": "d-1"})
    assert first.status_code == 202 and first.json()["duplicate"] is False
    again = post(headers={"X-Delivery-ID": "d-1"})
    assert again.status_code == 202 and again.json()["duplicate"] is True
    silenced = post(asset_name=quiet)
    assert silenced.status_code == 202 and silenced.json()["suppressed"] == "silence"
    bad_key = post(key="not-a-key")
    assert bad_key.status_code == 401 and bad_key.json()["code"] == "invalid_api_key"
    invalid = post(severity="apocalyptic")
    assert invalid.status_code == 422, invalid.text
    invalid_code = invalid.json()["code"]
    # The rate limit: a burst of 1, so the second request of the minute is refused.
    r = admin.put(f"/api/companies/{cid}/rate-limit", json={"requests_per_minute": 1, "burst_size": 1,
                                                            "enabled": True})
    assert r.status_code == 200, r.text
    codes = [post().status_code for _ in range(3)]
    assert codes.count(429) >= 2, codes

    after = scrape(msrv)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    intake = "aw_intake_alerts_total"
    accepted = 3 + 1 + (3 - codes.count(429))
    assert delta(intake, company=cid, outcome="accepted") == accepted
    assert delta(intake, company=cid, outcome="repeat") == 1
    assert delta(intake, company=cid, outcome="suppressed") == 1
    rejected = "aw_intake_rejected_total"
    assert delta(rejected, company="unknown", cause="invalid_api_key") >= 1  # shared by every company
    assert delta(rejected, company=cid, cause=invalid_code) == 1
    assert delta(rejected, company=cid, cause="rate_limited") == codes.count(429)
    assert delta("aw_rate_limited_total", company=cid) == codes.count(429)
    # Latency by route pattern and method (never the raw path), answers by code.
    posted = 3 + 2 + 1 + 1 + 1 + 3
    route = {"method": "POST", "route": "/api/webhooks/alerts"}
    assert delta("aw_http_request_duration_seconds_count", **route) == posted
    assert delta("aw_http_responses_total", **route, code="202") == accepted + 2
    assert delta("aw_http_responses_total", **route, code="429") == codes.count(429)
    assert delta("aw_intake_duration_seconds_count") >= accepted + 2
    # The store's calls, by the backend in use, with their latency.
    ops = {labels: v for (name, labels), v in after.items() if name == "aw_store_operations_total"}
    assert any(dict(labels)["backend"] == AW_TEST_STORE and v > 0 for labels, v in ops.items()), ops


def test_labels_are_bounded_and_the_rest_is_there(msrv):
    cid, key = new_company(msrv)
    incident = msrv.send_alert(key, asset_name=unique("h")).json()
    # A path with an id and an unknown path: labelled by pattern and "other".
    assert msrv.admin().get(f"/api/incidents/{incident['incident_id']}").status_code == 200
    assert requests.get(msrv.url(f"/api/no/such/{unique('p')}"), timeout=30).status_code == 404
    requests.request("BREW", msrv.url("/api/health"), timeout=30)
    s = scrape(msrv)
    routes = {dict(labels)["route"] for (name, labels) in s if name == "aw_http_responses_total"}
    methods = {dict(labels)["method"] for (name, labels) in s if name == "aw_http_responses_total"}
    assert "/api/incidents/{id}" in routes and "other" in routes, routes
    assert not any(incident["incident_id"] in r or "/no/such" in r for r in routes), routes
    assert methods <= {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "other"}, methods
    assert value(s, "aw_build_info", version=msrv.admin().get("/api/health").json()["version"],
                 store=AW_TEST_STORE) == 1
    workers = {dict(labels)["worker"] for (name, labels) in s if name == "aw_worker_seconds_since_last_run"}
    assert {"incident-response worker", "approval expiry"} <= workers, workers
    assert value(s, "aw_worker_running", worker="incident-response worker") == 1
    assert ("aw_websocket_clients", ()) in s and ("aw_websocket_frames_sent_total", ()) in s
    if AW_TEST_STORE == "rocksdb":
        assert value(s, "aw_rocksdb_wal_fsyncs_total") > 0
        assert value(s, "aw_rocksdb_write_group_ops_count") > 0
        assert ("aw_rocksdb_engine", (("figure", "write_stall_micros"),)) in s
        assert ("aw_rocksdb_writer_cache_bytes", ()) in s
    else:
        assert value(s, "aw_dynamodb_requests_total", operation="PutItem") > 0


def links_jemalloc():
    out = subprocess.run(["ldd", AW_BINARY], capture_output=True, text=True, check=False).stdout
    return "libjemalloc" in out


def test_heap_and_bounded_caches_are_shown(msrv):
    # The figures the soak subtracts from RSS (bench/soak.py): jemalloc's heap, and on RocksDB
    # the writer's cache of read items and the engine's memtables and block cache.
    stats = msrv.admin().get("/api/admin/store-stats").json()
    s = scrape(msrv)
    heap = stats["malloc"]
    assert heap["available"] == links_jemalloc(), heap  # the sanitizer build has no jemalloc
    if heap["available"]:
        assert 0 < heap["allocated_bytes"] <= heap["active_bytes"] <= heap["mapped_bytes"], heap
        assert heap["resident_bytes"] > 0, heap
        assert value(s, "aw_malloc_bytes", kind="allocated") > 0
    else:
        assert not any(name == "aw_malloc_bytes" for name, _ in s)
    if AW_TEST_STORE == "rocksdb":
        rocks = stats["rocksdb"]
        assert rocks["writer_cache_bytes"] >= 0 and rocks["writer_cache_items"] >= 0, rocks
        assert {"memtable_pinned_bytes", "table_readers_bytes"} <= set(rocks["engine"]), rocks["engine"]


def test_off_by_default_and_on_a_listener_of_its_own(server, server_factory):
    # A JSON 404 that says why, never the web UI's page (served for other non-API paths).
    off = requests.get(server.url("/metrics"), timeout=30)
    assert off.status_code == 404 and "AW_METRICS" in off.json()["detail"], off.text
    port = free_port()
    srv = server_factory.start(env={"AW_METRICS": f"127.0.0.1:{port}"})
    assert requests.get(srv.url("/metrics"), timeout=30).status_code == 404
    r = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=30)
    assert r.status_code == 200 and "aw_build_info" in r.text
    assert requests.get(f"http://127.0.0.1:{port}/api/health", timeout=30).status_code == 404


def test_a_bad_setting_is_refused_at_start(tmp_path):
    env = server_env({"AW_METRICS": "sometimes"}, data_dir=str(tmp_path))
    p = subprocess.run([AW_BINARY, "serve", "--port", str(free_port()), "--data-dir", str(tmp_path)],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "AW_METRICS" in p.stderr and "127.0.0.1:9464" in p.stderr, p.stderr


def test_prometheus_scrapes_it_and_answers_a_query(msrv, tmp_path):
    assert os.access(PROMETHEUS, os.X_OK), \
        "Debian's prometheus is missing: scripts/install-deps.sh --test installs it"
    from test_real_senders import Senders, _wait_ready
    cid, key = new_company(msrv)
    for _ in range(4):
        assert msrv.send_alert(key, asset_name=unique("p")).status_code == 202
    host = msrv.url("").split("//", 1)[1].rstrip("/")
    prom_port = free_port()
    (tmp_path / "prom").mkdir()
    (tmp_path / "prometheus.yml").write_text(f"""
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: alertwhisperer
    metrics_path: /metrics
    static_configs:
      - targets: ['{host}']
""")
    senders = Senders(tmp_path)
    try:
        prom, log = senders.start("prometheus", [
            PROMETHEUS, f"--config.file={tmp_path}/prometheus.yml", f"--storage.tsdb.path={tmp_path}/prom",
            f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=info"])
        _wait_ready(f"http://127.0.0.1:{prom_port}/-/ready", prom, "prometheus", log, timeout=15)
        query = f'aw_intake_alerts_total{{company="{cid}",outcome="accepted"}}'
        deadline, got = time.time() + 20, None
        while time.time() < deadline:
            r = requests.get(f"http://127.0.0.1:{prom_port}/api/v1/query", params={"query": query}, timeout=5)
            assert r.status_code == 200, r.text
            result = r.json()["data"]["result"]
            if result:
                got = result[0]
                break
            time.sleep(0.3)
        assert got is not None, f"prometheus never had {query}:\n{senders.logs()}"
        assert got["metric"]["job"] == "alertwhisperer" and float(got["value"][1]) == 4, got
        up = requests.get(f"http://127.0.0.1:{prom_port}/api/v1/query", params={"query": "up"}, timeout=5).json()
        assert up["data"]["result"][0]["value"][1] == "1", up
    finally:
        senders.stop()
