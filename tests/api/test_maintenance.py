"""Maintenance windows: one-off and weekly (company time zone, DST), whole company or listed assets;
alerts inside are stored, marked suppressed "maintenance" and open no incident; the window edges to
the second; SLA clocks pause during a window; roles, tenant isolation, validation, audit."""

import datetime
import time

from aw_harness import assert_error
from helpers3 import ACME, TECHSTART, as_demo, new_company, page_all, send, unique
from noise_helpers import audit_entries, iso, kpis, next_second, sleep_until, stored_alert, wait_for


def windows(cid):
    return f"/api/companies/{cid}/maintenance-windows"


def create(session, cid, expect=201, **body):
    r = session.post(windows(cid), json=body)
    assert r.status_code == expect, f"POST window: {r.status_code} {r.text}"
    return r.json()


def test_one_off_window_of_listed_assets(server):
    cid, key = new_company(server)
    asset, other = unique("mw"), unique("mw")
    w = create(server.admin(), cid, type="one_off", starts_at=iso(time.time() - 60), ends_at=iso(time.time() + 3600),
               assets=[asset], name="disk swap")
    assert w["active"] is True and w["assets"] == [asset] and w["timezone"] == "UTC"
    out = send(server, key, asset_name=asset)
    assert out["suppressed"] == "maintenance" and "incident_id" not in out
    a = stored_alert(server, cid, out["alert_id"])
    assert a["suppressed"] == "maintenance" and a["maintenance_window_id"] == w["id"]
    assert "correlated_incident_id" not in a
    assert "incident_id" in send(server, key, asset_name=other)  # not listed
    wait_for(lambda: kpis(server, cid)["suppressed"]["maintenance"] == 1, what="the maintenance counter")


def test_window_edges_to_the_second(server):
    cid, key = new_company(server)
    asset = unique("edge")
    start = next_second(2.5)
    end = start + 3
    create(server.admin(), cid, starts_at=iso(start), ends_at=iso(end))  # whole company, type defaults to one_off

    def probe(at):
        sleep_until(at)
        return send(server, key, asset_name=asset, message=unique("m")).get("suppressed")

    assert probe(start - 0.7) is None
    assert probe(start + 0.05) == "maintenance"
    assert probe(end - 0.7) == "maintenance"
    assert probe(end + 0.05) is None


def test_weekly_window_covers_today_and_put_changes_it(server):
    cid, key = new_company(server)
    admin = server.admin()
    today = datetime.datetime.now(datetime.timezone.utc).weekday()
    asset = unique("wk")
    w = create(admin, cid, type="weekly", days=[today], start_time="00:00", end_time="00:00", timezone="UTC",
               assets=[asset])  # equal times: the whole day
    assert w["active"] is True and w["days"] == [today]
    assert send(server, key, asset_name=asset).get("suppressed") == "maintenance"
    other_day = (today + 3) % 7
    r = admin.put(f"{windows(cid)}/{w['id']}", json={"days": [other_day]})
    assert r.status_code == 200 and r.json()["days"] == [other_day] and r.json()["active"] is False, r.text
    assert "suppressed" not in send(server, key, asset_name=asset)
    assert admin.delete(f"{windows(cid)}/{w['id']}").status_code == 200
    assert_error(admin.delete(f"{windows(cid)}/{w['id']}"), 404)
    assert_error(admin.put(f"{windows(cid)}/{w['id']}", json={"days": [1]}), 404)
    assert wait_for(lambda: audit_entries(server, cid, "maintenance_window_created"), what="audit create")
    assert wait_for(lambda: audit_entries(server, cid, "maintenance_window_updated"), what="audit update")
    assert wait_for(lambda: audit_entries(server, cid, "maintenance_window_deleted"), what="audit delete")


def test_weekly_window_across_dst_in_berlin(server_factory):
    # The server's clock at Saturday 2027-03-27 12:00 UTC; Sunday 2027-03-28 02:00 CET becomes 03:00 CEST.
    target = datetime.datetime(2027, 3, 27, 12, 0, tzinfo=datetime.timezone.utc).timestamp()
    srv = server_factory.start(env={"AW_TEST_MODE": "1", "AW_TEST_CLOCK_OFFSET_SECONDS": str(int(target - time.time()))})
    cid, _ = new_company(srv)
    # The company's time zone (its SLA business hours) is the default of a window.
    r = srv.admin().put(f"/api/companies/{cid}/sla-config", json={"business_hours": {"timezone": "Europe/Berlin"}})
    assert r.status_code == 200, r.text
    w = create(srv.admin(), cid, type="weekly", days=[6], start_time="01:00", end_time="05:00")
    assert w["timezone"] == "Europe/Berlin", w
    # 01:00-05:00 on the wall clock: 00:00Z-03:00Z on the DST day (three real hours), then CEST.
    assert len(w["next"]) >= 2, w
    assert w["next"][0] == {"starts_at": "2027-03-28T00:00:00Z", "ends_at": "2027-03-28T03:00:00Z"}
    assert w["next"][1] == {"starts_at": "2027-04-03T23:00:00Z", "ends_at": "2027-04-04T03:00:00Z"}


