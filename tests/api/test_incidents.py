"""Incidents: list, detail, updates and their rules, acknowledge, escalate, stats, auto-resolve,
priority, and who may do what."""

import re
import threading

import pytest
import requests

from aw_harness import assert_error
from helpers3 import (ACME, INCIDENT_FIELDS, TECHSTART, alert_by_id, as_demo, incident, incidents_of,
                      new_company, new_incident, page_all, put_correlation, send, unique, user_id)

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture
def company(server):
    return new_company(server)


@pytest.fixture(scope="module")
def acme_key(server):
    return server.api_key_for(ACME)


@pytest.fixture
def acme_incident(server, acme_key):
    inc, _ = new_incident(server, acme_key, asset_name=unique("inc"), signature="cpu_high")
    return inc


# -- reading ------------------------------------------------------------------
def test_list_shows_every_field(server, company):
    cid, key = company
    inc, _ = new_incident(server, key, signature="cpu_high", severity="high")
    items = incidents_of(server, cid)
    assert [i["id"] for i in items] == [inc["id"]]
    item = items[0]
    missing = [f for f in INCIDENT_FIELDS if f not in item]
    assert not missing, f"fields missing from the list item: {missing}"
    assert item["status"] == "new"
    assert item["company_id"] == cid
    assert item["alert_count"] == 1 and item["version"] >= 1
    assert item["escalated"] is False and item["escalation_level"] == 0
    for f in ("assigned_to", "assigned_at", "resolved_at", "resolved_by", "resolution_notes"):
        assert item[f] is None, (f, item[f])
    assert isinstance(item["sla"], dict) and isinstance(item["metadata"], dict)
    assert ISO.match(item["created_at"]) and ISO.match(item["updated_at"])
    assert isinstance(item["title"], str) and item["title"]
    assert isinstance(item["category"], str) and item["category"]
    assert item["asset_id"]


def test_detail_has_fields_and_alerts(server, company):
    cid, key = company
    inc, first = new_incident(server, key, asset_name=unique("det"), signature="mem_high")
    second = send(server, key, asset_name=inc["asset_name"], signature="mem_high")
    detail = incident(server, inc["id"])
    missing = [f for f in INCIDENT_FIELDS if f not in detail]
    assert not missing, missing
    assert {a["id"] for a in detail["alerts"]} == {first["alert_id"], second["alert_id"]}
    assert all(a["correlated_incident_id"] == inc["id"] for a in detail["alerts"])


def test_unknown_incident_is_404(server):
    assert_error(server.admin().get("/api/incidents/no-such-incident"), 404)
    assert_error(server.admin().put("/api/incidents/no-such-incident", json={"status": "resolved"}), 404)
    assert_error(server.admin().get("/api/incidents/no-such-incident/alerts"), 404)


def test_list_is_newest_first_and_pages(server, company):
    cid, key = company
    ids = [new_incident(server, key, asset_name=unique("p"))[0]["id"] for _ in range(5)]
    items, pages = page_all(server.admin(), "/api/incidents", {"company_id": cid}, limit=2)
    assert [i["id"] for i in items] == list(reversed(ids))
    assert pages == 3


def test_list_filters_by_status(server, company):
    cid, key = company
    a, _ = new_incident(server, key, asset_name=unique("f"))
    b, _ = new_incident(server, key, asset_name=unique("f"))
    assert server.admin().post(f"/api/incidents/{b['id']}/acknowledge").status_code == 200
    assert [i["id"] for i in incidents_of(server, cid, status="new")] == [a["id"]]
    assert [i["id"] for i in incidents_of(server, cid, status="acknowledged")] == [b["id"]]
    assert incidents_of(server, cid, status="resolved") == []
    r = server.admin().get("/api/incidents", params={"company_id": cid, "status": "bogus"})
    assert_error(r, 422, mentions="status")
    r = server.admin().get("/api/incidents", params={"company_id": cid, "sort": "bogus"})
    assert_error(r, 422, mentions="sort")


