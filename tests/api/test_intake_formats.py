"""Monitoring tools' own payloads (docs/intake.md): Alertmanager's webhook and API v2 (what
Prometheus posts), Grafana, PagerDuty Events v2, Datadog, Zabbix. Per format: good payloads
(several alerts in one), malformed fields (400 naming the field), a recovery resolving the alert
and its incident, repeats, API keys, HMAC; and the per-company mapping config."""

import json
import time
import uuid
from pathlib import Path

import pytest
import requests

from aw_harness import assert_error
from helpers3 import alerts_of, as_demo, incident, new_company, sign

FIXTURES = Path(__file__).resolve().parent.parent / "testdata" / "intake"


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def post(server, path, body, key=None, how="header", headers=None, raw=None):
    h = {"Content-Type": "application/json"}
    params = {}
    if key is not None:
        if how == "header":
            h["X-API-Key"] = key
        elif how == "query":
            params["api_key"] = key
        elif how == "bearer":
            h["Authorization"] = "Bearer " + key
    h.update(headers or {})
    data = raw if raw is not None else json.dumps(body).encode()
    return requests.post(server.url(path), data=data, headers=h, params=params, timeout=60)


def uid(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def am_alert(instance, status="firing", alertname="HighCPU", severity="critical", starts="2026-02-06T13:00:00Z",
             ends="0001-01-01T00:00:00Z", fingerprint=None, summary=None):
    return {"status": status,
            "labels": {"alertname": alertname, "instance": instance, "job": "node", "severity": severity},
            "annotations": {"summary": summary or f"{alertname} on {instance}"},
            "startsAt": starts, "endsAt": ends,
            "generatorURL": "http://prometheus.example:9090/graph",
            "fingerprint": fingerprint or uuid.uuid4().hex[:16]}


def am_group(*alerts, status="firing"):
    return {"receiver": "aw", "status": status, "alerts": list(alerts), "groupLabels": {}, "commonLabels": {},
            "commonAnnotations": {}, "externalURL": "http://am.example:9093", "version": "4",
            "groupKey": "{}:{}", "truncatedAlerts": 0}


def by_asset(server, cid, asset):
    return [a for a in alerts_of(server, cid) if a["asset_name"] == asset]


@pytest.fixture
def company(server):
    return new_company(server)


# --- Alertmanager webhook ------------------------------------------------------------------

def test_alertmanager_group_stores_one_alert_per_alert(server, company):
    cid, key = company
    r = post(server, "/api/webhooks/alertmanager", fixture("alertmanager_webhook.json"), key)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["received"] == 2 and body["duplicates"] == 0 and body["company_id"] == cid
    assert [a["status"] for a in body["alerts"]] == ["active", "resolved"]
    probe = by_asset(server, cid, "https://server.example.org")
    assert len(probe) == 1, probe
    a = probe[0]
    assert a["signature"] == "ProbeFailure"
    assert a["severity"] == "critical"
    assert a["message"] == "BlackBox Probe Failure: https://server.example.org"
    assert a["tool_source"] == "Alertmanager"
    assert a["status"] == "active"
    assert a["timestamp"].startswith("2026-02-06T13:08:45.828")
    assert a["metadata"]["labels"]["job"] == "http_checks"
    assert a["metadata"]["annotations"]["description"].startswith("Instance https://server.example.org")
    assert a["metadata"]["fingerprint"] == "1a30ba71cca2921f"
    assert a.get("correlated_incident_id")
    load = by_asset(server, cid, "db-1:9100")
    assert len(load) == 1 and load[0]["status"] == "resolved" and load[0]["severity"] == "medium"


def test_alertmanager_ten_alerts_in_one_post(server, company):
    cid, key = company
    hosts = [uid("host") for _ in range(10)]
    r = post(server, "/api/webhooks/alertmanager", am_group(*[am_alert(h) for h in hosts]), key, how="query")
    assert r.status_code == 200, r.text
    assert r.json()["received"] == 10
    stored = {a["asset_name"] for a in alerts_of(server, cid)}
    assert set(hosts) <= stored
    assert len({a["alert_id"] for a in r.json()["alerts"]}) == 10


def test_alertmanager_resolved_resolves_the_alert_and_its_incident(server, company):
    cid, key = company
    host = uid("web")
    firing = am_alert(host, fingerprint="aaaa000011112222")
    r = post(server, "/api/webhooks/alertmanager", am_group(firing), key)
    assert r.status_code == 200, r.text
    inc_id = r.json()["alerts"][0]["incident_id"]
    assert incident(server, inc_id)["status"] == "new"
    resolved = dict(firing, status="resolved", endsAt="2026-02-06T13:05:00Z")
    r = post(server, "/api/webhooks/alertmanager", am_group(resolved, status="resolved"), key)
    assert r.status_code == 200, r.text
    assert r.json()["alerts"][0]["status"] == "resolved"
    stored = by_asset(server, cid, host)
    # The firing alert, now resolved, and the recovery itself (stored as resolved).
    assert sorted(a["status"] for a in stored) == ["resolved", "resolved"], stored
    assert incident(server, inc_id)["status"] == "resolved"


def test_alertmanager_resend_is_a_repeat(server, company):
    cid, key = company
    host = uid("rep")
    group = am_group(am_alert(host, fingerprint="bbbb000011112222"))
    first = post(server, "/api/webhooks/alertmanager", group, key)
    again = post(server, "/api/webhooks/alertmanager", group, key)
    assert first.status_code == 200 and again.status_code == 200, again.text
    assert again.json()["duplicates"] == 1
    assert again.json()["alerts"][0]["alert_id"] == first.json()["alerts"][0]["alert_id"]
    stored = by_asset(server, cid, host)
    assert len(stored) == 1 and stored[0]["delivery_attempts"] == 2
    # A new occurrence (new startsAt) of the same alert is a new alert.
    later = am_group(am_alert(host, fingerprint="bbbb000011112222", starts="2026-02-06T14:00:00Z"))
    assert post(server, "/api/webhooks/alertmanager", later, key).json()["duplicates"] == 0


# --- Alertmanager API v2 (Prometheus) --------------------------------------------------------

def test_api_v2_accepts_prometheus_alerts_with_bearer_key(server, company):
    cid, key = company
    body = fixture("prometheus_api_v2.json")
    r = post(server, "/api/v2/alerts", body, key, how="bearer")
    assert r.status_code == 200, r.text
    assert [a["status"] for a in r.json()["alerts"]] == ["active", "resolved"]
    down = by_asset(server, cid, "web-1:9100")
    assert len(down) == 1 and down[0]["severity"] == "critical" and down[0]["tool_source"] == "Prometheus"
    assert down[0]["signature"] == "InstanceDown"
    # Prometheus re-sends firing alerts every minute: repeats.
    again = post(server, "/api/v2/alerts", body[:1], key, how="bearer")
    assert again.status_code == 200 and again.json()["duplicates"] == 1


def test_api_v2_endsat_in_the_past_resolves(server, company):
    cid, key = company
    host = uid("prom")
    firing = {"labels": {"alertname": "Up", "instance": host, "severity": "warning"},
              "annotations": {"summary": "down"}, "startsAt": "2026-02-06T10:00:00Z",
              "endsAt": "2099-01-01T00:00:00Z"}
    r = post(server, "/api/v2/alerts", [firing], key, how="bearer")
    assert r.status_code == 200, r.text
    inc_id = r.json()["alerts"][0]["incident_id"]
    past = dict(firing, endsAt="2026-02-06T10:05:00Z")
    r = post(server, "/api/v2/alerts", [past], key, how="bearer")
    assert r.status_code == 200 and r.json()["alerts"][0]["status"] == "resolved", r.text
    assert all(a["status"] == "resolved" for a in by_asset(server, cid, host))
    assert incident(server, inc_id)["status"] == "resolved"


def test_api_v2_refuses_an_object(server, company):
    _, key = company
    r = post(server, "/api/v2/alerts", {"labels": {}}, key, how="bearer")
    assert_error(r, 400, "invalid_payload", mentions="array")


# --- Grafana ---------------------------------------------------------------------------------

def test_grafana_contact_point_payload(server, company):
    cid, key = company
    r = post(server, "/api/webhooks/grafana", fixture("grafana_webhook.json"), key, how="bearer")
    assert r.status_code == 202, r.text
    a = by_asset(server, cid, "app-1")
    assert len(a) == 1
    assert a[0]["signature"] == "High memory usage" and a[0]["tool_source"] == "Grafana"
    assert a[0]["metadata"]["values"] == {"B": 44.23943737541908, "C": 1}
    assert a[0]["metadata"]["org_id"] == 1
    assert a[0]["metadata"]["labels"]["team"] == "blue"
    assert a[0]["severity"] == "medium"  # no severity label: the default


# --- PagerDuty Events API v2 -------------------------------------------------------------------

def pd_event(key, action="trigger", dedup=None, source=None, **payload):
    body = fixture("pagerduty_trigger.json")
    body["routing_key"] = key
    body["event_action"] = action
    body["dedup_key"] = dedup or uid("dk")
    if source:
        body["payload"]["source"] = source
    body["payload"].update(payload)
    return body


@pytest.mark.parametrize("path", ["/v2/enqueue", "/api/webhooks/pagerduty"])
def test_pagerduty_trigger_answers_like_pagerduty(server, company, path):
    cid, key = company
    src = uid("pd")
    ev = pd_event(key, source=src)
    r = post(server, path, ev)
    assert r.status_code == 202, r.text
    assert r.json() == {"status": "success", "message": "Event processed", "dedup_key": ev["dedup_key"]}
    a = by_asset(server, cid, src)
    assert len(a) == 1
    assert a[0]["severity"] == "critical" and a[0]["signature"] == "disk" and a[0]["tool_source"] == "PagerDuty"
    assert a[0]["message"].startswith("DISK at 99%")
    assert a[0]["metadata"]["custom_details"]["free space"] == "1%"
    assert a[0]["metadata"]["labels"]["component"] == "mysql"


def test_pagerduty_acknowledge_then_resolve(server, company):
    cid, key = company
    src = uid("pd")
    ev = pd_event(key, source=src)
    assert post(server, "/v2/enqueue", ev).status_code == 202
    inc_id = by_asset(server, cid, src)[0]["correlated_incident_id"]
    ack = {"routing_key": key, "event_action": "acknowledge", "dedup_key": ev["dedup_key"]}
    r = post(server, "/v2/enqueue", ack)
    assert r.status_code == 202 and r.json()["dedup_key"] == ev["dedup_key"], r.text
    assert incident(server, inc_id)["status"] == "acknowledged"
    res = {"routing_key": key, "event_action": "resolve", "dedup_key": ev["dedup_key"]}
    r = post(server, "/v2/enqueue", res)
    assert r.status_code == 202, r.text
    assert incident(server, inc_id)["status"] == "resolved"
    assert all(a["status"] == "resolved" for a in by_asset(server, cid, src))
    # A resolve for a key nobody knows is accepted (as PagerDuty does) and changes nothing.
    r = post(server, "/v2/enqueue", {"routing_key": key, "event_action": "resolve", "dedup_key": uid("none")})
    assert r.status_code == 202, r.text


def test_pagerduty_repeat_and_generated_dedup_key(server, company):
    cid, key = company
    src = uid("pd")
    ev = pd_event(key, source=src)
    del ev["dedup_key"]
    first = post(server, "/v2/enqueue", ev)
    again = post(server, "/v2/enqueue", ev)
    assert first.status_code == 202 and again.status_code == 202, again.text
    assert first.json()["dedup_key"] == again.json()["dedup_key"]
    assert len(by_asset(server, cid, src)) == 1


@pytest.mark.parametrize("mutate,mentions", [
    (lambda b: b.pop("event_action"), "event_action"),
    (lambda b: b.update(event_action="snooze"), "event_action"),
    (lambda b: b.pop("payload"), "payload"),
    (lambda b: b["payload"].pop("summary"), "payload.summary"),
    (lambda b: b["payload"].pop("source"), "payload.source"),
    (lambda b: b["payload"].update(severity="urgent"), "payload.severity"),
    (lambda b: b["payload"].update(timestamp="yesterday"), "payload.timestamp"),
    (lambda b: b["payload"].update(summary="x" * 1025), "payload.summary"),
    (lambda b: b.update(dedup_key="k" * 256), "dedup_key"),
    (lambda b: b.update(links="nope"), "links"),
])
def test_pagerduty_invalid_event(server, company, mutate, mentions):
    _, key = company
    ev = pd_event(key)
    mutate(ev)
    r = post(server, "/v2/enqueue", ev)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["status"] == "invalid event" and body["message"] == "Event object is invalid"
    assert len(body["errors"]) == 1 and mentions in body["errors"][0]
    assert body["code"] == "invalid_event" and body["detail"] == body["errors"][0]


def test_pagerduty_resolve_needs_dedup_key_and_bad_json_is_an_invalid_event(server, company):
    _, key = company
    r = post(server, "/v2/enqueue", {"routing_key": key, "event_action": "resolve"})
    assert r.status_code == 400 and "dedup_key" in r.json()["errors"][0], r.text
    r = post(server, "/v2/enqueue", None, raw=b"{not json")
    assert r.status_code == 400 and r.json()["status"] == "invalid event", r.text


def test_pagerduty_wrong_routing_key(server):
    ev = pd_event("not-a-key")
    assert_error(post(server, "/v2/enqueue", ev), 401, "invalid_api_key")
    ev.pop("routing_key")
    assert_error(post(server, "/v2/enqueue", ev), 401, "missing_api_key")


# --- Datadog -----------------------------------------------------------------------------------

def test_datadog_trigger_and_recovery(server, company):
    cid, key = company
    host = uid("dd")
    ev = fixture("datadog_webhook.json")
    ev["hostname"] = host
    r = post(server, "/api/webhooks/datadog", ev, key)
    assert r.status_code == 202, r.text
    a = by_asset(server, cid, host)
    assert len(a) == 1
    assert a[0]["signature"] == "CPU load is high" and a[0]["severity"] == "high"
    assert a[0]["message"].startswith("system.load.1 over host:web-3")
    assert a[0]["metadata"]["labels"]["env"] == "prod"
    assert a[0]["timestamp"].startswith("2026-01-01T00:00:00")
    inc_id = a[0]["correlated_incident_id"]
    assert post(server, "/api/webhooks/datadog", ev, key).json()["duplicates"] == 1  # a retry
    rec = dict(ev, alert_transition="Recovered", alert_title="[Recovered on {host:x}] CPU load is high",
               event_id="6820219876543210002")
    r = post(server, "/api/webhooks/datadog", rec, key)
    assert r.status_code == 202 and r.json()["alerts"][0]["status"] == "resolved", r.text
    assert incident(server, inc_id)["status"] == "resolved"


# --- Zabbix ------------------------------------------------------------------------------------

def test_zabbix_problem_and_recovery(server, company):
    cid, key = company
    host = uid("zbx")
    ev = fixture("zabbix_problem.json")
    ev["host"] = host
    r = post(server, "/api/webhooks/zabbix", ev, key)
    assert r.status_code == 202, r.text
    a = by_asset(server, cid, host)
    assert len(a) == 1
    assert a[0]["signature"] == "High CPU utilization" and a[0]["severity"] == "critical"
    assert a[0]["metadata"]["labels"] == {"scope": "performance", "component": "cpu", "host": host}
    assert "recovery_event_id" not in a[0]["metadata"]  # unexpanded macro
    inc_id = a[0]["correlated_incident_id"]
    assert post(server, "/api/webhooks/zabbix", ev, key).json()["duplicates"] == 1
    rec = dict(ev, event_value="0", recovery_event_id="4712", subject="Resolved: High CPU utilization")
    r = post(server, "/api/webhooks/zabbix", rec, key)
    assert r.status_code == 202 and r.json()["alerts"][0]["status"] == "resolved", r.text
    assert incident(server, inc_id)["status"] == "resolved"


# --- malformed payloads: 400 naming the field ----------------------------------------------------

def _am():
    return am_group(am_alert("h1"), am_alert("h2"))


MALFORMED = [
    ("/api/webhooks/alertmanager", lambda: dict(_am(), alerts="x"), "alerts"),
    ("/api/webhooks/alertmanager", lambda: {k: v for k, v in _am().items() if k != "alerts"}, "alerts"),
    ("/api/webhooks/alertmanager", lambda: dict(_am(), version="3"), "version"),
    ("/api/webhooks/alertmanager", lambda: dict(_am(), alerts=[1]), "alerts[0]"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[am_alert("h1"), dict(am_alert("h2"), status="pending")]), "alerts[1].status"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[dict(am_alert("h1"), labels={"instance": "h1"})]), "alerts[0].labels.alertname"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[dict(am_alert("h1"), labels={"alertname": 5})]), "alerts[0].labels.alertname"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[dict(am_alert("h1"), startsAt="soon")]), "alerts[0].startsAt"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[dict(am_alert("h1"), annotations=["x"])]), "alerts[0].annotations"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[dict(am_alert("h1"), labels={"alertname": "a" * 257})]), "alerts[0].labels.alertname"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[dict(am_alert("h1"), annotations={"summary": "s" * 16385})]), "alerts[0].annotations"),
    ("/api/webhooks/alertmanager",
     lambda: dict(_am(), alerts=[dict(am_alert("h1"), labels={"alertname": "a", "instance": "i" * 257})]),
     "alerts[0].labels"),
    ("/api/webhooks/alertmanager", lambda: dict(_am(), alerts=[am_alert(f"h{i}") for i in range(1001)]), "1000"),
    ("/api/v2/alerts", lambda: [{"labels": {"alertname": "x"}, "endsAt": 5}], "[0].endsAt"),
    ("/api/v2/alerts", lambda: [{"annotations": {}}], "[0].labels"),
    ("/api/webhooks/grafana", lambda: dict(fixture("grafana_webhook.json"), orgId="one"), "orgId"),
    ("/api/webhooks/grafana",
     lambda: dict(fixture("grafana_webhook.json"),
                  alerts=[dict(fixture("grafana_webhook.json")["alerts"][0], values=[1])]), "alerts[0].values"),
    ("/api/webhooks/datadog", lambda: {k: v for k, v in fixture("datadog_webhook.json").items() if k != "alert_id"},
     "alert_id"),
    ("/api/webhooks/datadog", lambda: dict(fixture("datadog_webhook.json"), alert_transition=""), "alert_transition"),
    ("/api/webhooks/datadog", lambda: dict(fixture("datadog_webhook.json"), alert_title=7), "alert_title"),
    ("/api/webhooks/datadog", lambda: dict(fixture("datadog_webhook.json"), date="last tuesday"), "date"),
    ("/api/webhooks/zabbix", lambda: dict(fixture("zabbix_problem.json"), event_id="{EVENT.ID}"), "event_id"),
    ("/api/webhooks/zabbix", lambda: dict(fixture("zabbix_problem.json"), trigger_id="abc"), "trigger_id"),
    ("/api/webhooks/zabbix", lambda: dict(fixture("zabbix_problem.json"), event_value="2"), "event_value"),
    ("/api/webhooks/zabbix", lambda: {k: v for k, v in fixture("zabbix_problem.json").items() if k != "host"}, "host"),
    ("/api/webhooks/zabbix", lambda: dict(fixture("zabbix_problem.json"), event_tags="[oops"), "event_tags"),
    ("/api/webhooks/zabbix", lambda: dict(fixture("zabbix_problem.json"), trigger_name=["x"]), "trigger_name"),
]


