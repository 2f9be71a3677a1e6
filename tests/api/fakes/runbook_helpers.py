"""Helpers for the runbook, approval and execution API tests."""

import time
import uuid

from aw_harness import demo_user

ACME = "comp-acme"
TECHSTART = "comp-techstart"
GLOBAL = "comp-global"


def as_demo(server, company_id, kind):
    """Authed session of a demo user: kind is company|tech|client."""
    email, password = demo_user(company_id, kind)
    return server.as_user(email, password)


def runbook_body(**fields):
    body = {
        "name": f"Runbook {uuid.uuid4().hex[:8]}",
        "description": "test runbook",
        "risk_level": "low",
        "signature": f"sig_{uuid.uuid4().hex[:8]}",
        "parameters": {"commands": ["uptime"]},
        "instance_ids": ["i-0123456789abcdef0"],
        "auto_approve": True,
        "timeout_seconds": 60,
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def create_runbook(session, company_id, **fields):
    body = runbook_body(company_id=company_id, **fields)
    r = session.post("/api/runbooks", json=body)
    assert r.status_code == 201, f"create runbook: {r.status_code} {r.text}"
    return r.json()


def new_incident(server, company_id, signature=None, **fields):
    """Opens an incident through the webhook; returns the incident json."""
    key = server.api_key_for(company_id)
    body = {"asset_name": f"srv-{uuid.uuid4().hex[:8]}", "signature": signature or f"sig_{uuid.uuid4().hex[:8]}",
            "severity": "high", "message": f"alert {uuid.uuid4().hex}", "tool_source": "pytest"}
    body.update(fields)
    r = server.session().post("/api/webhooks/alerts", json=body, headers={"X-API-Key": key})
    assert r.status_code == 202, r.text
    inc_id = r.json().get("incident_id")
    assert inc_id, r.text
    got = server.admin().get(f"/api/incidents/{inc_id}")
    assert got.status_code == 200, got.text
    return got.json()


def wait_for(fn, timeout=15.0, interval=0.05, what="condition"):
    """Polls fn() until it returns a truthy value; returns it (fails after timeout)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}; last value {last!r}")


def wait_execution(session, execution_id, statuses=("success", "failed", "timed_out", "cancelled"), timeout=20):
    def done():
        r = session.get(f"/api/executions/{execution_id}")
        assert r.status_code == 200, r.text
        return r.json() if r.json()["status"] in statuses else None
    return wait_for(done, timeout=timeout, what=f"execution {execution_id} to reach {statuses}")


def audit_actions(server, company_id, action):
    r = server.admin().get("/api/audit-logs", params={"company_id": company_id, "action": action, "limit": 500})
    assert r.status_code == 200, r.text
    return r.json()
