"""SLA: config (defaults, validation, roles, tenant isolation), deadlines stamped on new incidents
(calendar and business time, checked against an independent second-by-second count with Python's
zoneinfo), sla-status as the incident is worked, and the compliance report."""

import datetime
import zoneinfo

from aw_harness import assert_error
from helpers3 import ACME, TECHSTART, as_demo, new_company, send

DEFAULTS = {"critical": (30, 240), "high": (120, 480), "medium": (480, 1440), "low": (1440, 2880)}


def parse(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def business_deadline(start, minutes, zone, start_hm=(9, 0), end_hm=(17, 0), days=(0, 1, 2, 3, 4)):
    """Counts business seconds one by one (an oracle independent of the server's window maths)."""
    tz = zoneinfo.ZoneInfo(zone)
    t = int(start.timestamp())
    need = minutes * 60
    lo, hi = start_hm[0] * 60 + start_hm[1], end_hm[0] * 60 + end_hm[1]
    while need > 0:
        local = datetime.datetime.fromtimestamp(t, tz)
        m = local.hour * 60 + local.minute
        if local.weekday() in days and lo <= m < hi:
            need -= 1
            t += 1
        else:
            # Jump to the next minute boundary outside the window (cheap, still exact).
            t += 60 - local.second
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)


def test_routes_need_a_token(server):
    s = server.session()
    for method, path in [("GET", f"/api/companies/{ACME}/sla-config"), ("PUT", f"/api/companies/{ACME}/sla-config"),
                         ("GET", f"/api/companies/{ACME}/sla-report"), ("GET", "/api/incidents/x/sla-status")]:
        assert_error(s.request(method, path, json={}), 401)


def test_default_config_and_update(server):
    cid, _ = new_company(server)
    admin = server.admin()
    cfg = admin.get(f"/api/companies/{cid}/sla-config").json()
    assert cfg["is_default"] is True and cfg["enabled"] is True and cfg["warning_percent"] == 80
    for sev, (resp, resol) in DEFAULTS.items():
        assert cfg["response_minutes"][sev] == resp and cfg["resolution_minutes"][sev] == resol
    assert cfg["business_hours"] == {"enabled": False, "timezone": "UTC", "start": "09:00", "end": "17:00",
                                     "days": [0, 1, 2, 3, 4]}
    r = admin.put(f"/api/companies/{cid}/sla-config", json={
        "response_minutes": {"critical": 15}, "warning_percent": 90,
        "business_hours": {"enabled": True, "timezone": "America/New_York", "start": "08:00", "end": "18:00",
                           "days": [0, 1, 2, 3, 4, 5]}})
    assert r.status_code == 200, r.text
    cfg = r.json()
    assert cfg["response_minutes"]["critical"] == 15 and cfg["response_minutes"]["high"] == 120
    assert cfg["warning_percent"] == 90 and cfg["is_default"] is False
    assert cfg["business_hours"]["timezone"] == "America/New_York" and cfg["business_hours"]["days"][-1] == 5
    assert admin.get(f"/api/companies/{cid}/sla-config").json() == cfg


def test_validation_names_the_field(server):
    admin = server.admin()
    path = f"/api/companies/{ACME}/sla-config"
    cases = [
        ({"response_minutes": {"critical": 0}}, "response_minutes.critical"),
        ({"response_minutes": {"critical": "fast"}}, "response_minutes.critical"),
        ({"response_minutes": {"urgent": 5}}, "response_minutes.urgent"),
        ({"response_minutes": 5}, "response_minutes"),
        ({"resolution_minutes": {"high": 60}}, "resolution_minutes.high"),  # shorter than its response (120)
        ({"warning_percent": 0}, "warning_percent"),
        ({"warning_percent": 100}, "warning_percent"),
        ({"warning_percent": 50.5}, "warning_percent"),
        ({"warning_minutes": 10}, "warning_minutes"),  # replaced by warning_percent
        ({"enabled": "yes"}, "enabled"),
        ({"business_hours": {"timezone": "Europe/Atlantis"}}, "business_hours.timezone"),
        ({"business_hours": {"start": "9am"}}, "business_hours.start"),
        ({"business_hours": {"start": "18:00", "end": "09:00"}}, "business_hours.end"),
        ({"business_hours": {"days": []}}, "business_hours.days"),
        ({"business_hours": {"days": [7]}}, "business_hours.days"),
        ({"business_hours": []}, "business_hours"),
    ]
    for body, field in cases:
        err = assert_error(admin.put(path, json=body), 422, "validation_error")
        assert err["detail"].startswith(field + ":"), (body, err)
    assert_error(admin.put(path, data="{", headers={"Content-Type": "application/json"}), 400)


def test_roles_and_tenant_isolation(server):
    acme_tech = as_demo(server, ACME, "tech")
    acme_client = as_demo(server, ACME, "client")
    acme_admin = as_demo(server, ACME, "company")
    assert acme_tech.get(f"/api/companies/{ACME}/sla-config").status_code == 200
    assert acme_client.get(f"/api/companies/{ACME}/sla-report").status_code == 200
    assert_error(acme_tech.put(f"/api/companies/{ACME}/sla-config", json={"warning_percent": 75}), 403)
    assert_error(acme_client.put(f"/api/companies/{ACME}/sla-config", json={"warning_percent": 75}), 403)
    for path in ("sla-config", "sla-report"):
        assert_error(acme_admin.get(f"/api/companies/{TECHSTART}/{path}"), 404)
    assert_error(acme_admin.put(f"/api/companies/{TECHSTART}/sla-config", json={"warning_percent": 75}), 404)
    ts_incident = send(server, server.api_key_for(TECHSTART), severity="low")["incident_id"]
    assert_error(acme_admin.get(f"/api/incidents/{ts_incident}/sla-status"), 404)
    assert as_demo(server, TECHSTART, "client").get(f"/api/incidents/{ts_incident}/sla-status").status_code == 200
    # The update is audited.
    assert acme_admin.put(f"/api/companies/{ACME}/sla-config", json={"warning_percent": 80}).status_code == 200
    logs = server.admin().get("/api/audit-logs", params={"company_id": ACME, "action": "sla_config_updated"}).json()
    assert logs and logs[0]["user_email"] == "company@acme.com"