def test_sort_by_priority(server, company):
    cid, key = company
    for sev in ("low", "critical", "medium", "high", "low"):
        new_incident(server, key, asset_name=unique("s"), severity=sev)
    items = incidents_of(server, cid, sort="priority")
    scores = [i["priority_score"] for i in items]
    assert scores == sorted(scores, reverse=True), scores
    assert [i["severity"] for i in items] == ["critical", "high", "medium", "low", "low"]
    # Paged by priority too.
    paged, pages = page_all(server.admin(), "/api/incidents", {"company_id": cid, "sort": "priority"}, limit=2)
    assert [i["id"] for i in paged] == [i["id"] for i in items] and pages == 3


def test_list_without_company_covers_only_callers_companies(server, acme_key):
    inc, _ = new_incident(server, acme_key, asset_name=unique("v"))
    ts_tech = as_demo(server, TECHSTART, "tech")
    items, _ = page_all(ts_tech, "/api/incidents")
    assert all(i["company_id"] == TECHSTART for i in items)
    assert inc["id"] not in {i["id"] for i in items}
    acme_tech = as_demo(server, ACME, "tech")
    items, _ = page_all(acme_tech, "/api/incidents")
    assert inc["id"] in {i["id"] for i in items}
    assert all(i["company_id"] == ACME for i in items)


# -- updates ------------------------------------------------------------------
def test_assignment_stamps_assigned_at_once(server, acme_incident):
    admin = server.admin()
    tech_id = user_id(server, as_demo(server, ACME, "tech"))
    company_admin_id = user_id(server, as_demo(server, ACME, "company"))
    r = admin.put(f"/api/incidents/{acme_incident['id']}", json={"assigned_to": tech_id})
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["assigned_to"] == tech_id
    assert first["assigned_at"] and ISO.match(first["assigned_at"])
    assert first["version"] == acme_incident["version"] + 1
    r = admin.put(f"/api/incidents/{acme_incident['id']}", json={"assigned_to": company_admin_id})
    assert r.status_code == 200, r.text
    assert r.json()["assigned_to"] == company_admin_id
    assert r.json()["assigned_at"] == first["assigned_at"]
    assert incident(server, acme_incident["id"])["assigned_to"] == company_admin_id


def test_assign_to_unknown_user_is_422(server, acme_incident):
    r = server.admin().put(f"/api/incidents/{acme_incident['id']}", json={"assigned_to": "no-such-user"})
    assert_error(r, 422, mentions="assigned_to")


@pytest.mark.parametrize("body,field", [
    ({"status": "done"}, "status"), ({"status": 3}, "status"), ({}, None),
    ({"resolution_notes": 5}, "resolution_notes"), ({"status": "resolved", "version": "x"}, "version"),
])
def test_update_validation(server, acme_incident, body, field):
    r = server.admin().put(f"/api/incidents/{acme_incident['id']}", json=body)
    assert_error(r, 422, mentions=field)
    assert incident(server, acme_incident["id"])["version"] == acme_incident["version"]


def test_resolve_stamps_resolved_fields(server, acme_incident):
    tech = as_demo(server, ACME, "tech")
    tech_id = user_id(server, tech)
    r = tech.put(f"/api/incidents/{acme_incident['id']}",
                 json={"status": "resolved", "resolution_notes": "rebooted the box"})
    assert r.status_code == 200, r.text
    inc = r.json()
    assert inc["status"] == "resolved"
    assert inc["resolved_by"] == tech_id
    assert inc["resolved_at"] and ISO.match(inc["resolved_at"])
    assert inc["resolution_notes"] == "rebooted the box"
    assert incident(server, acme_incident["id"])["status"] == "resolved"
    # resolved -> closed is allowed.
    r = tech.put(f"/api/incidents/{acme_incident['id']}", json={"status": "closed"})
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text


