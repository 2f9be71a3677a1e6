"""Fault injection before DynamoDB (issue 16 part 8): the server reaches dynalite through
tests/api/fakes/fault_proxy.py, which throttles, answers 500, adds latency and resets
connections (before the request is read, and after dynalite did the write but before the
answer). Under concurrent intake with colliding correlation keys:
  - every alert answered 202 is stored (read back through the API once faults stop),
  - every failure is a 503 with Retry-After (never a 500, never a 202 for an unwritten alert),
  - one incident per correlation key,
  - the server takes alerts normally again once the faults stop.
DynamoDB pass only; bounded (< 90 s)."""

import concurrent.futures
import time
import uuid

import boto3
import pytest
import requests

from aw_harness import DYNAMODB_ENDPOINT, table_prefix
from fakes.fault_proxy import FaultProxy
from helpers3 import new_company, page_all

pytestmark = pytest.mark.dynamodb_only

THREADS, EACH, KEYS = 8, 40, 6


@pytest.fixture
def proxied(server_factory):
    proxy = FaultProxy(DYNAMODB_ENDPOINT, seed=16).start()
    srv = server_factory.start(env={"DYNAMODB_ENDPOINT": proxy.url})
    yield srv, proxy
    proxy.set_faults()  # the server must be able to stop cleanly, through the proxy
    srv.stop_and_check()
    proxy.stop()


def _sender(srv, key, run, n, out, each):
    s = requests.Session()
    for i in range(each):
        host = f"host-{run}-{(n * 7 + i) % KEYS}"
        # Every fifth alert repeats an earlier one of this sender: same body, same delivery id.
        j = i - 1 if i % 5 == 4 else i
        body = {"asset_name": f"host-{run}-{(n * 7 + j) % KEYS}" if j != i else host,
                "signature": "disk_full", "severity": "high",
                "message": f"{run} sender {n} alert {j}", "tool_source": "pytest"}
        headers = {"X-API-Key": key, "X-Delivery-ID": f"{run}-{n}-{j}"}
        try:
            r = s.post(srv.url("/api/webhooks/alerts"), json=body, headers=headers, timeout=60)
        except requests.RequestException as e:  # the server must answer; a dropped connection is a defect
            out.append((body, None, repr(e)))
            continue
        out.append((body, r, None))


def _send_all(srv, key, run, each=EACH):
    outs = [[] for _ in range(THREADS)]
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(lambda n: _sender(srv, key, run, n, outs[n], each), range(THREADS)))
    return [x for o in outs for x in o]