def test_deadlines_are_stamped_in_calendar_time(server):
    cid, key = new_company(server)
    admin = server.admin()
    admin.put(f"/api/companies/{cid}/sla-config", json={"response_minutes": {"critical": 45}})
    inc_id = send(server, key, severity="critical")["incident_id"]
    inc = admin.get(f"/api/incidents/{inc_id}").json()
    created = parse(inc["created_at"]).replace(microsecond=0)
    assert parse(inc["sla"]["response_due"]) == created + datetime.timedelta(minutes=45)
    assert parse(inc["sla"]["resolution_due"]) == created + datetime.timedelta(minutes=240)
    assert inc["sla"]["business_hours"] is False


def test_deadlines_are_stamped_in_business_time(server):
    cid, key = new_company(server)
    admin = server.admin()
    for zone, severity in (("America/New_York", "high"), ("Asia/Kolkata", "medium")):
        r = admin.put(f"/api/companies/{cid}/sla-config", json={
            "business_hours": {"enabled": True, "timezone": zone, "start": "09:00", "end": "17:00",
                               "days": [0, 1, 2, 3, 4]}})
        assert r.status_code == 200, r.text
        inc_id = send(server, key, severity=severity)["incident_id"]
        inc = admin.get(f"/api/incidents/{inc_id}").json()
        created = parse(inc["created_at"]).replace(microsecond=0)
        resp, resol = DEFAULTS[severity]
        assert inc["sla"]["business_hours"] is True and inc["sla"]["timezone"] == zone
        assert parse(inc["sla"]["response_due"]) == business_deadline(created, resp, zone), zone
        assert parse(inc["sla"]["resolution_due"]) == business_deadline(created, resol, zone), zone


def test_status_follows_the_incident(server):
    cid, key = new_company(server)
    admin = server.admin()
    # Low: 1440 / 2880 minutes: on track.
    low = send(server, key, severity="low")["incident_id"]
    st = admin.get(f"/api/incidents/{low}/sla-status").json()
    assert st["status"] == "on_track" and st["sla_enabled"] is True
    assert 1438 <= st["response"]["minutes_left"] <= 1440 and st["minutes_left"] == st["response"]["minutes_left"]
    assert st["responded"] is False and st["resolved"] is False
    # Critical: 30 minutes; the warning starts at 80 % (24 min): on track at first.
    crit = send(server, key, severity="critical")["incident_id"]
    st = admin.get(f"/api/incidents/{crit}/sla-status").json()
    assert st["status"] == "on_track" and st["response"]["warning"] is False
    # Acknowledging answers it: the resolution clock (240 min) is on track.
    assert admin.post(f"/api/incidents/{crit}/acknowledge").status_code == 200
    st = admin.get(f"/api/incidents/{crit}/sla-status").json()
    assert st["responded"] is True and st["status"] == "on_track" and st["response"]["breached"] is False
    assert st["response"]["responded_at"] is not None and 238 <= st["minutes_left"] <= 240
    # Resolving stops the clock.
    r = admin.put(f"/api/incidents/{crit}", json={"status": "resolved", "resolution_notes": "done"})
    assert r.status_code == 200, r.text
    st = admin.get(f"/api/incidents/{crit}/sla-status").json()
    assert st["resolved"] is True and st["clock_stopped"] is True and st["status"] == "on_track"
    # SLAs off: the status says so.
    admin.put(f"/api/companies/{cid}/sla-config", json={"enabled": False})
    off = send(server, key, severity="critical")["incident_id"]
    st = admin.get(f"/api/incidents/{off}/sla-status").json()
    assert st["sla_enabled"] is False and st["status"] == "on_track"


def test_report(server):
    cid, key = new_company(server)
    admin = server.admin()
    path = f"/api/companies/{cid}/sla-report"
    for bad in ("0", "366", "x"):
        assert_error(admin.get(path, params={"days": bad}), 422, mentions="days")
    empty = admin.get(path).json()
    assert empty["incidents"] == 0 and empty["compliance_pct"] is None and empty["days"] == 30
    ids = [send(server, key, severity=sev)["incident_id"] for sev in ("critical", "critical", "low")]
    assert admin.post(f"/api/incidents/{ids[0]}/acknowledge").status_code == 200
    assert admin.put(f"/api/incidents/{ids[0]}", json={"status": "resolved"}).status_code == 200
    rep = admin.get(path, params={"days": 7}).json()
    assert rep["incidents"] == 3 and rep["days"] == 7
    assert rep["met"] == 1 and rep["pending"] == 2 and rep["breached"] == 0
    assert rep["compliance_pct"] == 100.0 and rep["response_compliance_pct"] == 100.0
    assert rep["mtta_minutes"] is not None and rep["mttr_minutes"] is not None and rep["mttr_minutes"] < 5
    crit = rep["by_severity"]["critical"]
    assert crit["incidents"] == 2 and crit["met"] == 1 and crit["pending"] == 1
    assert rep["by_severity"]["low"]["incidents"] == 1 and rep["by_severity"]["high"]["incidents"] == 0