def test_sla_does_not_breach_during_a_window(server_factory):
    d = server_factory.new_data_dir()
    first = server_factory.start(data_dir=d)
    cid, key = new_company(first)
    inside, outside = unique("in"), unique("out")
    # A window opening a minute after the incidents, for two hours, on one asset.
    now = time.time()
    create(first.admin(), cid, starts_at=iso(now + 60), ends_at=iso(now + 7260), assets=[inside])
    paused = send(first, key, asset_name=inside, severity="critical")["incident_id"]
    running = send(first, key, asset_name=outside, severity="critical")["incident_id"]
    first.stop_and_check()
    # 45 minutes later: the critical response target (30 minutes) passed for the other asset only.
    later = server_factory.start(data_dir=d, env={"AW_TEST_MODE": "1", "AW_TEST_CLOCK_OFFSET_SECONDS": "2700",
                                                  "AW_WORKER_INTERVAL_SECONDS": "1"})
    admin = later.admin()
    st = admin.get(f"/api/incidents/{running}/sla-status").json()
    assert st["status"] == "response_breached", st
    st = admin.get(f"/api/incidents/{paused}/sla-status").json()
    assert st["status"] == "on_track" and st["response"]["breached"] is False, st
    # Due 30 minutes of outside-window time after opening: 1 min before + 29 after the window.
    due = datetime.datetime.strptime(st["response"]["due"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    assert abs(due - (now + 7260 + 29 * 60)) <= 3, st
    wait_for(lambda: "sla_response_breach_at" in admin.get(f"/api/incidents/{running}").json(), what="breach mark")
    time.sleep(1.5)  # a few more worker ticks
    assert "sla_response_breach_at" not in admin.get(f"/api/incidents/{paused}").json()


def test_roles_tenant_isolation_and_validation(server):
    tech = as_demo(server, ACME, "tech")
    client = as_demo(server, ACME, "client")
    body = {"starts_at": iso(time.time() + 600), "ends_at": iso(time.time() + 1200), "assets": ["x"]}
    w = create(tech, ACME, **body)
    assert any(x["id"] == w["id"] for x in page_all(client, windows(ACME))[0])
    assert_error(client.post(windows(ACME), json=body), 403)
    other = as_demo(server, TECHSTART, "company")
    assert_error(other.get(windows(ACME)), 404)
    assert_error(other.put(f"{windows(ACME)}/{w['id']}", json={"assets": []}), 404)
    assert_error(other.delete(f"{windows(ACME)}/{w['id']}"), 404)
    assert_error(other.delete(f"{windows(TECHSTART)}/{w['id']}"), 404)
    admin = server.admin()
    cases = [
        ({"type": "daily"}, "type"),
        ({"ends_at": iso(time.time() + 60)}, "starts_at"),
        ({"starts_at": iso(time.time() + 60)}, "ends_at"),
        ({"starts_at": iso(time.time() + 60), "ends_at": iso(time.time() + 30)}, "ends_at"),
        ({"type": "weekly", "start_time": "01:00", "end_time": "02:00"}, "days"),
        ({"type": "weekly", "days": [7], "start_time": "01:00", "end_time": "02:00"}, "days"),
        ({"type": "weekly", "days": [1], "start_time": "25:00", "end_time": "02:00"}, "start_time"),
        ({"type": "weekly", "days": [1], "start_time": "01:00"}, "end_time"),
        ({"type": "weekly", "days": [1], "start_time": "01:00", "end_time": "02:00", "timezone": "Mars/Base"},
         "timezone"),
        (dict(body, assets="x"), "assets"),
        (dict(body, assets=[""]), "assets"),
    ]
    for b, field in cases:
        err = assert_error(admin.post(windows(ACME), json=b), 422)
        assert err["detail"].startswith(field), (b, err)
    assert admin.delete(f"{windows(ACME)}/{w['id']}").status_code == 200
