"""Escalation: the policy route (defaults, validation, roles, tenant isolation) and the worker end to
end through the real binary: a short AW_WORKER_INTERVAL_SECONDS, and a restart with a shifted
clock (AW_TEST_CLOCK_OFFSET_SECONDS, test mode only) for time-driven escalation and SLA breaches."""

import time

from aw_harness import assert_error, free_port, run_cli
from helpers3 import ACME, TECHSTART, as_demo, new_company, page_all, send, user_id

FAST = {"AW_WORKER_INTERVAL_SECONDS": "1"}


def policy_path(cid):
    return f"/api/companies/{cid}/escalation-policy"


def staffed_company(server, with_login=False):
    """A company with an on-call technician (around the clock) and a company admin."""
    cid, key = new_company(server)
    tech, tech_email, tech_pw = server.create_user(role="technician", company_ids=[cid])
    cadmin, _, _ = server.create_user(role="company_admin", company_ids=[cid])
    r = server.admin().post("/api/on-call-schedules", json={
        "company_id": cid, "user_id": tech["id"], "type": "daily", "start_time": "00:00", "end_time": "24:00"})
    assert r.status_code == 201, r.text
    if with_login:
        return cid, key, tech["id"], cadmin["id"], server.as_user(tech_email, tech_pw)
    return cid, key, tech["id"], cadmin["id"]