def test_illegal_transition_is_409_listing_allowed(server, acme_incident):
    r = server.admin().put(f"/api/incidents/{acme_incident['id']}", json={"status": "closed"})
    body = assert_error(r, 409, "invalid_transition")
    for allowed in ("acknowledged", "in_progress", "escalated", "resolved"):
        assert allowed in body["detail"], body
    assert incident(server, acme_incident["id"])["status"] == "new"


def test_closed_incident_cannot_reopen(server, acme_incident):
    admin = server.admin()
    iid = acme_incident["id"]
    assert admin.put(f"/api/incidents/{iid}", json={"status": "resolved"}).status_code == 200
    assert admin.put(f"/api/incidents/{iid}", json={"status": "closed"}).status_code == 200
    assert_error(admin.put(f"/api/incidents/{iid}", json={"status": "in_progress"}), 409, "invalid_transition")
    assert_error(admin.post(f"/api/incidents/{iid}/escalate"), 409)


def test_stale_version_is_409(server, acme_incident):
    admin = server.admin()
    iid = acme_incident["id"]
    v = acme_incident["version"]
    r = admin.put(f"/api/incidents/{iid}", json={"resolution_notes": "first", "version": v})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == v + 1
    r = admin.put(f"/api/incidents/{iid}", json={"resolution_notes": "second", "version": v})
    assert_error(r, 409, "stale_version")
    assert incident(server, iid)["resolution_notes"] == "first"


