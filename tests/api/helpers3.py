"""Helpers for the correlation / incident / webhook-security / rate-limit / audit / KPI / asset tests.

Most tests here create their own company (as the MSP admin) so that correlation settings, rate
limits and KPI counters start from a clean slate even on a module-scoped server.
"""

import hashlib
import hmac
import json
import threading
import time
import uuid

import requests

from aw_harness import demo_user, new_alert

ACME = "comp-acme"
TECHSTART = "comp-techstart"

# Every field GET /api/incidents and GET /api/incidents/{id} must show.
INCIDENT_FIELDS = (
    "id", "company_id", "title", "description", "status", "priority_score", "severity", "alert_ids",
    "tool_sources", "assigned_to", "assigned_at", "resolved_at", "resolved_by", "resolution_notes",
    "escalated", "escalation_level", "sla", "metadata", "created_at", "updated_at", "signature",
    "asset_name", "asset_id", "alert_count", "category", "version",
)


def new_company(server):
    """Creates a company as the MSP admin; returns (company_id, api_key)."""
    c = server.create_company()
    return c["id"], server.api_key_for(c["id"])


def as_demo(server, company_id, kind):
    """Authed session of a demo user: kind is company|tech|client."""
    email, password = demo_user(company_id, kind)
    return server.as_user(email, password)


def put_correlation(server, company_id, **cfg):
    r = server.admin().put(f"/api/companies/{company_id}/correlation-config", json=cfg)
    assert r.status_code == 200, f"PUT correlation-config: {r.status_code} {r.text}"
    return r.json()


def send(server, api_key, expect=202, headers=None, **fields):
    """Sends one alert; asserts the status; returns the JSON body."""
    r = server.send_alert(api_key, headers=headers, **fields)
    assert r.status_code == expect, f"webhook: expected {expect}, got {r.status_code} {r.text}"
    return r.json()


def page_all(session, path, params=None, limit=500, max_pages=200):
    """Follows X-Next-Cursor; returns (items, number of pages)."""
    params = dict(params or {})
    params["limit"] = limit
    items, pages = [], 0
    while True:
        r = session.get(path, params=params)
        assert r.status_code == 200, f"GET {path}: {r.status_code} {r.text}"
        body = r.json()
        assert isinstance(body, list), body
        assert len(body) <= limit, f"page of {len(body)} items with limit {limit}"
        items.extend(body)
        pages += 1
        cursor = r.headers.get("X-Next-Cursor")
        if not cursor:
            return items, pages
        assert pages < max_pages, "paging does not end"
        params["cursor"] = cursor


def alerts_of(server, company_id):
    items, _ = page_all(server.admin(), "/api/alerts", {"company_id": company_id})
    return items


def alert_by_id(server, company_id, alert_id):
    found = [a for a in alerts_of(server, company_id) if a["id"] == alert_id]
    assert len(found) == 1, f"alert {alert_id} listed {len(found)} times"
    return found[0]


def incidents_of(server, company_id, **params):
    params["company_id"] = company_id
    items, _ = page_all(server.admin(), "/api/incidents", params)
    return items


def incident(server, incident_id, session=None):
    r = (session or server.admin()).get(f"/api/incidents/{incident_id}")
    assert r.status_code == 200, f"GET incident {incident_id}: {r.status_code} {r.text}"
    return r.json()


def new_incident(server, api_key, **fields):
    """Sends one alert that opens an incident; returns (incident json, webhook body)."""
    body = send(server, api_key, **fields)
    assert body.get("incident_id"), f"no incident for the alert: {body}"
    return incident(server, body["incident_id"]), body


def user_id(server, session):
    r = session.get("/api/auth/me")
    assert r.status_code == 200, r.text
    return r.json()["id"]


# -- signing ---------------------------------------------------------------
def sign(secret, timestamp, raw_body):
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + raw_body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post_raw(server, api_key, raw_body, headers=None):
    h = {"X-API-Key": api_key, "Content-Type": "application/json"}
    h.update(headers or {})
    return requests.post(server.url("/api/webhooks/alerts"), data=raw_body, headers=h, timeout=30)


def signed_post(server, api_key, secret, body=None, ts=None, headers=None):
    raw = json.dumps(body if body is not None else new_alert()).encode()
    ts = int(time.time()) if ts is None else ts
    h = {"X-Timestamp": str(ts), "X-Signature": sign(secret, ts, raw)}
    h.update(headers or {})
    return post_raw(server, api_key, raw, h)


# -- concurrency -----------------------------------------------------------
def run_parallel(server, api_key, bodies, threads=16, headers=None):
    """POSTs every body on `threads` threads, each with its own keep-alive connection, all
    released at once. Returns the responses in the order of `bodies`."""
    results = [None] * len(bodies)
    errors = []
    barrier = threading.Barrier(threads)
    url = server.url("/api/webhooks/alerts")
    h = {"X-API-Key": api_key}
    h.update(headers or {})

    def worker(t):
        try:
            with requests.Session() as s:
                barrier.wait(timeout=30)
                for i in range(t, len(bodies), threads):
                    results[i] = s.post(url, json=bodies[i], headers=h, timeout=60)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert not errors, errors
    assert all(r is not None for r in results), "some requests were not sent"
    return results


def unique(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