def wait_for(fn, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def auto_escalations(server, cid):
    logs, _ = page_all(server.admin(), "/api/audit-logs", {"company_id": cid, "action": "incident.auto_escalated"})
    return logs


def test_routes_need_a_token(server):
    s = server.session()
    assert_error(s.get(policy_path(ACME)), 401)
    assert_error(s.put(policy_path(ACME), json={}), 401)


def test_default_policy_and_update(server):
    cid, _ = new_company(server)
    admin = server.admin()
    p = admin.get(policy_path(cid)).json()
    assert p["is_default"] is True and p["enabled"] is True
    assert [(l["level"], l["delay_minutes"], l["target"]) for l in p["levels"]] == [
        (1, 0, "on_call"), (2, 15, "company_admins"), (3, 30, "msp_admins")]
    assert p["triggers"] == {"unacknowledged_minutes": 15, "priority_threshold": None, "sla_warning": True,
                             "sla_breach": True}
    tech, _, _ = server.create_user(role="technician", company_ids=[cid])
    r = admin.put(policy_path(cid), json={
        "levels": [{"delay_minutes": 0, "target": "users", "user_ids": [tech["id"]]},
                   {"delay_minutes": 10, "target": "technicians"}],
        "triggers": {"priority_threshold": 80, "sla_warning": False}})
    assert r.status_code == 200, r.text
    p = r.json()
    assert [l["target"] for l in p["levels"]] == ["users", "technicians"] and p["levels"][0]["user_ids"] == [tech["id"]]
    assert p["triggers"]["priority_threshold"] == 80 and p["triggers"]["sla_warning"] is False
    assert p["triggers"]["unacknowledged_minutes"] == 15 and p["is_default"] is False
    assert admin.get(policy_path(cid)).json() == p


def test_validation_names_the_field(server):
    admin = server.admin()
    client = user_id(server, as_demo(server, ACME, "client"))
    other = user_id(server, as_demo(server, TECHSTART, "tech"))
    cases = [
        ({"levels": []}, "levels"),
        ({"levels": "x"}, "levels"),
        ({"levels": [{"target": "on_call"}] * 11}, "levels"),
        ({"levels": [{"delay_minutes": 5, "target": "on_call"}, {"delay_minutes": 1, "target": "msp_admins"}]},
         "levels[1].delay_minutes"),
        ({"levels": [{"delay_minutes": -1, "target": "on_call"}]}, "levels[0].delay_minutes"),
        ({"levels": [{"delay_minutes": 0}]}, "levels[0].target"),
        ({"levels": [{"delay_minutes": 0, "target": "the_ceo"}]}, "levels[0].target"),
        ({"levels": [{"target": "users"}]}, "levels[0].user_ids"),
        ({"levels": [{"target": "users", "user_ids": [client]}]}, "levels[0].user_ids"),
        ({"levels": [{"target": "users", "user_ids": [other]}]}, "levels[0].user_ids"),
        ({"triggers": {"unacknowledged_minutes": "soon"}}, "triggers.unacknowledged_minutes"),
        ({"triggers": {"priority_threshold": -5}}, "triggers.priority_threshold"),
        ({"triggers": {"sla_breach": 1}}, "triggers.sla_breach"),
        ({"enabled": "no"}, "enabled"),
    ]
    for body, field in cases:
        err = assert_error(admin.put(policy_path(ACME), json=body), 422, "validation_error")
        assert err["detail"].startswith(field + ":"), (body, err)


def test_roles_and_tenant_isolation(server):
    acme_admin = as_demo(server, ACME, "company")
    acme_tech = as_demo(server, ACME, "tech")
    assert acme_tech.get(policy_path(ACME)).status_code == 200
    assert_error(acme_tech.put(policy_path(ACME), json={"enabled": True}), 403)
    assert_error(as_demo(server, ACME, "client").put(policy_path(ACME), json={"enabled": True}), 403)
    assert_error(acme_admin.get(policy_path(TECHSTART)), 404)
    assert_error(acme_admin.put(policy_path(TECHSTART), json={"enabled": False}), 404)
    r = acme_admin.put(policy_path(ACME), json={"enabled": True})
    assert r.status_code == 200, r.text
    logs = server.admin().get("/api/audit-logs", params={"company_id": ACME,
                                                         "action": "escalation_policy_updated"}).json()
    assert logs and logs[0]["user_email"] == "company@acme.com"


def test_worker_escalates_each_level_once(server_factory):
    srv = server_factory.start(env=FAST)
    cid, key, tech, cadmin, tech_session = staffed_company(srv, with_login=True)
    admin = srv.admin()
    msp = user_id(srv, admin)
    # Every level at once, triggered by priority (any incident qualifies).
    r = admin.put(policy_path(cid), json={
        "levels": [{"delay_minutes": 0, "target": "on_call"}, {"delay_minutes": 0, "target": "company_admins"},
                   {"delay_minutes": 0, "target": "msp_admins"}],
        "triggers": {"priority_threshold": 0}})
    assert r.status_code == 200, r.text
    inc_id = send(srv, key, severity="medium")["incident_id"]
    inc = wait_for(lambda: (lambda i: i if i["escalation_level"] == 3 else None)(
        admin.get(f"/api/incidents/{inc_id}").json()), what="level 3")
    assert inc["escalated"] is True and inc["status"] == "escalated" and inc["escalated_at"]
    assert inc["escalated_by"] == "system" and "priority" in inc["escalation_reason"]
    hist = inc["escalation_history"]
    assert [h["level"] for h in hist] == [1, 2, 3]
    assert hist[0]["user_ids"] == [tech] and hist[1]["user_ids"] == [cadmin] and msp in hist[2]["user_ids"]
    # A few more ticks: nothing fires twice.
    time.sleep(2.5)
    assert len(admin.get(f"/api/incidents/{inc_id}").json()["escalation_history"]) == 3
    logs = auto_escalations(srv, cid)
    assert len(logs) == 3 and {l["user_email"] for l in logs} == {"system"}
    assert sorted(l["details"]["level"] for l in logs) == [1, 2, 3]
    assert {l["resource_id"] for l in logs} == {inc_id}
    # The on-call technician was notified (one notification for this incident's level 1).
    notes = wait_for(lambda: [n for n in tech_session.get("/api/notifications").json()
                              if n.get("type") == "escalation" and n.get("incident_id") == inc_id],
                     what="the escalation notification")
    assert len(notes) == 1
    # Another company's incidents are not touched by this company's policy.
    ts = send(srv, srv.api_key_for(TECHSTART), severity="low")["incident_id"]
    time.sleep(1.5)
    assert admin.get(f"/api/incidents/{ts}").json()["escalation_level"] == 0


def test_time_driven_escalation_across_a_restart(server_factory):
    # Day 0: two incidents; one is acknowledged at once.
    first = server_factory.start(env=FAST)
    cid, key, tech, cadmin = staffed_company(first)
    admin = first.admin()
    # Only the unacknowledged trigger: the critical incident's immediate SLA warning must not
    # escalate it in the instant before it is acknowledged.
    r = admin.put(policy_path(cid), json={"triggers": {"sla_warning": False, "sla_breach": False}})
    assert r.status_code == 200, r.text
    waiting = send(first, key, severity="medium")["incident_id"]
    acked = send(first, key, severity="medium")["incident_id"]
    breaching = send(first, key, severity="critical")["incident_id"]
    assert admin.post(f"/api/incidents/{acked}/acknowledge").status_code == 200
    assert admin.post(f"/api/incidents/{breaching}/acknowledge").status_code == 200
    time.sleep(1.5)  # a tick or two: nothing is due yet (15 minutes unacknowledged)
    assert admin.get(f"/api/incidents/{waiting}").json()["escalation_level"] == 0
    data_dir = first.data_dir
    first.stop_and_check()

    # The server comes back an hour later (its clock shifted for the test).
    later = dict(FAST, AW_TEST_MODE="1", AW_TEST_CLOCK_OFFSET_SECONDS="3600")
    second = server_factory.start(data_dir=data_dir, env=later)
    admin = second.admin()
    inc = wait_for(lambda: (lambda i: i if i["escalation_level"] == 3 else None)(
        admin.get(f"/api/incidents/{waiting}").json()), what="levels due while the server was down")
    assert "unacknowledged for 15 minutes" in inc["escalation_reason"]
    assert admin.get(f"/api/incidents/{acked}").json()["escalation_level"] == 0  # acknowledged: never escalated
    st = admin.get(f"/api/incidents/{breaching}/sla-status").json()
    assert st["status"] == "on_track" and st["responded"] is True  # acknowledged in time; resolution due at +240
    st = admin.get(f"/api/incidents/{waiting}/sla-status").json()
    assert st["status"] == "on_track"  # medium: 480 minutes
    assert len(auto_escalations(second, cid)) == 3
    second.stop_and_check()

    # Four more hours: the critical incident's resolution deadline (240 min) has passed.
    third = server_factory.start(data_dir=data_dir, env=dict(later, AW_TEST_CLOCK_OFFSET_SECONDS=str(5 * 3600)))
    admin = third.admin()
    st = admin.get(f"/api/incidents/{breaching}/sla-status").json()
    assert st["status"] == "resolution_breached" and st["resolution"]["minutes_left"] < 0
    wait_for(lambda: "sla_resolution_breach_at" in admin.get(f"/api/incidents/{breaching}").json(),
             what="the breach notice mark")
    rep = admin.get(f"/api/companies/{cid}/sla-report", params={"days": 1}).json()
    assert rep["incidents"] == 3 and rep["resolution_breaches"] == 1 and rep["breached"] == 1
    time.sleep(1.5)
    assert len(auto_escalations(third, cid)) == 3  # a restart repeats nothing


def test_clock_override_is_refused_outside_test_mode(tmp_path):
    port = str(free_port())
    r = run_cli(["serve", "--port", port], data_dir=tmp_path, env={"AW_TEST_CLOCK_OFFSET_SECONDS": "3600"},
                timeout=30)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "AW_TEST_CLOCK_OFFSET_SECONDS" in r.stderr and "AW_TEST_MODE" in r.stderr
    r = run_cli(["serve", "--port", port], data_dir=tmp_path, env={"AW_WORKER_INTERVAL_SECONDS": "0"}, timeout=30)
    assert r.returncode == 2 and "AW_WORKER_INTERVAL_SECONDS" in r.stderr
