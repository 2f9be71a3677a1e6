"""Approval requests: listing and filtering, scoping, TTL, and expiry by the worker (across a restart
with the test-only clock offset, AW_TEST_MODE=1 + AW_TEST_CLOCK_OFFSET_SECONDS)."""

import datetime

import pytest

from aw_harness import assert_error
from fakes.runbook_helpers import ACME, TECHSTART, as_demo, audit_actions, create_runbook, new_incident, wait_for


def request_approval(server, company_id=ACME, risk="medium"):
    admin = as_demo(server, company_id, "company")
    tech = as_demo(server, company_id, "tech")
    rb = create_runbook(admin, company_id, risk_level=risk, auto_approve=False)
    inc = new_incident(server, company_id)
    r = tech.post(f"/api/incidents/{inc['id']}/execute-runbook", json={"runbook_id": rb["id"]})
    assert r.status_code == 202, r.text
    assert r.json()["action"] == "approval_requested", r.text
    return r.json()["approval_request"]


def parse(ts):
    return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def test_list_filter_scope_and_paging(server):
    a = request_approval(server)
    b = request_approval(server)
    c = request_approval(server, TECHSTART)
    admin = as_demo(server, ACME, "company")
    r = admin.post(f"/api/approval-requests/{a['id']}/reject", json={"reason": "no"})
    assert r.status_code == 200, r.text

    pending = admin.get("/api/approval-requests", params={"status": "pending"}).json()
    assert b["id"] in {x["id"] for x in pending} and a["id"] not in {x["id"] for x in pending}
    assert all(x["company_id"] == ACME for x in pending)
    rejected = admin.get("/api/approval-requests", params={"status": "rejected", "company_id": ACME}).json()
    assert [x["id"] for x in rejected] == [a["id"]]
    assert_error(admin.get("/api/approval-requests", params={"status": "maybe"}), 422, mentions="status")
    assert_error(admin.get("/api/approval-requests", params={"company_id": TECHSTART}), 403)

    # Technicians see their companies' requests; the MSP admin sees all, newest first, paged.
    tech_view = as_demo(server, ACME, "tech").get("/api/approval-requests").json()
    assert b["id"] in {x["id"] for x in tech_view}
    msp = server.admin()
    first = msp.get("/api/approval-requests", params={"limit": 1})
    assert first.status_code == 200 and len(first.json()) == 1 and first.headers.get("X-Next-Cursor")
    everything = msp.get("/api/approval-requests", params={"limit": 500}).json()
    ids = [x["id"] for x in everything]
    assert {a["id"], b["id"], c["id"]} <= set(ids)
    got = msp.get(f"/api/approval-requests/{b['id']}")
    assert got.status_code == 200 and got.json()["status"] == "pending"
    assert "expires_at_us" not in got.json()


def test_default_ttl_is_one_hour(server):
    req = request_approval(server)
    assert parse(req["expires_at"]) - parse(req["created_at"]) == datetime.timedelta(hours=1)


def test_ttl_is_configurable(server_factory):
    srv = server_factory.start(env={"AW_APPROVAL_TTL_MINUTES": "15"})
    req = request_approval(srv)
    assert parse(req["expires_at"]) - parse(req["created_at"]) == datetime.timedelta(minutes=15)


def test_bad_ttl_setting_stops_start_up(tmp_path):
    from aw_harness import run_cli
    r = run_cli(["serve", "--port", "1"], data_dir=tmp_path, env={"AW_APPROVAL_TTL_MINUTES": "0"}, timeout=20)
    assert r.returncode != 0
    assert "AW_APPROVAL_TTL_MINUTES" in r.stderr


def test_expiry_by_the_worker_after_an_hour(server_factory):
    first = server_factory.start()
    req = request_approval(first)
    data_dir = first.data_dir
    assert first.terminate() == 0
    # The same data, 61 minutes later (test-only clock offset; refused without AW_TEST_MODE=1).
    later = server_factory.start(data_dir=data_dir, env={"AW_TEST_MODE": "1", "AW_TEST_CLOCK_OFFSET_SECONDS": "3660",
                                                         "AW_WORKER_INTERVAL_SECONDS": "1"})
    admin = as_demo(later, ACME, "company")

    def expired():
        got = admin.get(f"/api/approval-requests/{req['id']}").json()
        return got if got["status"] == "expired" else None
    got = wait_for(expired, timeout=10, what="the request to expire")
    assert got.get("expired_at")
    entries = wait_for(lambda: audit_actions(later, ACME, "approval_expired"), timeout=10, what="audit entry")
    assert any(e.get("resource_id") == req["id"] for e in entries)
    r = admin.post(f"/api/approval-requests/{req['id']}/approve", json={})
    assert_error(r, 409, code="approval_expired")
    assert later.admin().get(f"/api/incidents/{req['incident_id']}/executions").json() == []
    listed = admin.get("/api/approval-requests", params={"status": "expired"}).json()
    assert req["id"] in {x["id"] for x in listed}


def test_requests_overdue_while_down_are_swept_at_start_up(server_factory):
    first = server_factory.start()
    req = request_approval(first)
    data_dir = first.data_dir
    assert first.terminate() == 0
    # A long worker period: the sweep at start-up alone expires what fell due while the server was down.
    later = server_factory.start(data_dir=data_dir, env={"AW_TEST_MODE": "1", "AW_TEST_CLOCK_OFFSET_SECONDS": "3660",
                                                         "AW_WORKER_INTERVAL_SECONDS": "3600"})
    admin = as_demo(later, ACME, "company")
    assert_error(admin.post(f"/api/approval-requests/{req['id']}/approve", json={}), 409, code="approval_expired")
    assert admin.get(f"/api/approval-requests/{req['id']}").json()["status"] == "expired"
