"""Silences: matchers on asset, signature, severity, tool and labels; active exactly from starts_at to
ends_at (to the second); a silenced alert is stored and visible but opens no incident; roles, tenant
isolation, validation (422 naming the field), audit, paging, KPIs."""

import time

from aw_harness import assert_error
from helpers3 import ACME, TECHSTART, as_demo, incidents_of, new_company, page_all, send, unique
from noise_helpers import audit_entries, iso, kpis, next_second, sleep_until, stored_alert, wait_for


def silences(cid):
    return f"/api/companies/{cid}/silences"


def create(session, cid, expect=201, **body):
    body.setdefault("matchers", [{"name": "asset", "op": "=", "value": "nothing"}])
    body.setdefault("ends_at", iso(time.time() + 3600))
    r = session.post(silences(cid), json=body)
    assert r.status_code == expect, f"POST silence: {r.status_code} {r.text}"
    return r.json()


def test_silenced_alert_is_stored_marked_and_opens_no_incident(server):
    cid, key = new_company(server)
    admin = server.admin()
    asset = unique("sil")
    s = create(admin, cid, matchers=[{"name": "asset", "value": asset},
                                     {"name": "signature", "op": "=~", "value": "disk_.*"}],
               comment="disk swap tonight")
    assert s["status"] == "active" and s["comment"] == "disk swap tonight" and s["created_by"]
    out = send(server, key, asset_name=asset, signature="disk_full")
    assert out["suppressed"] == "silence" and "incident_id" not in out
    a = stored_alert(server, cid, out["alert_id"])
    assert a["silenced_by"] == s["id"] and a["suppressed"] == "silence" and a["status"] == "active"
    assert "correlated_incident_id" not in a
    # Not matched: another signature (anchored regex), another asset.
    assert "incident_id" in send(server, key, asset_name=asset, signature="xdisk_full")
    assert "incident_id" in send(server, key, asset_name=unique("other"), signature="disk_full")
    assert len(incidents_of(server, cid)) == 2
    # A repeat of the silenced alert is a repeat, still without an incident.
    again = send(server, key, asset_name=asset, signature="disk_full", message=a["message"])
    assert again["duplicate"] is True and again["alert_id"] == out["alert_id"]
    k = wait_for(lambda: (lambda k: k if k["suppressed"]["silence"] == 1 else None)(kpis(server, cid)),
                 what="the silence counter")
    assert k["suppressed"] == {"silence": 1, "maintenance": 0, "inhibition": 0, "total": 1}
    assert k["total_alerts"] == 3 and k["total_incidents"] == 2


def test_labels_severity_and_tool_matchers(server):
    cid, key = new_company(server)
    admin = server.admin()
    create(admin, cid, matchers=[{"name": "team", "value": "db"}, {"name": "severity", "op": "!=", "value": "critical"},
                                 {"name": "tool", "value": "pytest"}])
    hit = send(server, key, asset_name=unique("l"), metadata={"labels": {"team": "db"}})
    assert hit.get("suppressed") == "silence"
    assert "suppressed" not in send(server, key, asset_name=unique("l"), severity="critical",
                                    metadata={"labels": {"team": "db"}})
    assert "suppressed" not in send(server, key, asset_name=unique("l"), metadata={"labels": {"team": "web"}})
    assert "suppressed" not in send(server, key, asset_name=unique("l"))  # no labels: team reads ""


def test_active_exactly_from_start_to_end(server):
    cid, key = new_company(server)
    asset = unique("edge")
    start = next_second(2.5)
    end = start + 3
    s = create(server.admin(), cid, matchers=[{"name": "asset", "value": asset}], starts_at=iso(start), ends_at=iso(end))
    assert s["status"] == "pending"

    def probe(at):
        sleep_until(at)
        return send(server, key, asset_name=asset, message=unique("m")).get("suppressed")

    assert probe(start - 0.7) is None          # a second before the start
    assert probe(start + 0.05) == "silence"    # at the start
    assert probe(end - 0.7) == "silence"       # a second before the end
    assert probe(end + 0.05) is None           # at the end
    listed, _ = page_all(server.admin(), silences(cid))
    assert [x["status"] for x in listed if x["id"] == s["id"]] == ["expired"]


