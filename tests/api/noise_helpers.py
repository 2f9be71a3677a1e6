"""Helpers for the noise-control tests (silences, maintenance, inhibition, heartbeats)."""

import datetime
import time

from helpers3 import alerts_of, page_all


def iso(epoch_s):
    return datetime.datetime.fromtimestamp(int(epoch_s), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_second(lead=2.0):
    """A whole second at least `lead` seconds from now."""
    return int(time.time() + lead) + 1


def sleep_until(t):
    d = t - time.time()
    if d > 0:
        time.sleep(d)


def stored_alert(server, company_id, alert_id):
    found = [a for a in alerts_of(server, company_id) if a["id"] == alert_id]
    assert len(found) == 1, f"alert {alert_id} listed {len(found)} times"
    return found[0]


def kpis(server, company_id):
    r = server.admin().get(f"/api/kpis/{company_id}")
    assert r.status_code == 200, r.text
    return r.json()


def audit_entries(server, company_id, action):
    items, _ = page_all(server.admin(), "/api/audit-logs", {"company_id": company_id})
    return [e for e in items if e.get("action") == action]


def wait_for(fn, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")
