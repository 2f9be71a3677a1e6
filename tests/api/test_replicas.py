"""Several replicas on one DynamoDB (dynalite): nothing lost, nothing doubled.

Runs in the DynamoDB pass of the API suite (AW_TEST_STORE=dynamodb, see
conftest.py): two server processes share one set of tables (same data
directory, hence the same DYNAMODB_TABLE_PREFIX and secrets).
"""

import threading

import pytest
import requests

from aw_harness import ADMIN_EMAIL, AwServer, new_alert
from helpers3 import alerts_of, incident, incidents_of, new_company, unique

pytestmark = pytest.mark.dynamodb_only


@pytest.fixture
def replicas(server_factory):
    """Two servers on the same tables."""
    d = server_factory.new_data_dir()
    return server_factory.start(data_dir=d), server_factory.start(data_dir=d)


def post_spread(replicas, api_key, bodies, headers=None, threads=16):
    """POSTs body i to replica i % 2, on `threads` threads released together."""
    results = [None] * len(bodies)
    errors = []
    barrier = threading.Barrier(threads)

    def worker(t):
        try:
            sessions = [requests.Session(), requests.Session()]
            barrier.wait(timeout=30)
            for i in range(t, len(bodies), threads):
                srv = replicas[i % 2]
                h = {"X-API-Key": api_key}
                h.update(headers or {})
                results[i] = sessions[i % 2].post(srv.url("/api/webhooks/alerts"), json=bodies[i],
                                                  headers=h, timeout=60)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(180)
    assert not errors, errors
    assert all(r is not None for r in results)
    return results


def test_burst_across_two_replicas_opens_exactly_one_incident(replicas):
    a, b = replicas
    cid, key = new_company(a)
    asset = unique("burst")
    bodies = [new_alert(asset_name=asset, signature="storm", message=f"storm {i}") for i in range(120)]
    responses = post_spread(replicas, key, bodies)
    assert all(r.status_code == 202 for r in responses), [r.text for r in responses if r.status_code != 202]
    out = [r.json() for r in responses]
    alert_ids = {o["alert_id"] for o in out}
    assert len(alert_ids) == 120
    incident_ids = {o.get("incident_id") for o in out}
    assert len(incident_ids) == 1 and None not in incident_ids, incident_ids
    (iid,) = incident_ids
    for srv in (a, b):  # both replicas read the same incident, holding every alert
        inc = incident(srv, iid)
        assert inc["alert_count"] == 120, inc
        assert len(incidents_of(srv, cid)) == 1
    stored = alerts_of(b, cid)
    assert {x["id"] for x in stored} == alert_ids
    assert all(x["correlated_incident_id"] == iid for x in stored)


def test_one_delivery_id_sent_to_both_replicas_is_one_alert(replicas):
    a, b = replicas
    cid, key = new_company(a)
    body = new_alert(asset_name=unique("dlv"))
    headers = {"X-Delivery-ID": unique("delivery")}
    responses = post_spread(replicas, key, [body] * 24, headers=headers, threads=8)
    assert all(r.status_code == 202 for r in responses), [r.text for r in responses if r.status_code != 202]
    out = [r.json() for r in responses]
    assert len({o["alert_id"] for o in out}) == 1
    assert sum(1 for o in out if not o["duplicate"]) == 1
    for srv in (a, b):
        stored = alerts_of(srv, cid)
        assert len(stored) == 1
        assert stored[0]["delivery_attempts"] == 24


def test_two_replicas_starting_together_seed_the_demo_data_once(server_factory):
    d = server_factory.new_data_dir()
    servers = [AwServer(d, log_dir=server_factory.tmp_path) for _ in range(2)]
    server_factory.servers.extend(servers)
    threads = [threading.Thread(target=s.start) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for s in servers:
        assert s.proc is not None and s.proc.poll() is None, s.stderr()
    admin = servers[1].admin()
    users = admin.get("/api/users", params={"limit": 200})
    assert users.status_code == 200, users.text
    emails = [u["email"] for u in users.json()]
    assert len(emails) == len(set(emails)), emails
    assert ADMIN_EMAIL in emails and len(emails) == 10  # the admin and 3 users for each of 3 companies
    companies = admin.get("/api/companies", params={"limit": 200}).json()
    assert sorted(c["id"] for c in companies) == ["comp-acme", "comp-global", "comp-techstart"]


def test_no_request_path_scans(replicas):
    """A tour of the API on one replica; its DynamoDB calls, counted by
    operation, hold no Scan. (Every server of the DynamoDB pass is checked the
    same way when it stops: aw_harness.AwServer.stop_and_check.)"""
    a, _ = replicas
    admin = a.admin()
    cid, key = new_company(a)
    sent = [a.send_alert(key, asset_name=unique("tour")).json() for _ in range(3)]
    for path in ("/api/alerts", "/api/incidents", "/api/companies", "/api/users", "/api/audit-logs",
                 f"/api/alerts?company_id={cid}", f"/api/incidents?company_id={cid}&status=new",
                 "/api/notifications", f"/api/companies/{cid}", "/api/auth/me"):
        r = admin.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text)
    r = admin.put(f"/api/incidents/{sent[0]['incident_id']}", json={"status": "in_progress"})
    assert r.status_code in (200, 409), r.text
    stats = admin.get("/api/admin/store-stats")
    assert stats.status_code == 200, stats.text
    calls = stats.json()["calls"]
    assert calls.get("Query", 0) > 0 and calls.get("PutItem", 0) > 0, calls
    assert calls.get("Scan", 0) == 0, calls
    # Only admins see it.
    tech = a.create_user(role="technician", company_ids=(cid,))
    r = a.as_user(tech[1], tech[2]).get("/api/admin/store-stats")
    assert r.status_code == 403