@pytest.mark.parametrize("path,make,mentions", MALFORMED, ids=[f"{p}:{m}" for p, _, m in MALFORMED])
def test_malformed_field_is_a_400_naming_it(server, company, path, make, mentions):
    cid, key = company
    before = len(alerts_of(server, cid))
    r = post(server, path, make(), key)
    body = assert_error(r, 400, "invalid_payload", mentions=mentions)
    assert " " in body["detail"] and len(body["detail"]) > 15, body  # a sentence, not a bare path
    assert len(alerts_of(server, cid)) == before, "a refused payload must store nothing"


@pytest.mark.parametrize("path", ["/api/webhooks/alertmanager", "/api/v2/alerts", "/api/webhooks/grafana",
                                  "/api/webhooks/datadog", "/api/webhooks/zabbix"])
def test_not_json_is_a_400(server, company, path):
    _, key = company
    assert_error(post(server, path, None, key, raw=b"{oops"), 400, "invalid_json")


# --- keys and signatures ------------------------------------------------------------------------

ROUTES = {
    "/api/webhooks/alertmanager": lambda: am_group(am_alert(uid("k"))),
    "/api/v2/alerts": lambda: [am_alert(uid("k"))],
    "/api/webhooks/grafana": lambda: fixture("grafana_webhook.json"),
    "/api/webhooks/datadog": lambda: fixture("datadog_webhook.json"),
    "/api/webhooks/zabbix": lambda: fixture("zabbix_problem.json"),
    "/api/webhooks/pagerduty": lambda: {k: v for k, v in pd_event("").items() if k != "routing_key"},
}


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_missing_or_wrong_key_is_a_401(server, path):
    body = ROUTES[path]()
    assert_error(post(server, path, body), 401, "missing_api_key")
    for how in ("header", "query", "bearer"):
        assert_error(post(server, path, body, "aw_wrong_key", how=how), 401, "invalid_api_key")


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_every_key_form_is_accepted(server, company, path):
    _, key = company
    for how in ("header", "query", "bearer"):
        r = post(server, path, ROUTES[path](), key, how=how)
        assert r.status_code in (200, 202), f"{how}: {r.status_code} {r.text}"