def test_intake_through_faults_loses_no_acknowledged_alert_and_recovers(proxied):
    srv, proxy = proxied
    started = time.monotonic()
    cid, key = new_company(srv)
    admin = srv.admin()
    r = admin.put(f"/api/companies/{cid}/rate-limit", json={"enabled": False})
    assert r.status_code == 200, r.text
    run = uuid.uuid4().hex[:8]

    # 1. Faults at rates the retries mostly absorb: most alerts get 202, a few may get 503.
    proxy.set_faults(throttle=0.08, error500=0.06, reset_request=0.03, reset_response=0.05,
                     latency=0.2, latency_ms=40)
    results = _send_all(srv, key, run)
    # 2. A hard outage: every call throttled; nothing can be written, every alert must be 503.
    proxy.set_faults(throttle=1.0)
    outage_bodies = [{"asset_name": f"host-{run}-{k}", "signature": "disk_full", "severity": "high",
                      "message": f"{run} outage {k}", "tool_source": "pytest"} for k in range(4)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        outage = list(pool.map(lambda b: requests.post(srv.url("/api/webhooks/alerts"), json=b,
                                                       headers={"X-API-Key": key}, timeout=60),
                               outage_bodies))
    counts, forwarded = proxy.snapshot()
    proxy.set_faults()
    print(f"\nfaults injected {counts}, forwarded {forwarded}")

    # Every answer is a 202 or a 503 with Retry-After; no dropped connection, no 500.
    dropped = [(b, e) for b, r, e in results if r is None]
    assert not dropped, dropped[:3]
    bad = [(r.status_code, r.text[:300]) for _, r, _ in results if r.status_code not in (202, 503)]
    assert not bad, bad[:5]
    for _, r, _ in results:
        if r.status_code == 503:
            assert r.headers.get("Retry-After", "").isdigit(), r.headers
            assert r.json()["code"], r.text
    for r in outage:
        assert r.status_code == 503, r.text
        assert r.headers.get("Retry-After", "").isdigit(), r.headers
    assert counts["throttle"] and counts["error500"] and counts["reset_request"] and counts["reset_response"]

    # Every 202 is stored, under the id it was given.
    accepted = [(b, r.json()) for b, r, _ in results if r.status_code == 202]
    print(f"{len(accepted)} of {len(results)} answered 202, the others 503")
    assert len(accepted) >= len(results) // 2, f"only {len(accepted)} of {len(results)} accepted"
    stored, _ = page_all(admin, "/api/alerts", {"company_id": cid})
    by_id = {a["id"]: a for a in stored}
    lost = [(b["message"], out["alert_id"]) for b, out in accepted if out["alert_id"] not in by_id]
    assert not lost, f"{len(lost)} alerts answered 202 are not stored: {lost[:5]}"
    for b, out in accepted:
        assert by_id[out["alert_id"]]["message"] == b["message"], (b, by_id[out["alert_id"]])
    # A repeat (same delivery) never makes a second alert: one stored alert per message.
    messages = [a["message"] for a in stored]
    assert len(messages) == len(set(messages)), sorted(m for m in messages if messages.count(m) > 1)[:5]
    # Nothing of the outage was written.
    outage_msgs = {b["message"] for b in outage_bodies}
    assert not outage_msgs & set(messages)

    # One incident per correlation key (asset|signature), holding that key's alerts, each once,
    # and counting them once: a join whose answer was lost (reset after dynalite wrote it) is
    # retried by the store, fails its version condition, and must not be joined again.
    incidents, _ = page_all(admin, "/api/incidents", {"company_id": cid})
    per_key = {}
    for inc in incidents:
        per_key.setdefault(inc["asset_name"], []).append(inc["id"])
    dup = {k: v for k, v in per_key.items() if len(v) > 1}
    assert not dup, f"more than one incident per correlation key: {dup}"
    for b, out in accepted:
        if not out["duplicate"]:  # a repeat's answer names its first alert, not always the incident
            assert out["incident_id"] in per_key.get(b["asset_name"], []), (b, out, per_key)
    by_incident = {i["id"]: i for i in incidents}
    for a in stored:
        linked = a.get("correlated_incident_id") or a.get("incident_id")
        assert linked in per_key.get(a["asset_name"], []), a
    for host, (incident_id,) in per_key.items():
        want = sum(1 for a in stored if a["asset_name"] == host)
        inc = by_incident[incident_id]
        ids = [a["id"] for a in stored if a["asset_name"] == host]
        assert (inc["alert_count"], sorted(set(inc["alert_ids"]))) == (want, sorted(ids)), (
            host, inc["alert_count"], len(inc["alert_ids"]), len(set(inc["alert_ids"])),
            set(inc["alert_ids"]) - set(ids), set(ids) - set(inc["alert_ids"]), want)

    # 3. Recovery: with faults off, alerts are taken normally again.
    after = []
    for k in range(10):
        r = srv.send_alert(key, asset_name=f"host-{run}-after-{k}")
        assert r.status_code == 202, r.text
        after.append(r.json()["alert_id"])
    stored, _ = page_all(admin, "/api/alerts", {"company_id": cid})
    assert set(after) <= {a["id"] for a in stored}
    assert time.monotonic() - started < 90


def test_an_alert_answered_503_is_not_counted_by_its_incident(proxied):
    """The alert item is written before its incident counts it (src/services/intake/
    alert_claim_path.cc): when that write outlasts the retries the sender gets 503 and the
    incident never counted the alert."""
    srv, proxy = proxied
    cid, key = new_company(srv)
    asset = f"phantom-{uuid.uuid4().hex[:6]}"
    first = srv.send_alert(key, asset_name=asset, signature="disk_full")
    assert first.status_code == 202, first.text
    incident_id = first.json()["incident_id"]
    # Only the alert item's write fails (a PutItem on the alerts table carrying the message).
    proxy.set_faults(throttle=1.0, targets={"PutItem"}, tables={"Alerts"}, body_contains=b'"message"')
    r = srv.send_alert(key, asset_name=asset, signature="disk_full")
    proxy.set_faults()
    assert r.status_code == 503 and r.headers.get("Retry-After", "").isdigit(), r.text
    stored, _ = page_all(srv.admin(), "/api/alerts", {"company_id": cid})
    assert [a["id"] for a in stored] == [first.json()["alert_id"]]
    inc = next(i for i in page_all(srv.admin(), "/api/incidents", {"company_id": cid})[0] if i["id"] == incident_id)
    assert (inc["alert_count"], inc["alert_ids"]) == (1, [first.json()["alert_id"]]), inc


def test_a_retry_after_503_stores_the_alert_and_counts_it_once(proxied):
    """The sender's retry of an alert answered 503 after its join: the alert is stored under
    its first id and the incident lists and counts it once (the join is not repeated)."""
    srv, proxy = proxied
    cid, key = new_company(srv)
    asset = f"retry-{uuid.uuid4().hex[:6]}"
    first = srv.send_alert(key, asset_name=asset, signature="disk_full")
    assert first.status_code == 202, first.text
    body = {"asset_name": asset, "signature": "disk_full", "severity": "high", "message": "retried"}
    url, headers = srv.url("/api/webhooks/alerts"), {"X-API-Key": key, "X-Delivery-ID": uuid.uuid4().hex}
    proxy.set_faults(throttle=1.0, targets={"PutItem"}, tables={"Alerts"}, body_contains=b'"message"')
    r = requests.post(url, json=body, headers=headers, timeout=60)
    proxy.set_faults()
    assert r.status_code == 503 and r.headers.get("Retry-After", "").isdigit(), r.text
    again = requests.post(url, json=body, headers=headers, timeout=60)
    assert again.status_code == 202, again.text
    stored, _ = page_all(srv.admin(), "/api/alerts", {"company_id": cid})
    ids = sorted(a["id"] for a in stored)
    assert len(ids) == 2 and again.json()["alert_id"] in ids, (ids, again.json())
    inc = next(i for i in page_all(srv.admin(), "/api/incidents", {"company_id": cid})[0]
               if i["id"] == first.json()["incident_id"])
    assert sorted(inc["alert_ids"]) == ids, inc
    assert inc["alert_count"] == 2, inc


def test_a_retry_after_a_failed_join_joins_the_incident(proxied):
    """The alert item is written but its join outlasts the retries (every write to the
    incidents table throttled): 503, and the stored alert is marked join_pending. The sender's
    retry completes the join and is answered as the first accepted delivery (duplicate false,
    the incident id); a third delivery is a plain repeat that changes no count."""
    srv, proxy = proxied
    cid, key = new_company(srv)
    asset = f"halfjoin-{uuid.uuid4().hex[:6]}"
    body = {"asset_name": asset, "signature": "disk_full", "severity": "high", "message": "half joined"}
    url, headers = srv.url("/api/webhooks/alerts"), {"X-API-Key": key, "X-Delivery-ID": uuid.uuid4().hex}
    proxy.set_faults(throttle=1.0, targets={"PutItem", "UpdateItem", "BatchWriteItem"}, tables={"Incidents"})
    r = requests.post(url, json=body, headers=headers, timeout=60)
    proxy.set_faults()
    assert r.status_code == 503 and r.headers.get("Retry-After", "").isdigit(), r.text
    stored, _ = page_all(srv.admin(), "/api/alerts", {"company_id": cid})
    assert len(stored) == 1 and "join_pending" not in stored[0], stored  # written, marker hidden
    assert page_all(srv.admin(), "/api/incidents", {"company_id": cid})[0] == []
    ddb = boto3.client("dynamodb", endpoint_url=DYNAMODB_ENDPOINT, region_name="us-east-1",
                       aws_access_key_id="AKIDTEST", aws_secret_access_key="test-secret-key")
    raw_key = {"TableName": table_prefix(srv.data_dir) + "Alerts", "ConsistentRead": True,
               "Key": {"company_id": {"S": cid}, "id": {"S": stored[0]["id"]}}}
    assert ddb.get_item(**raw_key)["Item"].get("join_pending") == {"BOOL": True}

    again = requests.post(url, json=body, headers=headers, timeout=60)
    assert again.status_code == 202, again.text
    out = again.json()
    assert out["duplicate"] is False and out["delivery_attempts"] == 1, out
    assert out["alert_id"] == stored[0]["id"] and out.get("incident_id"), out
    incident_id = out["incident_id"]
    inc = srv.admin().get(f"/api/incidents/{incident_id}")
    assert inc.status_code == 200, inc.text
    assert (inc.json()["alert_count"], inc.json()["alert_ids"]) == (1, [out["alert_id"]]), inc.json()
    stored, _ = page_all(srv.admin(), "/api/alerts", {"company_id": cid})
    assert [(a["id"], a.get("correlated_incident_id")) for a in stored] == [(out["alert_id"], incident_id)]
    assert "join_pending" not in stored[0] and "join_pending" not in ddb.get_item(**raw_key)["Item"], stored

    third = requests.post(url, json=body, headers=headers, timeout=60)
    assert third.status_code == 202, third.text
    assert third.json()["duplicate"] is True and third.json()["alert_id"] == out["alert_id"], third.json()
    assert third.json()["delivery_attempts"] == 2, third.json()
    inc = srv.admin().get(f"/api/incidents/{incident_id}").json()
    assert (inc["alert_count"], inc["alert_ids"]) == (1, [out["alert_id"]]), inc
    assert [i["id"] for i in page_all(srv.admin(), "/api/incidents", {"company_id": cid})[0]] == [incident_id]


def test_ready_is_503_while_the_store_is_out_and_200_when_it_is_back(proxied):
    """GET /api/ready (issue 16 part 12) during an outage of DynamoDB: 503 naming the store, with
    Retry-After; liveness (/api/health) stays 200; ready again once the store answers."""
    srv, proxy = proxied
    assert requests.get(srv.url("/api/ready"), timeout=60).status_code == 200
    proxy.set_faults(error500=1.0)
    try:
        r = requests.get(srv.url("/api/ready"), timeout=60)
        assert r.status_code == 503, r.text
        body = r.json()
        assert body["code"] == "not_ready" and body["status"] == "not_ready"
        assert any("store does not answer" in reason for reason in body["reasons"]), body
        assert r.headers.get("Retry-After", "").isdigit()
        assert requests.get(srv.url("/api/health"), timeout=60).status_code == 200
    finally:
        proxy.set_faults()
    r = requests.get(srv.url("/api/ready"), timeout=60)
    assert r.status_code == 200, r.text
