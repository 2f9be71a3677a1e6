"""Crash recovery of runbook executions (docs/runbooks.md, "After a crash"): a run left `running` by a
killed server is polled again to its end at the next start; one that never got an SSM command id is
marked failed with the reason; an approved request whose execution was never written gets it started,
exactly once."""

import base64
import datetime
import json
import uuid

import pytest

from aw_harness import run_cli
from fakes.aws_standin import AwsStandin
from fakes.runbook_helpers import ACME, as_demo, audit_actions, create_runbook, new_incident, wait_execution, wait_for

ACME_KEY, ACME_SECRET = "AKIAACMEEXAMPLE00001", "acmeSecretKey/0123456789+abcdefghijklmno"
MASTER = base64.b64encode(b"r" * 32).decode()


@pytest.fixture(scope="module")
def standin():
    s = AwsStandin(credentials={ACME_KEY: ACME_SECRET}).start()
    yield s
    s.stop()


def env_for(standin):
    return {"AW_SSM_ENDPOINT": standin.url, "AW_STS_ENDPOINT": standin.url, "AW_RUNBOOK_POLL_MS": "50",
            "AW_MASTER_KEY": MASTER}


def instance():
    return "i-" + uuid.uuid4().hex[:17]


def start_with_credentials(server_factory, standin):
    srv = server_factory.start(env=env_for(standin))
    r = srv.admin().post(f"/api/companies/{ACME}/aws-credentials",
                         json={"access_key_id": ACME_KEY, "secret_access_key": ACME_SECRET})
    assert r.status_code == 200, r.text
    return srv


def sends_to(standin, iid):
    return [b for b in standin.operations("SendCommand") if iid in (b.get("InstanceIds") or [])]


def kill9(srv):
    srv.proc.kill()
    srv.proc.wait()


def test_a_run_left_running_by_kill_9_is_polled_to_its_end_after_restart(server_factory, standin):
    srv = start_with_credentials(server_factory, standin)
    admin = srv.admin()
    iid = instance()
    standin.set_outcome(iid, "InProgress")  # slow: still running when the server dies
    rb = create_runbook(admin, ACME, instance_ids=[iid], timeout_seconds=3600)
    inc = new_incident(srv, ACME)
    r = admin.post(f"/api/incidents/{inc['id']}/execute-runbook", json={"runbook_id": rb["id"]})
    assert r.status_code == 202 and r.json()["action"] == "executing", r.text
    ex = r.json()["execution"]
    wait_for(lambda: admin.get(f"/api/executions/{ex['id']}").json()["command_id"], what="the command to be sent")
    kill9(srv)
    standin.set_outcome(iid, "Success", output="cleaned 2 GB\n")  # the command finishes meanwhile
    again = server_factory.start(data_dir=srv.data_dir, env=env_for(standin))
    admin = again.admin()
    got = wait_execution(admin, ex["id"])
    assert got["status"] == "success", got
    assert got["results"][0]["instance_id"] == iid and "cleaned 2 GB" in got["results"][0]["output"], got
    assert got["recovered_at"] and got["finished_at"] and got["error"] is None, got
    assert len(sends_to(standin, iid)) == 1  # polled again, never sent twice
    finished = [e for e in audit_actions(again, ACME, "runbook_execution_finished")
                if e["resource_id"] == ex["id"]]
    assert len(finished) == 1 and finished[0]["details"]["status"] == "success", finished
    # A second restart finds nothing left to do.
    again.stop_and_check()
    third = server_factory.start(data_dir=srv.data_dir, env=env_for(standin))
    assert third.admin().get(f"/api/executions/{ex['id']}").json()["status"] == "success"
    assert len(sends_to(standin, iid)) == 1
    assert "took over" not in third.stderr() + third.stdout()


