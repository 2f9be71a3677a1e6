"""The attacker's probes as standing tests (issue 16 part 9), those not already covered elsewhere:

  - cross-tenant reads and writes on every company-scoped route, generated from the router
    (GET /api/openapi.json): a company admin of Acme gets 403/404 on every route naming
    TechStart (its id, or the id of one of its items), TechStart is unchanged afterwards, and
    nothing of TechStart shows in any of Acme's lists;
  - WebSocket: an Acme client never receives a TechStart frame, also when it asks for one
    (?company_id=, subscribe messages, replay by last_event_id);
  - request smuggling and framing over a raw socket: Content-Length with Transfer-Encoding,
    a Transfer-Encoding that does not end in chunked, two different Content-Lengths, obs-fold;
  - oversized bodies, URLs and headers; deep JSON nesting; a slowloris head.

Covered elsewhere (not repeated): JWT alg none / tampered / expired / rotated refresh
(test_auth.py), deleted and deactivated users' tokens (test_users.py, test_user_deactivation.py),
lockout of known and unknown accounts (test_auth.py), HMAC replay (test_webhook_security.py),
idle connections and the head deadline (test_connection_limits.py), 413 (test_webhook.py),
401 on every route (test_openapi.py)."""

import json
import re
import socket
import time
import uuid

import pytest
import requests
import websocket

from aw_harness import assert_error, demo_user
from helpers3 import page_all

ACME = "comp-acme"
TECHSTART = "comp-techstart"
MISSING = "0000-missing-id"


# -- helpers --------------------------------------------------------------------------------
def _doc(server):
    r = requests.get(server.url("/api/openapi.json"), timeout=30)
    assert r.status_code == 200, r.text[:300]
    return r.json()