def test_delete_expires_and_both_are_audited(server):
    cid, key = new_company(server)
    admin = server.admin()
    asset = unique("exp")
    s = create(admin, cid, matchers=[{"name": "asset", "value": asset}])
    assert send(server, key, asset_name=asset).get("suppressed") == "silence"
    r = admin.delete(f"{silences(cid)}/{s['id']}")
    assert r.status_code == 200 and r.json()["status"] == "expired", r.text
    assert "suppressed" not in send(server, key, asset_name=asset)  # applies at once
    assert_error(admin.delete(f"{silences(cid)}/{s['id']}"), 404)
    created = wait_for(lambda: audit_entries(server, cid, "silence_created"), what="silence_created")
    deleted = wait_for(lambda: audit_entries(server, cid, "silence_deleted"), what="silence_deleted")
    assert created[0]["resource_id"] == s["id"] and created[0]["outcome"] == "success"
    assert any(e["resource_id"] == s["id"] and e["outcome"] == "success" for e in deleted)


def test_list_is_paged(server):
    cid, _ = new_company(server)
    admin = server.admin()
    ids = [create(admin, cid)["id"] for _ in range(5)]
    items, pages = page_all(admin, silences(cid), limit=2)
    assert [x["id"] for x in items] == sorted(ids) and pages == 3


def test_roles_and_tenant_isolation(server):
    tech = as_demo(server, ACME, "tech")
    client = as_demo(server, ACME, "client")
    s = create(tech, ACME, comment="by a technician")
    assert any(x["id"] == s["id"] for x in page_all(client, silences(ACME))[0])  # clients read
    assert_error(client.post(silences(ACME), json={"matchers": [{"name": "asset", "value": "x"}],
                                                   "ends_at": iso(time.time() + 60)}), 403)
    assert_error(client.delete(f"{silences(ACME)}/{s['id']}"), 403)
    other = as_demo(server, TECHSTART, "company")
    assert_error(other.get(silences(ACME)), 404)
    assert_error(other.post(silences(ACME), json={"matchers": [{"name": "asset", "value": "x"}],
                                                  "ends_at": iso(time.time() + 60)}), 404)
    assert_error(other.delete(f"{silences(ACME)}/{s['id']}"), 404)
    # Another company's silence id under one's own company is simply not there.
    assert_error(other.delete(f"{silences(TECHSTART)}/{s['id']}"), 404)
    assert server.admin().delete(f"{silences(ACME)}/{s['id']}").status_code == 200


def test_bad_input_names_the_field(server):
    cid, _ = new_company(server)
    admin = server.admin()
    later = iso(time.time() + 600)
    cases = [
        ({"ends_at": later}, "matchers"),
        ({"matchers": [], "ends_at": later}, "matchers"),
        ({"matchers": [{"name": "asset", "op": "~", "value": "x"}], "ends_at": later}, "matchers[0].op"),
        ({"matchers": [{"name": "asset", "op": "=~", "value": "(x"}], "ends_at": later}, "matchers[0].value"),
        ({"matchers": [{"op": "=", "value": "x"}], "ends_at": later}, "matchers[0].name"),
        ({"matchers": [{"name": "asset", "value": "x"}]}, "ends_at"),
        ({"matchers": [{"name": "asset", "value": "x"}], "ends_at": "tomorrow"}, "ends_at"),
        ({"matchers": [{"name": "asset", "value": "x"}], "ends_at": iso(time.time() - 10)}, "ends_at"),
        ({"matchers": [{"name": "asset", "value": "x"}], "starts_at": iso(time.time() + 900), "ends_at": later},
         "ends_at"),
        ({"matchers": [{"name": "asset", "value": "x"}], "ends_at": later, "comment": 5}, "comment"),
    ]
    for body, field in cases:
        b = assert_error(admin.post(silences(cid), json=body), 422)
        assert b["detail"].startswith(field), (body, b)
    assert_error(admin.post(silences(cid), data="{", headers={"Content-Type": "application/json"}), 400)
