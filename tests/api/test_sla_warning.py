"""The SLA warning is relative to each target (issue 16, defect 5).

It used to start 30 minutes before a deadline, which is the whole 30-minute
response target of a critical incident: a brand-new critical incident read
response_warning. Now it starts when warning_percent (default 80, per company
in sla-config) of the target has elapsed. Checked through the real binary with
its clock shifted (AW_TEST_MODE=1 + AW_TEST_CLOCK_OFFSET_SECONDS) across restarts
on the same data directory.
"""

import time

from helpers3 import send

RESPONSE_MINUTES = {"critical": 30, "high": 120, "medium": 480, "low": 1440}
RESOLUTION_MINUTES = {"critical": 240, "high": 480, "medium": 1440, "low": 2880}
FAST = {"AW_WORKER_INTERVAL_SECONDS": "1", "AW_TEST_MODE": "1"}


def _status(admin, incident_id):
    r = admin.get(f"/api/incidents/{incident_id}/sla-status")
    assert r.status_code == 200, r.text
    return r.json()


def _open_one_per_severity(server, cid, key):
    return {sev: send(server, key, severity=sev, asset_name=f"{cid}-{sev}")["incident_id"]
            for sev in RESPONSE_MINUTES}


def _expected(severity, elapsed_s, percent=80):
    """The state shown for an incident nobody answered: the worst of resolution breached >
    response breached > response warning > resolution warning > on track."""
    response = RESPONSE_MINUTES[severity] * 60
    resolution = RESOLUTION_MINUTES[severity] * 60
    if elapsed_s >= resolution:
        return "resolution_breached"
    if elapsed_s >= response:
        return "response_breached"
    if elapsed_s >= response * percent // 100:
        return "response_warning"
    return "resolution_warning" if elapsed_s >= resolution * percent // 100 else "on_track"


def test_each_severity_is_on_track_in_its_first_minute_and_warns_at_80_percent(server_factory):
    data_dir = server_factory.new_data_dir()
    first = server_factory.start(data_dir=data_dir, env=FAST)
    company = first.create_company()
    cid, key = company["id"], first.api_key_for(company["id"])
    admin = first.admin()
    assert admin.get(f"/api/companies/{cid}/sla-config").json()["warning_percent"] == 80
    opened_at = time.monotonic()
    incidents = _open_one_per_severity(first, cid, key)
    for sev, inc in incidents.items():
        st = _status(admin, inc)
        assert st["status"] == "on_track", (sev, st)
        assert st["response"]["warning"] is False and st["resolution"]["warning"] is False, (sev, st)
        minutes = RESPONSE_MINUTES[sev]
        assert minutes - 1 <= st["response"]["minutes_left"] <= minutes, (sev, st)
    # The monitor runs every second: no warning notice goes out for a fresh incident.
    time.sleep(2.5)
    for sev, inc in incidents.items():
        assert "sla_response_warning_at" not in admin.get(f"/api/incidents/{inc}").json(), sev
    first.stop_and_check()

    # Restart just before, then just after, each severity's 80 % point.
    offsets = []
    for sev in ("critical", "high", "medium", "low"):
        warn_at = RESPONSE_MINUTES[sev] * 60 * 80 // 100
        offsets += [warn_at - 120, warn_at + 5]
    for offset in offsets:
        srv = server_factory.start(data_dir=data_dir, env=dict(FAST, AW_TEST_CLOCK_OFFSET_SECONDS=str(offset)))
        admin = srv.admin()
        real = time.monotonic() - opened_at
        assert real < 110, "the test is too slow for its two-minute margins"
        for sev, inc in incidents.items():
            st = _status(admin, inc)
            # The incident was opened `real` seconds ago on the real clock, plus the offset.
            want = _expected(sev, offset + int(real))
            assert st["status"] == want, (sev, offset, real, st)
            assert st["response"]["warning"] is (want == "response_warning"), (sev, offset, st)
        srv.stop_and_check()


def test_warning_percent_is_per_company(server_factory):
    data_dir = server_factory.new_data_dir()
    first = server_factory.start(data_dir=data_dir, env=FAST)
    company = first.create_company()
    cid, key = company["id"], first.api_key_for(company["id"])
    admin = first.admin()
    r = admin.put(f"/api/companies/{cid}/sla-config", json={"warning_percent": 50})
    assert r.status_code == 200 and r.json()["warning_percent"] == 50, r.text
    inc = send(first, key, severity="critical")["incident_id"]
    st = _status(admin, inc)
    assert st["status"] == "on_track"
    assert st["response"]["warning_starts"] == admin.get(f"/api/incidents/{inc}").json()["sla"][
        "response_warning_starts"]
    first.stop_and_check()
    # 15 minutes (50 % of 30) and a few seconds later: warning, and the notice is sent once.
    srv = server_factory.start(data_dir=data_dir, env=dict(FAST, AW_TEST_CLOCK_OFFSET_SECONDS=str(15 * 60 + 5)))
    admin = srv.admin()
    st = _status(admin, inc)
    assert st["status"] == "response_warning" and st["response"]["warning"] is True, st
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if "sla_response_warning_at" in admin.get(f"/api/incidents/{inc}").json():
            break
        time.sleep(0.2)
    else:
        raise AssertionError("no SLA warning notice within 15 s")
