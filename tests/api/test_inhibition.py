"""Inhibition rules: "a critical host_down inhibits everything else on that host" - targets are
stored, marked suppressed "inhibited" with inhibited_by, and open no incident while the source is
active; its recovery ends it. Default off; roles, tenant isolation, validation, KPIs."""

from aw_harness import assert_error
from helpers3 import ACME, TECHSTART, as_demo, new_company, send, unique
from noise_helpers import kpis, stored_alert, wait_for

HOST_DOWN_RULE = {
    "source_matchers": [{"name": "signature", "op": "=", "value": "host_down"},
                        {"name": "severity", "op": "=", "value": "critical"}],
    "target_matchers": [{"name": "signature", "op": "!=", "value": "host_down"}],
    "equal": ["asset"],
}


def rules(cid):
    return f"/api/companies/{cid}/inhibition-rules"


def test_default_off(server):
    cid, key = new_company(server)
    r = server.admin().get(rules(cid))
    assert r.status_code == 200 and r.json()["rules"] == [] and r.json()["is_default"] is True
    host = unique("h")
    send(server, key, asset_name=host, signature="host_down", severity="critical")
    assert "suppressed" not in send(server, key, asset_name=host, signature="disk_full")


def test_critical_host_down_inhibits_everything_else_on_that_host(server):
    cid, key = new_company(server)
    r = server.admin().put(rules(cid), json={"rules": [HOST_DOWN_RULE]})
    assert r.status_code == 200 and r.json()["rules"] == [HOST_DOWN_RULE], r.text
    host, other = unique("h"), unique("h")
    down = send(server, key, asset_name=host, signature="host_down", severity="critical", message="down")
    assert "suppressed" not in down and down["incident_id"]
    t = send(server, key, asset_name=host, signature="disk_full")
    assert t["suppressed"] == "inhibited" and "incident_id" not in t
    a = stored_alert(server, cid, t["alert_id"])
    assert a["suppressed"] == "inhibited" and a["inhibited_by"] == down["alert_id"]
    assert "correlated_incident_id" not in a
    # Another host, and a non-critical host_down elsewhere, are not inhibited.
    assert "suppressed" not in send(server, key, asset_name=other, signature="disk_full")
    # Labels equal too: "equal" may name a label.
    # The recovery of the source ends the inhibition.
    r = server.send_alert(key, asset_name=host, signature="host_down", severity="critical", message="down",
                          status="resolved")
    assert r.status_code == 202, r.text
    after = send(server, key, asset_name=host, signature="cpu_high")
    assert "suppressed" not in after and after["incident_id"]
    wait_for(lambda: kpis(server, cid)["suppressed"]["inhibition"] == 1, what="the inhibition counter")


def test_equal_on_a_label(server):
    cid, key = new_company(server)
    rule = {"source_matchers": [{"name": "alertname", "value": "ClusterDown"}],
            "target_matchers": [{"name": "severity", "op": "=~", "value": "high|medium"}],
            "equal": ["cluster"]}
    assert server.admin().put(rules(cid), json={"rules": [rule]}).status_code == 200
    send(server, key, asset_name=unique("c"), signature="cluster_down", severity="critical",
         metadata={"labels": {"alertname": "ClusterDown", "cluster": "eu-1"}})
    hit = send(server, key, asset_name=unique("n"), metadata={"labels": {"cluster": "eu-1"}})
    assert hit.get("suppressed") == "inhibited"
    miss = send(server, key, asset_name=unique("n"), metadata={"labels": {"cluster": "us-1"}})
    assert "suppressed" not in miss


def test_roles_tenant_isolation_and_validation(server):
    tech = as_demo(server, ACME, "tech")
    assert tech.get(rules(ACME)).status_code == 200
    assert_error(tech.put(rules(ACME), json={"rules": []}), 403)  # company admins set it
    other = as_demo(server, TECHSTART, "company")
    assert_error(other.get(rules(ACME)), 404)
    assert_error(other.put(rules(ACME), json={"rules": []}), 404)
    admin = server.admin()
    bad_target = dict(HOST_DOWN_RULE, target_matchers=[{"name": "asset", "op": "=~", "value": "["}])
    cases = [
        ({}, "rules"),
        ({"rules": {}}, "rules"),
        ({"rules": [5]}, "rules[0]"),
        ({"rules": [dict(HOST_DOWN_RULE, source_matchers=[])]}, "rules[0].source_matchers"),
        ({"rules": [HOST_DOWN_RULE, bad_target]}, "rules[1].target_matchers[0].value"),
        ({"rules": [dict(HOST_DOWN_RULE, equal="asset")]}, "rules[0].equal"),
    ]
    for body, field in cases:
        err = assert_error(admin.put(rules(ACME), json=body), 422)
        assert err["detail"].startswith(field), (body, err)
