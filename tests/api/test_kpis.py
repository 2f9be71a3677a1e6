"""GET /api/kpis/{company_id}: counters checked against traffic the test itself caused."""

import pytest
import requests

from aw_harness import assert_error
from helpers3 import ACME, TECHSTART, as_demo, new_company, send, unique

FIELDS = ("total_alerts", "total_incidents", "noise_reduction_pct", "open_incidents_by_severity",
          "mtta_minutes", "mttr_minutes")


def _kpis(server, company_id, session=None):
    r = (session or server.admin()).get(f"/api/kpis/{company_id}")
    assert r.status_code == 200, r.text
    k = r.json()
    missing = [f for f in FIELDS if f not in k]
    assert not missing, f"KPI fields missing: {missing}: {k}"
    return k


def test_numbers_on_a_fresh_server(fresh_server):
    server = fresh_server
    key = server.api_key_for(ACME)
    k = _kpis(server, ACME)
    assert k["total_alerts"] == 0 and k["total_incidents"] == 0
    assert k["noise_reduction_pct"] == 0
    assert k["mtta_minutes"] is None and k["mttr_minutes"] is None
    # 10 alerts in 4 incidents: 4 + 3 + 2 + 1.
    incidents = {}
    for asset, n, sev in (("a", 4, "critical"), ("b", 3, "high"), ("c", 2, "high"), ("d", 1, "low")):
        for _ in range(n):
            incidents[asset] = send(server, key, asset_name=f"kpi-{asset}", severity=sev)["incident_id"]
    k = _kpis(server, ACME)
    assert k["total_alerts"] == 10
    assert k["total_incidents"] == 4
    assert k["noise_reduction_pct"] == pytest.approx(60.0, abs=0.05)
    assert k["open_incidents_by_severity"] == {"critical": 1, "high": 2, "medium": 0, "low": 1}
    # TechStart saw none of it.
    other = _kpis(server, TECHSTART)
    assert other["total_alerts"] == 0 and other["total_incidents"] == 0


def test_noise_reduction_formula(server):
    cid, key = new_company(server)
    # 3 alerts, 2 incidents -> (1 - 2/3) * 100 = 33.3
    asset = unique("nr")
    send(server, key, asset_name=asset)
    send(server, key, asset_name=asset)
    send(server, key, asset_name=unique("nr"))
    k = _kpis(server, cid)
    assert (k["total_alerts"], k["total_incidents"]) == (3, 2)
    assert k["noise_reduction_pct"] == pytest.approx(100 * (1 - 2 / 3), abs=0.051)


def test_repeats_are_not_counted_as_alerts(server):
    cid, key = new_company(server)
    fields = {"asset_name": unique("rp"), "signature": "cpu_high", "message": "cpu at 99%"}
    for _ in range(4):
        send(server, key, **fields)
    k = _kpis(server, cid)
    assert k["total_alerts"] == 1
    assert k["total_incidents"] == 1
    assert k["noise_reduction_pct"] == 0


def test_mtta_and_mttr_after_acknowledge_and_resolve(server):
    cid, key = new_company(server)
    iid = send(server, key, asset_name=unique("mt"), severity="medium")["incident_id"]
    k = _kpis(server, cid)
    assert k["mtta_minutes"] is None and k["mttr_minutes"] is None
    assert k["open_incidents_by_severity"]["medium"] == 1
    assert server.admin().post(f"/api/incidents/{iid}/acknowledge").status_code == 200
    k = _kpis(server, cid)
    assert isinstance(k["mtta_minutes"], (int, float)) and 0 <= k["mtta_minutes"] < 5
    assert k["mttr_minutes"] is None
    r = server.admin().put(f"/api/incidents/{iid}", json={"status": "resolved"})
    assert r.status_code == 200, r.text
    k = _kpis(server, cid)
    assert isinstance(k["mttr_minutes"], (int, float)) and 0 <= k["mttr_minutes"] < 5
    assert k["open_incidents_by_severity"]["medium"] == 0


def test_auto_resolved_incident_leaves_the_open_counts(server):
    cid, key = new_company(server)
    asset = unique("ar")
    send(server, key, asset_name=asset, signature="disk_full", severity="high")
    assert _kpis(server, cid)["open_incidents_by_severity"]["high"] == 1
    send(server, key, asset_name=asset, signature="disk_full", message="ok", status="resolved")
    k = _kpis(server, cid)
    assert k["open_incidents_by_severity"]["high"] == 0
    assert k["mttr_minutes"] is not None


def test_severity_upgrade_moves_the_open_count(server):
    cid, key = new_company(server)
    asset = unique("up")
    send(server, key, asset_name=asset, severity="low")
    send(server, key, asset_name=asset, severity="critical")
    assert _kpis(server, cid)["open_incidents_by_severity"] == {"critical": 1, "high": 0, "medium": 0, "low": 0}


def test_company_users_see_their_own_kpis(server):
    for kind in ("company", "tech", "client"):
        _kpis(server, ACME, as_demo(server, ACME, kind))


@pytest.mark.parametrize("kind", ["company", "tech", "client"])
def test_other_company_is_404(server, kind):
    assert_error(as_demo(server, TECHSTART, kind).get(f"/api/kpis/{ACME}"), 404)


def test_no_token_is_401(server):
    assert_error(requests.get(server.url(f"/api/kpis/{ACME}"), timeout=30), 401)


def test_unknown_company_is_404(server):
    assert_error(server.admin().get("/api/kpis/comp-nope"), 404)


def test_counts_include_every_accepted_alert_at_once(server):
    """Read-after-write: once the webhook answered 202, GET /api/kpis counts that alert (the
    counters may be flushed in the background, but a reader must never see fewer)."""
    cid, key = new_company(server)
    admin = server.admin()
    low = []
    for i in range(1, 81):
        send(server, key, asset_name=unique("raw"))
        k = admin.get(f"/api/kpis/{cid}").json()
        if k["total_alerts"] < i or k["total_incidents"] < i:
            low.append((i, k["total_alerts"], k["total_incidents"]))
    assert not low, f"(sent, total_alerts, total_incidents) read too low: {low}"
