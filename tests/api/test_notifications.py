"""Notifications: created for real users when a critical/high incident opens and when an incident
is assigned; each user lists, reads and counts only their own."""

import uuid

import pytest

from aw_harness import assert_error, demo_user

ACME = "comp-acme"
TECHSTART = "comp-techstart"


def session_of(server, company_id, kind):
    return server.as_user(*demo_user(company_id, kind))


def me(session):
    r = session.get("/api/auth/me")
    assert r.status_code == 200, r.text
    return r.json()["id"]


def notes(session, **params):
    r = session.get("/api/notifications", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def unread(session):
    r = session.get("/api/notifications/unread-count")
    assert r.status_code == 200, r.text
    return r.json()["unread_count"]


def critical_incident(server, company_id=ACME, severity="critical"):
    body = server.send_alert(server.api_key_for(company_id), severity=severity,
                             asset_name=f"db-{uuid.uuid4().hex[:8]}", signature="db_down").json()
    assert body.get("incident_created"), body
    return body["incident_id"]


def test_critical_incident_notifies_technicians_and_admins_by_real_id(server):
    tech, company_admin, client = (session_of(server, ACME, k) for k in ("tech", "company", "client"))
    ts_tech = session_of(server, TECHSTART, "tech")
    admin = server.admin()
    inc = critical_incident(server)
    for s in (tech, company_admin, admin):
        mine = [n for n in notes(s) if n.get("incident_id") == inc]
        assert len(mine) == 1, f"expected one notification for {inc}: {mine}"
        n = mine[0]
        assert n["user_id"] == me(s), "addressed to the real user id"
        assert n["type"] == "incident_created"
        assert n["company_id"] == ACME
        assert n["read"] is False and n["priority"] == "critical"
        assert "db_down" in n["title"]
        assert "ttl" not in n
    for s in (client, ts_tech):
        assert not [n for n in notes(s) if n.get("incident_id") == inc]


def test_low_severity_incident_notifies_nobody(server):
    tech = session_of(server, ACME, "tech")
    inc = critical_incident(server, severity="low")
    assert not [n for n in notes(tech) if n.get("incident_id") == inc]


def test_read_unread_count_and_mark_all_read_are_per_user(server):
    tech = session_of(server, ACME, "tech")
    company_admin = session_of(server, ACME, "company")
    tech.put("/api/notifications/mark-all-read")
    company_admin.put("/api/notifications/mark-all-read")
    assert unread(tech) == 0
    incs = [critical_incident(server) for _ in range(3)]
    assert unread(tech) == 3
    assert unread(company_admin) == 3
    mine = notes(tech, unread_only="true")
    assert [n["incident_id"] for n in mine[:3]] == incs[::-1], "newest first"

    # Someone else's id is invisible: 404, and nothing changes.
    other = notes(company_admin, unread_only="true")[0]
    assert_error(tech.put(f"/api/notifications/{other['id']}/read"), 404)
    assert unread(company_admin) == 3

    r = tech.put(f"/api/notifications/{mine[0]['id']}/read")
    assert r.status_code == 200, r.text
    assert r.json()["read"] is True and r.json()["read_at"]
    assert unread(tech) == 2
    assert len(notes(tech, unread_only="true")) == 2
    r = tech.put("/api/notifications/mark-all-read")
    assert r.status_code == 200 and r.json()["marked_read"] == 2
    assert unread(tech) == 0
    assert unread(company_admin) == 3  # untouched


def test_paging_and_validation(server):
    tech = session_of(server, ACME, "tech")
    for _ in range(3):
        critical_incident(server, severity="high")
    r = tech.get("/api/notifications", params={"limit": 2})
    assert r.status_code == 200 and len(r.json()) == 2
    cursor = r.headers.get("X-Next-Cursor")
    assert cursor
    r2 = tech.get("/api/notifications", params={"limit": 2, "cursor": cursor})
    assert r2.status_code == 200
    assert not {n["id"] for n in r.json()} & {n["id"] for n in r2.json()}
    assert r2.json()[0]["id"] < r.json()[-1]["id"]
    assert_error(tech.get("/api/notifications", params={"unread_only": "maybe"}), 422, mentions="unread_only")
    assert_error(tech.get("/api/notifications", params={"limit": 0}), 422, mentions="limit")
    assert_error(tech.get("/api/notifications", params={"cursor": "garbage"}), 422, mentions="cursor")
    assert_error(tech.put("/api/notifications/nope/read"), 404)
    anon = server.session()
    for method, path in (("GET", "/api/notifications"), ("GET", "/api/notifications/unread-count"),
                         ("PUT", "/api/notifications/mark-all-read")):
        assert_error(anon.request(method, path), 401)


def test_assignment_notifies_the_assignee(server):
    tech = session_of(server, ACME, "tech")
    inc = critical_incident(server, severity="medium")
    admin = server.admin()
    r = admin.put(f"/api/incidents/{inc}", json={"assigned_to": me(tech)})
    assert r.status_code == 200, r.text
    assigned = [n for n in notes(tech) if n.get("incident_id") == inc]
    assert [n["type"] for n in assigned] == ["incident_assigned"]
    # A further change that keeps the assignee does not notify again.
    r = admin.put(f"/api/incidents/{inc}", json={"status": "acknowledged"})
    assert r.status_code == 200, r.text
    assert len([n for n in notes(tech) if n.get("incident_id") == inc]) == 1


def test_mark_read_is_audited(server):
    tech = session_of(server, ACME, "tech")
    tech.put("/api/notifications/mark-all-read")
    r = server.admin().get("/api/audit-logs", params={"limit": 20})
    assert r.status_code == 200, r.text
    assert any(e.get("user_id") == me(tech) and e.get("action") == "mark_all_read_updated"
               and e.get("outcome") == "success" for e in r.json()), r.json()[:3]