def export_edit_import(tmp_path, data_dir, edit):
    """export -> edit(ApprovalRequests items) -> import into a fresh data dir; returns it."""
    out = tmp_path / f"exp-{uuid.uuid4().hex[:6]}"
    r = run_cli(["export", "--out", str(out)], data_dir=data_dir, env={"AW_MASTER_KEY": MASTER})
    assert r.returncode == 0, r.stdout + r.stderr
    path = out / "ApprovalRequests.jsonl"
    items = [json.loads(line) for line in open(path) if line.strip()]
    items = edit(items)
    with open(path, "w") as f:
        for it in items:
            f.write(json.dumps(it) + "\n")
    dst = tmp_path / f"dst-{uuid.uuid4().hex[:6]}"
    dst.mkdir()
    r = run_cli(["import", str(out)], data_dir=dst, env={"AW_MASTER_KEY": MASTER})
    assert r.returncode == 0, r.stdout + r.stderr
    return dst


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_approved_request_whose_execution_was_never_written_is_started_once(tmp_path, server_factory, standin):
    srv = start_with_credentials(server_factory, standin)
    iid = instance()
    standin.set_outcome(iid, "Success", output="restarted\n")
    company = as_demo(srv, ACME, "company")
    rb = create_runbook(company, ACME, instance_ids=[iid], risk_level="medium", auto_approve=False)
    inc = new_incident(srv, ACME)
    tech = as_demo(srv, ACME, "tech")
    r = tech.post(f"/api/incidents/{inc['id']}/execute-runbook", json={"runbook_id": rb["id"]})
    assert r.status_code == 202 and r.json()["action"] == "approval_requested", r.text
    req_id = r.json()["approval_request"]["id"]
    ok = company.post(f"/api/approval-requests/{req_id}/approve", json={"notes": "go"})
    assert ok.status_code == 200, ok.text
    exec_id = ok.json()["execution"]["id"]
    assert ok.json()["approval_request"]["execution_id"] == exec_id  # reserved by the approval itself
    wait_execution(company, exec_id)
    srv.stop_and_check()
    assert len(sends_to(standin, iid)) == 1

    def crash_before_the_execution(items):
        # As if the server died right after approving: no execution record, approved 3 minutes ago.
        kept = [it for it in items if not (it["id"] == exec_id or it["company_id"].endswith("#exec"))]
        assert len(kept) == len(items) - 2  # the execution and its locator
        for it in kept:
            if it["id"] == req_id:
                it["decided_at"] = iso(datetime.datetime.utcnow() - datetime.timedelta(minutes=3))
        return kept

    dst = export_edit_import(tmp_path, srv.data_dir, crash_before_the_execution)
    again = server_factory.start(data_dir=dst, env=env_for(standin))
    admin = again.admin()
    wait_for(lambda: admin.get(f"/api/executions/{exec_id}").status_code == 200, what="the execution to start")
    got = wait_execution(admin, exec_id)
    assert got["status"] == "success" and got["approval_request_id"] == req_id, (
        {k: got.get(k) for k in ("status", "error", "command_id", "approval_request_id")}, again.stderr()[-4000:])
    assert got["approved_by_email"] == "admin@acme.com" or got["approved_by"], got
    assert len(sends_to(standin, iid)) == 2  # the original run, and the recovered one
    again.stop_and_check()
    third = server_factory.start(data_dir=dst, env=env_for(standin))  # started once, not at every start
    assert third.admin().get(f"/api/executions/{exec_id}").json()["status"] == "success"
    assert len(sends_to(standin, iid)) == 2


def test_unknown_fate_and_stale_approvals_are_closed_with_a_reason(tmp_path, server_factory, standin):
    srv = start_with_credentials(server_factory, standin)
    iid = instance()
    standin.set_outcome(iid, "Success")
    company = as_demo(srv, ACME, "company")
    rb = create_runbook(company, ACME, instance_ids=[iid], risk_level="medium", auto_approve=False)
    inc = new_incident(srv, ACME)
    tech = as_demo(srv, ACME, "tech")
    run = tech.post(f"/api/incidents/{inc['id']}/execute-runbook", json={"runbook_id": rb["id"]})
    req_id = run.json()["approval_request"]["id"]
    ok = company.post(f"/api/approval-requests/{req_id}/approve", json={})
    exec_id = ok.json()["execution"]["id"]
    wait_execution(company, exec_id)
    srv.stop_and_check()

    def edit(items):
        out = []
        for it in items:
            if it["id"] == f"{inc['id']}#{exec_id}":
                # Died between the run starting and SSM answering SendCommand.
                it.update(status="running", command_id=None, finished_at=None, results=[])
                it.pop("heartbeat_us", None)
            if it["id"] == req_id:
                # And an approval older than the start window whose execution never appeared.
                it["execution_id"] = "0190a0a0-0000-7000-8000-000000000000"
                it["decided_at"] = iso(datetime.datetime.utcnow() - datetime.timedelta(hours=2))
            out.append(it)
        return out

    dst = export_edit_import(tmp_path, srv.data_dir, edit)
    again = server_factory.start(data_dir=dst, env=env_for(standin))
    admin = again.admin()
    got = wait_execution(admin, exec_id)
    assert got["status"] == "failed" and "may or may not have run" in got["error"], got
    req = wait_for(lambda: admin.get(f"/api/approval-requests/{req_id}").json().get("execution_error") and
                   admin.get(f"/api/approval-requests/{req_id}").json(), what="the request to be closed")
    assert "request it again" in req["execution_error"], req
    assert len(sends_to(standin, iid)) == 1  # nothing was sent again