def test_acknowledge(server, acme_incident):
    tech = as_demo(server, ACME, "tech")
    r = tech.post(f"/api/incidents/{acme_incident['id']}/acknowledge")
    assert r.status_code == 200, r.text
    inc = r.json()
    assert inc["status"] == "acknowledged"
    assert inc["assigned_to"] == user_id(server, tech)  # unassigned: the acknowledger takes it
    assert inc["assigned_at"]
    # Again: still acknowledged, no error.
    r = tech.post(f"/api/incidents/{acme_incident['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"


def test_escalate(server, acme_incident):
    r = as_demo(server, ACME, "tech").post(f"/api/incidents/{acme_incident['id']}/escalate",
                                           json={"reason": "customer down"})
    assert r.status_code == 200, r.text
    inc = r.json()
    assert inc["status"] == "escalated"
    assert inc["escalated"] is True
    assert inc["escalation_level"] == 1
    got = incident(server, acme_incident["id"])
    assert got["status"] == "escalated" and got["escalation_level"] == 1
    # Without a body too.
    r = server.admin().post(f"/api/incidents/{acme_incident['id']}/escalate")
    assert r.status_code == 200 and r.json()["escalation_level"] == 2


def test_stats(server, company):
    cid, key = company
    a, _ = new_incident(server, key, asset_name=unique("st"), severity="critical")
    b, _ = new_incident(server, key, asset_name=unique("st"), severity="low")
    c, _ = new_incident(server, key, asset_name=unique("st"), severity="low")
    admin = server.admin()
    assert admin.post(f"/api/incidents/{b['id']}/acknowledge").status_code == 200
    assert admin.put(f"/api/incidents/{c['id']}", json={"status": "resolved"}).status_code == 200
    r = admin.get("/api/incidents/stats", params={"company_id": cid})
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["total"] == 3
    assert s["open"] == 2
    assert s["by_status"]["new"] == 1 and s["by_status"]["acknowledged"] == 1
    assert s["open_by_severity"]["critical"] == 1 and s["open_by_severity"]["low"] == 1
    assert s["resolved_total"] == 1
    assert_error(as_demo(server, TECHSTART, "tech").get("/api/incidents/stats", params={"company_id": cid}),
                 (403, 404))
    assert_error(requests.get(server.url("/api/incidents/stats"), timeout=30), 401)


# -- auto-resolve -------------------------------------------------------------
def test_resolved_alert_resolves_the_incident(server, company):
    cid, key = company
    asset = unique("ar")
    first = send(server, key, asset_name=asset, signature="disk_full", message="disk 95%")
    second = send(server, key, asset_name=asset, signature="disk_full", message="disk 97%")
    assert incident(server, first["incident_id"])["status"] == "new"
    done = send(server, key, asset_name=asset, signature="disk_full", message="disk ok", status="resolved")
    assert done.get("incident_id") == first["incident_id"], done
    for b in (first, second):
        assert alert_by_id(server, cid, b["alert_id"])["status"] == "resolved"
    inc = incident(server, first["incident_id"])
    assert inc["status"] == "resolved"
    assert inc["resolved_at"]


def test_resolved_alert_without_auto_resolve_leaves_incident_open(server, company):
    cid, key = company
    put_correlation(server, cid, auto_resolve=False)
    asset = unique("ar")
    first = send(server, key, asset_name=asset, signature="disk_full")
    send(server, key, asset_name=asset, signature="disk_full", message="disk ok", status="resolved")
    assert alert_by_id(server, cid, first["alert_id"])["status"] == "resolved"
    inc = incident(server, first["incident_id"])
    assert inc["status"] == "new"
    assert inc["resolved_at"] is None


def test_resolved_alert_of_another_signature_changes_nothing(server, company):
    cid, key = company
    asset = unique("ar")
    first = send(server, key, asset_name=asset, signature="disk_full")
    send(server, key, asset_name=asset, signature="cpu_high", message="cpu ok", status="resolved")
    assert alert_by_id(server, cid, first["alert_id"])["status"] == "active"
    assert incident(server, first["incident_id"])["status"] == "new"


@pytest.mark.parametrize("setting", [{"auto_correlate": False}, {"min_alerts_for_incident": 3}])
def test_resolved_alert_resolves_the_active_alert_without_an_incident(server, company, setting):
    """The active alert becomes resolved whether or not it belongs to an incident."""
    cid, key = company
    put_correlation(server, cid, **setting)
    asset = unique("ni")
    first = send(server, key, asset_name=asset, signature="disk_full")
    assert "incident_id" not in first
    send(server, key, asset_name=asset, signature="disk_full", message="disk ok", status="resolved")
    assert alert_by_id(server, cid, first["alert_id"])["status"] == "resolved"


# -- priority -----------------------------------------------------------------
@pytest.mark.parametrize("severity,score", [("critical", 92), ("high", 62), ("medium", 32), ("low", 12)])
def test_priority_by_severity(server, company, severity, score):
    _, key = company
    inc, _ = new_incident(server, key, asset_name=unique("pr"), severity=severity)
    assert inc["priority_score"] == score


def test_priority_critical_asset_adds_20(server, company):
    cid, key = company
    asset = unique("crit")
    r = server.admin().post(f"/api/companies/{cid}/assets", json={"name": asset, "is_critical": True})
    assert r.status_code == 201, r.text
    inc, _ = new_incident(server, key, asset_name=asset, severity="high")
    assert inc["priority_score"] == 82


def test_priority_critical_asset_marked_after_registration(server, company):
    cid, key = company
    asset = unique("crit")
    send(server, key, asset_name=asset, signature="first", severity="low")  # auto-registers it
    r = server.admin().put(f"/api/companies/{cid}/assets/{asset}", json={"is_critical": True})
    assert r.status_code == 200, r.text
    inc, _ = new_incident(server, key, asset_name=asset, signature="second", severity="medium")
    assert inc["priority_score"] == 52


def test_priority_two_tools_adds_10(server, company):
    _, key = company
    asset = unique("tools")
    inc, _ = new_incident(server, key, asset_name=asset, severity="high", tool_source="zabbix")
    send(server, key, asset_name=asset, severity="high", tool_source="datadog")
    assert incident(server, inc["id"])["priority_score"] == 60 + 2 * 2 + 10


def test_priority_more_alerts_ranks_higher(server, company):
    _, key = company
    asset = unique("many")
    inc, _ = new_incident(server, key, asset_name=asset, severity="low")
    for _ in range(3):
        send(server, key, asset_name=asset, severity="low")
    assert incident(server, inc["id"])["priority_score"] == 10 + 4 * 2


# -- who may do what ------------------------------------------------------------
def test_client_is_read_only(server, acme_incident):
    client = as_demo(server, ACME, "client")
    iid = acme_incident["id"]
    assert client.get(f"/api/incidents/{iid}").status_code == 200
    assert client.get(f"/api/incidents/{iid}/alerts").status_code == 200
    assert_error(client.put(f"/api/incidents/{iid}", json={"status": "resolved"}), 403)
    assert_error(client.post(f"/api/incidents/{iid}/acknowledge"), 403)
    assert_error(client.post(f"/api/incidents/{iid}/escalate"), 403)
    assert incident(server, iid)["status"] == "new"


@pytest.mark.parametrize("kind", ["company", "tech", "client"])
def test_other_company_users_get_404(server, acme_incident, kind):
    other = as_demo(server, TECHSTART, kind)
    iid = acme_incident["id"]
    assert_error(other.get(f"/api/incidents/{iid}"), 404)
    assert_error(other.get(f"/api/incidents/{iid}/alerts"), 404)
    assert_error(other.put(f"/api/incidents/{iid}", json={"status": "resolved"}), 404)
    assert_error(other.post(f"/api/incidents/{iid}/acknowledge"), 404)
    assert_error(other.post(f"/api/incidents/{iid}/escalate"), 404)
    assert_error(other.get("/api/incidents", params={"company_id": ACME}), (403, 404))
    assert incident(server, iid)["status"] == "new"


def test_no_token_is_401(server, acme_incident):
    iid = acme_incident["id"]
    for method, path in [("GET", "/api/incidents"), ("GET", f"/api/incidents/{iid}"),
                         ("GET", f"/api/incidents/{iid}/alerts"), ("PUT", f"/api/incidents/{iid}"),
                         ("POST", f"/api/incidents/{iid}/acknowledge"),
                         ("POST", f"/api/incidents/{iid}/escalate")]:
        r = requests.request(method, server.url(path), json={"status": "resolved"}, timeout=30)
        assert_error(r, 401)


def test_incident_resolves_only_when_all_its_alerts_are_resolved(server, company):
    cid, key = company
    put_correlation(server, cid, aggregation_key="asset")
    asset = unique("all")
    a = send(server, key, asset_name=asset, signature="disk_full")
    b = send(server, key, asset_name=asset, signature="cpu_high")
    assert a["incident_id"] == b["incident_id"]
    send(server, key, asset_name=asset, signature="disk_full", message="disk ok", status="resolved")
    assert alert_by_id(server, cid, a["alert_id"])["status"] == "resolved"
    assert alert_by_id(server, cid, b["alert_id"])["status"] == "active"
    assert incident(server, a["incident_id"])["status"] == "new"
    send(server, key, asset_name=asset, signature="cpu_high", message="cpu ok", status="resolved")
    assert alert_by_id(server, cid, b["alert_id"])["status"] == "resolved"
    assert incident(server, a["incident_id"])["status"] == "resolved"


def test_concurrent_versioned_updates_one_wins(server, acme_incident):
    iid, v = acme_incident["id"], acme_incident["version"]
    token = server.admin_token()
    results = [None] * 10
    barrier = threading.Barrier(10)

    def worker(i):
        s = server.session(token)
        barrier.wait(timeout=30)
        results[i] = s.put(f"/api/incidents/{iid}", json={"resolution_notes": f"note {i}", "version": v})

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(r.status_code for r in results)
    assert codes == [200] + [409] * 9, [(r.status_code, r.text) for r in results]
    for r in results:
        if r.status_code == 409:
            assert r.json()["code"] == "stale_version"
    winner = next(r.json() for r in results if r.status_code == 200)
    got = incident(server, iid)
    assert got["version"] == v + 1
    assert got["resolution_notes"] == winner["resolution_notes"]
