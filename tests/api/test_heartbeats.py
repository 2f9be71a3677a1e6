"""Heartbeats (dead-man switches): CRUD, the ping with the company's API key, a missed heartbeat
raising heartbeat_missed through the normal intake (an incident), the next ping resolving it; checked
by the worker exactly once per miss, also with two replicas on DynamoDB; tenant isolation,
validation, audit."""

import time

import pytest
import requests

from aw_harness import assert_error, on_dynamodb
from helpers3 import ACME, TECHSTART, alerts_of, as_demo, incident, new_company, page_all, unique
from noise_helpers import audit_entries, wait_for

LATER = {"AW_TEST_MODE": "1", "AW_TEST_CLOCK_OFFSET_SECONDS": "3600", "AW_WORKER_INTERVAL_SECONDS": "1"}


def heartbeats(cid):
    return f"/api/companies/{cid}/heartbeats"


def ping(server, hb_id, key, how="header"):
    url = server.url(f"/api/heartbeats/{hb_id}/ping")
    if how == "header":
        return requests.post(url, headers={"X-API-Key": key}, timeout=30)
    return requests.post(url, params={"api_key": key}, timeout=30)


def missed_alerts(server, cid, name):
    return [a for a in alerts_of(server, cid) if a["asset_name"] == name and a["signature"] == "heartbeat_missed"]


def test_crud_ping_and_isolation(server):
    cid, key = new_company(server)
    admin = server.admin()
    name = unique("backup-job")
    r = admin.post(heartbeats(cid), json={"name": name, "interval_seconds": 300, "grace_seconds": 60,
                                          "severity": "critical"})
    assert r.status_code == 201, r.text
    hb = r.json()
    assert hb["state"] == "waiting" and hb["ping_path"] == f"/api/heartbeats/{hb['id']}/ping"
    p = ping(server, hb["id"], key)
    assert p.status_code == 200 and p.json()["state"] == "up" and p.json()["resolved"] is False, p.text
    assert ping(server, hb["id"], key, how="query").json()["ping_count"] == 2
    listed, _ = page_all(admin, heartbeats(cid))
    assert [x["id"] for x in listed] == [hb["id"]] and listed[0]["last_ping_at"]
    # Pings need the owning company's key.
    _, other_key = new_company(server)
    assert_error(ping(server, hb["id"], other_key), 404)
    assert_error(requests.post(server.url(f"/api/heartbeats/{hb['id']}/ping"), timeout=30), 401, "missing_api_key")
    assert_error(ping(server, hb["id"], "nope"), 401, "invalid_api_key")
    assert_error(ping(server, "not-a-heartbeat", key), 404)
    # Tenant isolation and roles.
    foreign = as_demo(server, TECHSTART, "company")
    assert_error(foreign.get(heartbeats(cid)), 404)
    assert_error(foreign.post(heartbeats(cid), json={"name": "x", "interval_seconds": 60}), 404)
    assert_error(foreign.delete(f"{heartbeats(cid)}/{hb['id']}"), 404)
    client = as_demo(server, ACME, "client")
    assert client.get(heartbeats(ACME)).status_code == 200
    assert_error(client.post(heartbeats(ACME), json={"name": "x", "interval_seconds": 60}), 403)
    assert admin.delete(f"{heartbeats(cid)}/{hb['id']}").status_code == 200
    assert_error(admin.delete(f"{heartbeats(cid)}/{hb['id']}"), 404)
    assert_error(ping(server, hb["id"], key), 404)
    assert wait_for(lambda: audit_entries(server, cid, "heartbeat_created"), what="audit create")
    assert wait_for(lambda: audit_entries(server, cid, "heartbeat_deleted"), what="audit delete")


def test_bad_input_names_the_field(server):
    cid, _ = new_company(server)
    admin = server.admin()
    cases = [
        ({"interval_seconds": 60}, "name"),
        ({"name": "", "interval_seconds": 60}, "name"),
        ({"name": "x"}, "interval_seconds"),
        ({"name": "x", "interval_seconds": 5}, "interval_seconds"),
        ({"name": "x", "interval_seconds": "60"}, "interval_seconds"),
        ({"name": "x", "interval_seconds": 60, "grace_seconds": -1}, "grace_seconds"),
        ({"name": "x", "interval_seconds": 60, "severity": "urgent"}, "severity"),
    ]
    for body, field in cases:
        err = assert_error(admin.post(heartbeats(cid), json=body), 422)
        assert err["detail"].startswith(field), (body, err)


def test_missed_heartbeat_raises_an_alert_and_the_next_ping_resolves_it(server_factory):
    d = server_factory.new_data_dir()
    first = server_factory.start(data_dir=d)
    cid, key = new_company(first)
    name = unique("nightly")
    hb = first.admin().post(heartbeats(cid), json={"name": name, "interval_seconds": 600, "grace_seconds": 60,
                                                   "severity": "critical"}).json()
    assert ping(first, hb["id"], key).status_code == 200
    time.sleep(1.2)
    assert missed_alerts(first, cid, name) == []  # not due yet
    first.stop_and_check()

    later = server_factory.start(data_dir=d, env=LATER)  # an hour later: interval + grace passed
    alerts = wait_for(lambda: missed_alerts(later, cid, name), what="the heartbeat_missed alert")
    time.sleep(2.5)  # more worker ticks raise nothing more
    alerts = missed_alerts(later, cid, name)
    assert len(alerts) == 1, alerts
    a = alerts[0]
    assert a["severity"] == "critical" and a["tool_source"] == "Heartbeat" and a["correlated_incident_id"]
    inc = incident(later, a["correlated_incident_id"])
    assert inc["status"] in ("new", "escalated") and inc["asset_name"] == name  # it escalates like any incident
    listed = [x for x in page_all(later.admin(), heartbeats(cid))[0] if x["id"] == hb["id"]]
    assert listed[0]["state"] == "missed" and listed[0]["miss_count"] == 1
    p = ping(later, hb["id"], key)
    assert p.status_code == 200 and p.json()["resolved"] is True, p.text
    assert ping(later, hb["id"], key).json()["resolved"] is False  # one recovery per miss
    wait_for(lambda: incident(later, a["correlated_incident_id"])["status"] == "resolved", what="auto-resolve")
    resolved = [x for x in alerts_of(later, cid) if x["asset_name"] == name and x["status"] == "resolved"]
    assert resolved, "the ping should resolve the alert"


@pytest.mark.dynamodb_only
def test_two_replicas_raise_one_alert_per_miss(server_factory):
    assert on_dynamodb()
    d = server_factory.new_data_dir()
    first = server_factory.start(data_dir=d)
    cid, key = new_company(first)
    names = [unique("hb") for _ in range(3)]
    for n in names:
        r = first.admin().post(heartbeats(cid), json={"name": n, "interval_seconds": 60, "grace_seconds": 0})
        assert r.status_code == 201, r.text
    first.stop_and_check()
    a = server_factory.start(data_dir=d, env=LATER)
    b = server_factory.start(data_dir=d, env=LATER)
    for n in names:
        wait_for(lambda n=n: missed_alerts(a, cid, n), what=f"the miss of {n}")
    time.sleep(3)  # both replicas tick several more times
    for n in names:
        assert len(missed_alerts(b, cid, n)) == 1, n
    hbs, _ = page_all(b.admin(), heartbeats(cid))
    assert all(h["miss_count"] == 1 and h["state"] == "missed" for h in hbs), hbs