@pytest.mark.parametrize("path", sorted(ROUTES))
def test_signing_company_needs_the_signature(server, company, path):
    cid, key = company
    r = server.admin().post(f"/api/companies/{cid}/webhook-security/enable")
    assert r.status_code == 200, r.text
    secret = r.json()["hmac_secret"]
    raw = json.dumps(ROUTES[path]()).encode()
    assert_error(post(server, path, None, key, raw=raw), 401, "missing_signature")
    ts = int(time.time())
    bad = {"X-Timestamp": str(ts), "X-Signature": sign("whsec_wrong", ts, raw)}
    assert_error(post(server, path, None, key, raw=raw, headers=bad), 401, "invalid_signature")
    good = {"X-Timestamp": str(ts), "X-Signature": sign(secret, ts, raw)}
    r = post(server, path, None, key, raw=raw, headers=good)
    assert r.status_code in (200, 202), r.text


# --- mapping config ----------------------------------------------------------------------------

def test_mapping_defaults_and_changes(server, company):
    cid, key = company
    admin = server.admin()
    r = admin.get(f"/api/companies/{cid}/intake-mapping")
    assert r.status_code == 200, r.text
    assert r.json()["asset_labels"] == ["instance", "host", "hostname", "pod"]
    assert r.json()["is_default"] is True and r.json()["default_severity"] == "medium"
    r = admin.put(f"/api/companies/{cid}/intake-mapping",
                  json={"asset_labels": ["node", "instance"], "severity_map": {"Critical": "low"},
                        "default_severity": "high"})
    assert r.status_code == 200, r.text
    assert r.json()["severity_map"] == {"critical": "low"} and r.json()["is_default"] is False
    node = uid("node")
    alert = am_alert("ignored", severity="CRITICAL")
    alert["labels"]["node"] = node
    nosev = am_alert(uid("plain"))
    del nosev["labels"]["severity"]
    r = post(server, "/api/webhooks/alertmanager", am_group(alert, nosev), key)
    assert r.status_code == 200, r.text
    a = by_asset(server, cid, node)
    assert len(a) == 1 and a[0]["severity"] == "low"
    assert by_asset(server, cid, nosev["labels"]["instance"])[0]["severity"] == "high"
    # The PagerDuty table too: the company's map comes first.
    src = uid("pd")
    assert post(server, "/v2/enqueue", pd_event(key, source=src)).status_code == 202
    assert by_asset(server, cid, src)[0]["severity"] == "low"


@pytest.mark.parametrize("body,field", [
    ({"asset_label": ["x"]}, "asset_label"),
    ({"asset_labels": []}, "asset_labels"),
    ({"asset_labels": ["ok", ""]}, "asset_labels[1]"),
    ({"severity_map": {"p1": "urgent"}}, "severity_map.p1"),
    ({"severity_map": ["p1"]}, "severity_map"),
    ({"default_severity": "severe"}, "default_severity"),
])
def test_mapping_refuses_bad_fields(server, company, body, field):
    cid, _ = company
    r = server.admin().put(f"/api/companies/{cid}/intake-mapping", json=body)
    assert_error(r, 422, mentions=field)


def test_mapping_is_for_company_admins_of_that_company(server):
    tech = as_demo(server, "comp-acme", "tech")
    assert_error(tech.get("/api/companies/comp-acme/intake-mapping"), 403)
    acme_admin = as_demo(server, "comp-acme", "company")
    assert acme_admin.get("/api/companies/comp-acme/intake-mapping").status_code == 200
    assert_error(acme_admin.put("/api/companies/comp-techstart/intake-mapping", json={}), 404)
    assert_error(requests.get(server.url("/api/companies/comp-acme/intake-mapping"), timeout=30), 401)