def _bearer_routes(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if op.get("security", doc["security"]) == doc["security"]:
                yield method.upper(), path


def _first_id(session, path, params=None, field="id"):
    r = session.get(path, params=params or {})
    assert r.status_code == 200, f"GET {path}: {r.status_code} {r.text[:300]}"
    items = r.json()
    return items[0][field] if items else None


@pytest.fixture(scope="module")
def techstart_items(server):
    """Ids of TechStart items, made or found as the MSP admin."""
    admin = server.admin()
    key = server.api_key_for(TECHSTART)
    r = server.send_alert(key, asset_name=f"ts-probe-{uuid.uuid4().hex[:6]}")
    assert r.status_code == 202, r.text
    incident_id = r.json()["incident_id"]
    r = admin.post("/api/runbooks", json={"company_id": TECHSTART, "name": "ts probe runbook",
                                          "risk_level": "low"})
    assert r.status_code == 201, r.text
    runbook_id = r.json()["id"]
    r = admin.post(f"/api/companies/{TECHSTART}/assets", json={"name": f"ts-asset-{uuid.uuid4().hex[:6]}"})
    assert r.status_code == 201, r.text
    asset_id = r.json().get("id") or r.json()["name"]
    r = admin.post(f"/api/companies/{TECHSTART}/heartbeats", json={"name": "ts beat", "interval_seconds": 600})
    assert r.status_code == 201, r.text
    heartbeat_id = r.json()["id"]
    r = admin.post(f"/api/companies/{TECHSTART}/silences", json={
        "matchers": [{"name": "asset_name", "op": "=", "value": "nothing-matches"}],
        "ends_at": "2030-01-01T00:00:00Z"})
    assert r.status_code == 201, r.text
    silence_id = r.json()["id"]
    r = admin.post(f"/api/companies/{TECHSTART}/maintenance-windows", json={
        "type": "one_off", "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z"})
    assert r.status_code == 201, r.text
    window_id = r.json()["id"]
    email, _ = demo_user(TECHSTART, "tech")
    users, _ = page_all(admin, "/api/users")
    user_id = next(u["id"] for u in users if u["email"] == email)
    schedule_id = _first_id(admin, "/api/on-call-schedules", {"company_id": TECHSTART}) or MISSING
    return {"incident": incident_id, "runbook": runbook_id, "asset": asset_id, "heartbeat": heartbeat_id,
            "silence": silence_id, "window": window_id, "user": user_id, "schedule": schedule_id}


def _fill(path, items):
    """The route with TechStart's ids in its parameters."""
    first = {"/api/incidents/": items["incident"], "/api/runbooks/": items["runbook"],
             "/api/users/": items["user"], "/api/on-call-schedules/": items["schedule"]}
    out = path
    for prefix, value in first.items():
        if path.startswith(prefix + "{id}"):
            out = out.replace("{id}", value, 1)
    out = out.replace("{id}", TECHSTART).replace("{company_id}", TECHSTART)
    for name, value in (("asset_id", items["asset"]), ("heartbeat_id", items["heartbeat"]),
                        ("silence_id", items["silence"]), ("window_id", items["window"])):
        out = out.replace("{" + name + "}", value)
    return re.sub(r"\{[^}]+\}", MISSING, out)


# Valid bodies for the writes that check the body before the caller's scope: the probe must
# be a write that would succeed if the scope check were missing (with a body they refuse,
# these answer 422 before looking at the tenant; see the report of issue 16 part 9).
def _bodies(items):
    return {
        ("PUT", "/api/incidents/{id}"): {"resolution_notes": "written by another tenant"},
        ("POST", "/api/incidents/{id}/execute-runbook"): {"runbook_id": items["runbook"]},
        ("PUT", "/api/on-call-schedules/{id}"): {"name": "renamed by another tenant"},
        ("PUT", "/api/runbooks/{id}"): {"name": "renamed by another tenant"},
    }


def _techstart_state(server, items):
    """What an Acme request must not change: TechStart's settings and items, as the MSP admin."""
    admin = server.admin()
    paths = [f"/api/companies/{TECHSTART}"] + [
        f"/api/companies/{TECHSTART}/{p}" for p in (
            "correlation-config", "escalation-policy", "inhibition-rules", "intake-mapping", "rate-limit",
            "runbook-settings", "sla-config", "webhook-security", "assets", "heartbeats", "silences",
            "maintenance-windows")] + [
        f"/api/runbooks/{items['runbook']}", f"/api/users/{items['user']}", f"/api/chat/{TECHSTART}"]
    state = {}
    for p in paths:
        r = admin.get(p)
        state[p] = (r.status_code, r.json())
    r = admin.get(f"/api/incidents/{items['incident']}")
    inc = r.json()
    state["incident"] = {k: inc.get(k) for k in ("status", "assigned_to", "escalated", "escalation_level",
                                                  "resolution_notes", "version")}
    return state


# -- cross-tenant, every route ----------------------------------------------------------------
def test_every_company_scoped_route_refuses_another_companys_admin(server, techstart_items):
    email, password = demo_user(ACME, "company")
    acme = server.as_user(email, password)
    routes = [(m, p) for m, p in _bearer_routes(_doc(server)) if "{" in p]
    assert len(routes) >= 60, routes
    before = _techstart_state(server, techstart_items)
    failures, seen = [], {}
    bodies = _bodies(techstart_items)
    for method, path in routes:
        url = _fill(path, techstart_items)
        body = bodies.get((method, path), {"company_id": TECHSTART, "name": "x", "message": "x"})
        r = acme.request(method, url, json=body)
        seen[f"{method} {path}"] = r.status_code
        if r.status_code not in (403, 404):
            failures.append(f"{method} {url}: {r.status_code} {r.text[:200]}")
            continue
        body = assert_error(r, r.status_code)
        want = {403: ("forbidden",), 404: ("not_found",)}[r.status_code]
        if not body["code"].endswith(want) and body["code"] not in want:
            failures.append(f"{method} {url}: {r.status_code} with code {body['code']!r}")
        assert TECHSTART not in body["detail"] or r.status_code == 403, body
    assert not failures, "\n".join(failures)
    after = _techstart_state(server, techstart_items)
    changed = [k for k in before if before[k] != after[k]]
    assert not changed, {k: (before[k], after[k]) for k in changed}
    print(f"\n{len(routes)} routes: " + ", ".join(f"{n} x {s}" for s, n in sorted(
        {s: list(seen.values()).count(s) for s in set(seen.values())}.items())))
