"""Webhook intake under concurrency: every 202 is one stored alert, repeats find their first alert,
each key gets one incident counting exactly its alerts - whichever intake path the store uses (the
batched pipeline on the embedded store, conditional writes on DynamoDB; docs/operations.md, "Durability")."""

import concurrent.futures
import uuid

import requests

from helpers3 import new_company, page_all


def test_concurrent_senders_with_retries_store_each_alert_once(server):
    cid, key = new_company(server)
    admin = server.admin()
    r = admin.put(f"/api/companies/{cid}/rate-limit", json={"enabled": False})
    assert r.status_code == 200, r.text
    before = admin.get("/api/admin/store-stats").json()
    senders, each, hosts = 24, 10, 4
    run = uuid.uuid4().hex[:8]

    def sender(n):
        s = requests.Session()
        out = []
        for i in range(each):
            body = {"asset_name": f"host-{run}-{(n + i) % hosts}", "signature": "disk_full", "severity": "high",
                    "message": f"{run} sender {n} alert {i}", "tool_source": "pytest"}
            headers = {"X-API-Key": key, "X-Delivery-ID": f"{run}-{n}-{i}"}
            first = s.post(server.url("/api/webhooks/alerts"), json=body, headers=headers, timeout=60)
            again = s.post(server.url("/api/webhooks/alerts"), json=body, headers=headers, timeout=60)
            out.append((first.status_code, first.json(), again.status_code, again.json(), body["asset_name"]))
        return out

    with concurrent.futures.ThreadPoolExecutor(senders) as pool:
        results = [x for part in pool.map(sender, range(senders)) for x in part]
    assert len(results) == senders * each
    for st1, first, st2, again, _ in results:
        assert (st1, st2) == (202, 202), (first, again)
        assert first["duplicate"] is False and again["duplicate"] is True
        assert again["alert_id"] == first["alert_id"]
        assert again["delivery_attempts"] == 2
        assert first["incident_id"], first
    ids = {first["alert_id"] for _, first, _, _, _ in results}
    assert len(ids) == senders * each  # distinct alerts, none merged

    stored, _ = page_all(admin, "/api/alerts", {"company_id": cid})
    assert {a["id"] for a in stored} == ids
    assert all(a["delivery_attempts"] == 2 for a in stored)

    # One incident per host (aggregation key asset|signature), counting exactly its alerts.
    per_host = {}
    for _, first, _, _, host in results:
        per_host.setdefault(host, set()).add(first["incident_id"])
    assert all(len(v) == 1 for v in per_host.values()), per_host
    incidents, _ = page_all(admin, "/api/incidents", {"company_id": cid})
    assert len(incidents) == hosts
    by_id = {i["id"]: i for i in incidents}
    for host, (incident_id,) in ((h, tuple(v)) for h, v in per_host.items()):
        want = sum(1 for _, _, _, _, h in results if h == host)
        assert by_id[incident_id]["alert_count"] == want, (host, by_id[incident_id]["alert_count"], want)
    created = sum(1 for _, first, _, _, _ in results if first.get("incident_created"))
    assert created == hosts

    after = admin.get("/api/admin/store-stats").json()
    if "intake_pipeline" in after:
        # The embedded store: the concurrent alerts were written in shared units, not one by one.
        alerts = after["intake_pipeline"]["alerts"] - before["intake_pipeline"]["alerts"]
        units = after["intake_pipeline"]["units"] - before["intake_pipeline"]["units"]
        assert alerts >= 2 * senders * each, (alerts, units)
        assert units < alerts, (alerts, units)