def test_approving_when_the_runbook_was_deleted_leaves_no_dangling_execution_id(server_factory, standin):
    srv = start_with_credentials(server_factory, standin)
    company = as_demo(srv, ACME, "company")
    rb = create_runbook(company, ACME, instance_ids=[instance()], risk_level="medium", auto_approve=False)
    inc = new_incident(srv, ACME)
    r = as_demo(srv, ACME, "tech").post(f"/api/incidents/{inc['id']}/execute-runbook", json={"runbook_id": rb["id"]})
    req_id = r.json()["approval_request"]["id"]
    assert company.delete(f"/api/runbooks/{rb['id']}").status_code == 204
    ok = company.post(f"/api/approval-requests/{req_id}/approve", json={})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["execution"] is None and "deleted" in body["error"], body
    req = body["approval_request"]
    assert req["status"] == "approved" and req["execution_id"] is None and "deleted" in req["execution_error"], req
    got = company.get(f"/api/approval-requests/{req_id}").json()
    assert got["execution_id"] is None and got["execution_error"] == req["execution_error"], got
    assert company.get(f"/api/incidents/{inc['id']}/executions").json() == []


@pytest.mark.dynamodb_only
def test_on_dynamodb_a_dead_replicas_run_is_taken_over_once_its_heartbeat_is_stale(server_factory, standin):
    """DynamoDB (several replicas): a run whose process died is taken over only once its heartbeat
    is 120 s old, since until then another live replica may still be polling it; then it is polled
    to its end, never sent again."""
    srv = start_with_credentials(server_factory, standin)
    admin = srv.admin()
    iid = instance()
    standin.set_outcome(iid, "InProgress")
    rb = create_runbook(admin, ACME, instance_ids=[iid], timeout_seconds=3600)
    inc = new_incident(srv, ACME)
    r = admin.post(f"/api/incidents/{inc['id']}/execute-runbook", json={"runbook_id": rb["id"]})
    assert r.status_code == 202 and r.json()["action"] == "executing", r.text
    ex = r.json()["execution"]
    wait_for(lambda: admin.get(f"/api/executions/{ex['id']}").json()["command_id"], what="the command to be sent")
    kill9(srv)
    standin.set_outcome(iid, "Success", output="rotated logs\n")

    # Right away: the heartbeat is fresh, so the new replica leaves the run alone.
    soon = server_factory.start(data_dir=srv.data_dir, env=env_for(standin))
    got = soon.admin().get(f"/api/executions/{ex['id']}").json()
    assert got["status"] == "running" and not got.get("recovered_at"), got
    assert "took over" not in soon.stderr() + soon.stdout()
    soon.stop_and_check()

    # Three minutes later (test clock): the run is orphaned and this replica finishes it.
    later = server_factory.start(data_dir=srv.data_dir, env={**env_for(standin), "AW_TEST_MODE": "1",
                                                            "AW_TEST_CLOCK_OFFSET_SECONDS": "180"})
    got = wait_execution(later.admin(), ex["id"])
    assert got["status"] == "success" and got["recovered_at"], got
    assert "rotated logs" in got["results"][0]["output"], got
    assert len(sends_to(standin, iid)) == 1  # polled again, never sent twice
