"""On-call schedules: CRUD, validation (422 naming the field), tenant isolation, paging, audit,
and GET /api/on-call/current with priorities and overrides."""

import datetime
import uuid

from aw_harness import assert_error
from helpers3 import ACME, TECHSTART, as_demo, new_company, page_all, user_id

SCHEDULES = "/api/on-call-schedules"


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def weekly(user, company_id=ACME, **over):
    body = {"company_id": company_id, "name": "Nights", "user_id": user, "type": "weekly",
            "days_of_week": [0, 1, 2, 3, 4], "start_time": "22:00", "end_time": "06:00",
            "timezone": "Europe/Berlin", "priority": 5}
    body.update(over)
    return body


def company_with_staff(server):
    """A new company with a technician and a company admin; returns (cid, tech id, admin session)."""
    cid, _ = new_company(server)
    tech, _, _ = server.create_user(role="technician", company_ids=[cid])
    _, email, pw = server.create_user(role="company_admin", company_ids=[cid])
    return cid, tech["id"], server.as_user(email, pw)


def test_routes_need_a_token(server):
    s = server.session()
    for method, path in [("GET", SCHEDULES), ("POST", SCHEDULES), ("PUT", SCHEDULES + "/x"),
                         ("DELETE", SCHEDULES + "/x"), ("GET", "/api/on-call/current?company_id=comp-acme")]:
        assert_error(s.request(method, path, json={}), 401)


def test_create_update_delete_and_audit(server):
    admin = as_demo(server, ACME, "company")
    tech = user_id(server, as_demo(server, ACME, "tech"))
    r = admin.post(SCHEDULES, json=weekly(tech))
    assert r.status_code == 201, r.text
    sched = r.json()
    for k in ("id", "company_id", "user_id", "type", "days_of_week", "start_time", "end_time", "timezone",
              "priority", "overrides", "active", "created_at"):
        assert k in sched, k
    assert sched["company_id"] == ACME and sched["user_id"] == tech and sched["priority"] == 5

    listed, _ = page_all(admin, SCHEDULES, {"company_id": ACME})
    assert sched["id"] in [s["id"] for s in listed]

    r = admin.put(f"{SCHEDULES}/{sched['id']}", json={"end_time": "07:30", "priority": 9})
    assert r.status_code == 200, r.text
    assert r.json()["end_time"] == "07:30" and r.json()["priority"] == 9
    assert r.json()["start_time"] == "22:00"  # untouched fields stay

    r = admin.delete(f"{SCHEDULES}/{sched['id']}")
    assert r.status_code == 204, r.text
    assert_error(admin.put(f"{SCHEDULES}/{sched['id']}", json={"priority": 1}), 404)
    assert_error(admin.delete(f"{SCHEDULES}/{sched['id']}"), 404)

    logs, _ = page_all(server.admin(), "/api/audit-logs", {"company_id": ACME})
    actions = {(e["action"], e["resource_id"]) for e in logs}
    assert ("on_call_schedule_created", sched["id"]) in actions
    assert ("on_call_schedule_updated", sched["id"]) in actions
    assert ("on_call_schedule_deleted", sched["id"]) in actions


def test_validation_names_the_field(server):
    admin = as_demo(server, ACME, "company")
    tech = user_id(server, as_demo(server, ACME, "tech"))
    client = user_id(server, as_demo(server, ACME, "client"))
    other_tech = user_id(server, as_demo(server, TECHSTART, "tech"))
    now = now_utc()
    cases = [
        ({"user_id": None}, "user_id"),
        ({"user_id": "no-such-user"}, "user_id"),
        ({"user_id": client}, "user_id"),          # clients are never on call
        ({"user_id": other_tech}, "user_id"),      # not a member of Acme
        ({"type": "monthly"}, "type"),
        ({"days_of_week": []}, "days_of_week"),
        ({"days_of_week": [7]}, "days_of_week"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": "7pm"}, "end_time"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"priority": -1}, "priority"),
        ({"priority": "high"}, "priority"),
        ({"type": "one_time", "date": "2026-13-01"}, "date"),
        ({"type": "one_time"}, "date"),
        ({"overrides": "x"}, "overrides"),
        ({"overrides": [{"user_id": tech, "start": iso(now), "end": iso(now - datetime.timedelta(hours=1))}]},
         "overrides[0].end"),
        ({"overrides": [{"user_id": client, "start": iso(now), "end": iso(now)}]}, "overrides[0].user_id"),
        ({"overrides": [{"user_id": tech, "start": "tomorrow", "end": iso(now)}]}, "overrides[0].start"),
    ]
    for over, field in cases:
        body = weekly(tech, **over)
        if over.get("user_id", "") is None:
            body.pop("user_id")
        r = admin.post(SCHEDULES, json=body)
        err = assert_error(r, 422, "validation_error")
        assert err["detail"].startswith(field + ":"), (over, err)
    assert_error(server.admin().post(SCHEDULES, json={k: v for k, v in weekly(tech).items() if k != "company_id"}),
                 422, mentions="company_id")


def test_tenant_isolation_and_roles(server):
    acme_admin = as_demo(server, ACME, "company")
    acme_tech = as_demo(server, ACME, "tech")
    acme_client = as_demo(server, ACME, "client")
    ts_tech = user_id(server, as_demo(server, TECHSTART, "tech"))
    ts_sched = "oncall-techstart"  # seeded
    # Another company's schedules: not listed, not changeable, not creatable.
    assert_error(acme_admin.get(SCHEDULES, params={"company_id": TECHSTART}), 403)
    assert_error(acme_admin.post(SCHEDULES, json=weekly(ts_tech, company_id=TECHSTART)), 403)
    assert_error(acme_admin.put(f"{SCHEDULES}/{ts_sched}", json={"priority": 99}), 404)
    assert_error(acme_admin.delete(f"{SCHEDULES}/{ts_sched}"), 404)
    assert_error(acme_tech.get("/api/on-call/current", params={"company_id": TECHSTART}), 403)
    mine, _ = page_all(acme_tech, SCHEDULES)
    assert mine and all(s["company_id"] == ACME for s in mine)
    # Technicians and clients read, but only company admins write.
    tech_id = user_id(server, acme_tech)
    assert_error(acme_tech.post(SCHEDULES, json=weekly(tech_id)), 403)
    assert_error(acme_client.post(SCHEDULES, json=weekly(tech_id)), 403)
    assert acme_client.get(SCHEDULES).status_code == 200
    # The seeded TechStart schedule is untouched.
    ts = server.admin().get(SCHEDULES, params={"company_id": TECHSTART}).json()
    assert any(s["id"] == ts_sched and s["priority"] == 1 for s in ts)


def test_paging(server):
    cid, tech, admin = company_with_staff(server)
    ids = [admin.post(SCHEDULES, json=weekly(tech, company_id=cid, name=f"s{i}")).json()["id"] for i in range(5)]
    r = admin.get(SCHEDULES, params={"company_id": cid, "limit": 2})
    assert r.status_code == 200 and len(r.json()) == 2 and r.headers.get("X-Next-Cursor")
    items, pages = page_all(admin, SCHEDULES, {"company_id": cid}, limit=2)
    assert sorted(s["id"] for s in items) == sorted(ids) and pages == 3
    assert [s["id"] for s in items] == sorted(ids, reverse=True)  # newest first
    assert_error(admin.get(SCHEDULES, params={"company_id": cid, "limit": 0}), 422, mentions="limit")


def test_current_with_priority_and_override(server):
    cid, tech, admin = company_with_staff(server)
    r = admin.get("/api/on-call/current", params={"company_id": cid})
    assert r.status_code == 200 and r.json()["on_call"] is False and r.json()["user_id"] is None

    r = admin.post(SCHEDULES, json={"company_id": cid, "user_id": tech, "type": "daily", "start_time": "00:00",
                                    "end_time": "24:00", "timezone": "America/New_York", "priority": 1})
    assert r.status_code == 201, r.text
    cur = admin.get("/api/on-call/current", params={"company_id": cid}).json()
    assert cur["on_call"] is True and cur["user_id"] == tech and cur["override"] is False
    assert cur["until"] > iso(now_utc() + datetime.timedelta(days=13))  # joined days, up to the horizon

    # A stand-in for the next hour, by override.
    stand_in, _, _ = server.create_user(role="technician", company_ids=[cid])
    now = now_utc()
    end = now + datetime.timedelta(hours=1)
    sched = r.json()
    r = admin.put(f"{SCHEDULES}/{sched['id']}", json={"overrides": [
        {"user_id": stand_in["id"], "start": iso(now - datetime.timedelta(minutes=5)), "end": iso(end),
         "reason": "dentist"}]})
    assert r.status_code == 200, r.text
    cur = admin.get("/api/on-call/current", params={"company_id": cid}).json()
    assert cur["user_id"] == stand_in["id"] and cur["override"] is True and cur["until"] == iso(end)
    assert cur["user_email"] == stand_in["email"]

    # A higher-priority schedule wins over both.
    boss, _, _ = server.create_user(role="company_admin", company_ids=[cid])
    r = admin.post(SCHEDULES, json={"company_id": cid, "user_id": boss["id"], "type": "daily", "start_time": "00:00",
                                    "end_time": "24:00", "priority": 50})
    assert r.status_code == 201, r.text
    assert admin.get("/api/on-call/current", params={"company_id": cid}).json()["user_id"] == boss["id"]
    # Inactive schedules do not count.
    assert admin.put(f"{SCHEDULES}/{r.json()['id']}", json={"active": False}).status_code == 200
    assert admin.get("/api/on-call/current", params={"company_id": cid}).json()["user_id"] == stand_in["id"]


def test_current_needs_a_company_for_msp_admins(server):
    assert_error(server.admin().get("/api/on-call/current"), 422, mentions="company_id")
    # A user of one company may omit it.
    r = as_demo(server, ACME, "tech").get("/api/on-call/current")
    assert r.status_code == 200 and r.json()["company_id"] == ACME
    assert_error(server.admin().get("/api/on-call/current", params={"company_id": f"nope-{uuid.uuid4().hex[:6]}"}),
                 404)
