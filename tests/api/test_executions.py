"""Runbook execution through AWS Systems Manager (a local stand-in that verifies SigV4 and the request
shapes): risk tiers per role, approvals starting runs, success / failure / time-out, tag targets, STS
AssumeRole, wrongly signed calls, auto-resolve, auto-execute, decisions, and tenant isolation."""

import uuid

import pytest

from aw_harness import AwServer, assert_error
from fakes.aws_standin import AwsStandin
from fakes.runbook_helpers import (ACME, GLOBAL, TECHSTART, as_demo, audit_actions, create_runbook, new_incident,
                                   wait_execution, wait_for)

ACME_KEY, ACME_SECRET = "AKIAACMEEXAMPLE00001", "acmeSecretKey/0123456789+abcdefghijklmno"
SERVER_KEY, SERVER_SECRET = "AKIASERVEREXAMPLE001", "serverSecretKey/0123456789+abcdefghijkl"
ROLE_ARN = "arn:aws:iam::210987654321:role/AlertWhispererRunbooks"
EXTERNAL_ID = "techstart-external-id-42"
INSTANCE = "i-0123456789abcdef0"


@pytest.fixture(scope="module")
def standin():
    s = AwsStandin(credentials={ACME_KEY: ACME_SECRET, SERVER_KEY: SERVER_SECRET},
                   roles={ROLE_ARN: EXTERNAL_ID}).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory, standin):
    env = {"AW_SSM_ENDPOINT": standin.url, "AW_STS_ENDPOINT": standin.url, "AW_RUNBOOK_POLL_MS": "50",
           "AWS_ACCESS_KEY_ID": SERVER_KEY, "AWS_SECRET_ACCESS_KEY": SERVER_SECRET}
    srv = AwServer(tmp_path_factory.mktemp("aw-exec"), env=env).start()
    admin = srv.admin()
    r = admin.post(f"/api/companies/{ACME}/aws-credentials",
                   json={"access_key_id": ACME_KEY, "secret_access_key": ACME_SECRET, "region": "us-east-1"})
    assert r.status_code == 200, r.text
    r = admin.post(f"/api/companies/{TECHSTART}/aws-credentials",
                   json={"role_arn": ROLE_ARN, "external_id": EXTERNAL_ID, "region": "us-east-1"})
    assert r.status_code == 200, r.text
    yield srv
    srv.stop_and_check()


@pytest.fixture(scope="module")
def users(server):
    return {(c, k): as_demo(server, c, k) for c in (ACME, TECHSTART) for k in ("company", "tech", "client")}


def instance():
    """A fresh EC2-style instance id, so outcomes set on the stand-in do not collide."""
    return "i-" + uuid.uuid4().hex[:17]


def execute(session, incident, runbook, **body):
    body["runbook_id"] = runbook["id"]
    return session.post(f"/api/incidents/{incident['id']}/execute-runbook", json=body)


def started(r):
    assert r.status_code == 202, r.text
    out = r.json()
    assert out["action"] == "executing", out
    assert out["execution"]["status"] == "running", out
    return out["execution"]


def requested(r, approver_role):
    assert r.status_code == 202, r.text
    out = r.json()
    assert out["action"] == "approval_requested", out
    req = out["approval_request"]
    assert req["status"] == "pending" and req["required_approver_role"] == approver_role, req
    return req


# -- risk tiers ------------------------------------------------------------------
def test_low_auto_approve_runs_at_once_for_a_technician(server, standin, users):
    iid = instance()
    standin.set_outcome(iid, "Success", output="Filesystem  Size\n/dev/xvda1 8G\n")
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=[iid],
                        parameters={"commands": ["df -h", "journalctl --vacuum-time=7d"]})
    inc = new_incident(server, ACME)
    tech = users[ACME, "tech"]
    ex = started(execute(tech, inc, rb))
    assert ex["incident_id"] == inc["id"] and ex["runbook_id"] == rb["id"] and ex["company_id"] == ACME
    done = wait_execution(tech, ex["id"])
    assert done["status"] == "success", done
    assert done["results"][0]["instance_id"] == iid
    assert "/dev/xvda1" in done["results"][0]["output"]
    assert done["command_id"] and done["finished_at"] and done["duration_seconds"] >= 0
    assert done["started_by"] and done["approved_by"] is None
    # What SSM received: the runbook's document, parameters and targets, in AWS's shapes.
    sent = [b for b in standin.operations("SendCommand") if b.get("InstanceIds") == [iid]]
    assert len(sent) == 1
    assert sent[0]["DocumentName"] == "AWS-RunShellScript"
    assert sent[0]["Parameters"]["commands"] == ["df -h", "journalctl --vacuum-time=7d"]
    assert sent[0]["Parameters"]["executionTimeout"] == ["60"]
    assert sent[0]["TimeoutSeconds"] == 60 and "Targets" not in sent[0]
    # Listed on the incident, and audited by name.
    lst = tech.get(f"/api/incidents/{inc['id']}/executions")
    assert lst.status_code == 200 and [e["id"] for e in lst.json()] == [ex["id"]]
    entries = audit_actions(server, ACME, "runbook_executed")
    assert any(e.get("resource_id") == ex["id"] for e in entries), entries


def test_medium_needs_approval_from_a_technician_but_not_an_admin(server, users):
    rb = create_runbook(users[ACME, "company"], ACME, risk_level="medium", auto_approve=False,
                        instance_ids=[instance()])
    inc = new_incident(server, ACME)
    req = requested(execute(users[ACME, "tech"], inc, rb), "company_admin")
    assert req["incident_id"] == inc["id"] and req["runbook_id"] == rb["id"]
    assert audit_actions(server, ACME, "approval_requested")
    ex = started(execute(users[ACME, "company"], inc, rb))
    assert wait_execution(users[ACME, "company"], ex["id"])["status"] == "success"
    ex = started(execute(server.admin(), inc, rb))
    assert wait_execution(server.admin(), ex["id"])["status"] == "success"


def test_low_without_auto_approve_behaves_like_medium(server, users):
    rb = create_runbook(users[ACME, "company"], ACME, risk_level="low", auto_approve=False, instance_ids=[instance()])
    inc = new_incident(server, ACME)
    requested(execute(users[ACME, "tech"], inc, rb), "company_admin")


def test_high_runs_only_for_msp_admins_and_only_they_approve(server, users):
    rb = create_runbook(users[ACME, "company"], ACME, risk_level="high", auto_approve=False,
                        instance_ids=[instance()])
    inc = new_incident(server, ACME)
    req_tech = requested(execute(users[ACME, "tech"], inc, rb), "msp_admin")
    req_admin = requested(execute(users[ACME, "company"], inc, rb), "msp_admin")
    # A company admin may not approve a high-risk request, nor their own.
    assert_error(users[ACME, "company"].post(f"/api/approval-requests/{req_tech['id']}/approve", json={}), 403)
    assert_error(users[ACME, "company"].post(f"/api/approval-requests/{req_admin['id']}/approve", json={}), 403,
                 code="self_approval")
    # The MSP admin approves: that starts the run.
    r = server.admin().post(f"/api/approval-requests/{req_tech['id']}/approve", json={"notes": "go ahead"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["approval_request"]["status"] == "approved"
    assert out["approval_request"]["approval_notes"] == "go ahead"
    ex = out["execution"]
    assert ex["status"] == "running" and out["approval_request"]["execution_id"] == ex["id"]
    done = wait_execution(server.admin(), ex["id"])
    assert done["status"] == "success"
    assert done["approval_request_id"] == req_tech["id"] and done["approved_by"]
    assert done["started_by"] == req_tech["requested_by"]
    assert audit_actions(server, ACME, "approval_granted")
    # Deciding again is a conflict.
    assert_error(server.admin().post(f"/api/approval-requests/{req_tech['id']}/reject", json={}), 409,
                 code="already_decided")
    # The MSP admin runs high-risk runbooks directly.
    ex = started(execute(server.admin(), inc, rb))
    assert wait_execution(server.admin(), ex["id"])["status"] == "success"


def test_reject_keeps_the_runbook_from_running(server, standin, users):
    iid = instance()
    rb = create_runbook(users[ACME, "company"], ACME, risk_level="medium", auto_approve=False, instance_ids=[iid])
    inc = new_incident(server, ACME)
    req = requested(execute(users[ACME, "tech"], inc, rb), "company_admin")
    assert_error(users[ACME, "tech"].post(f"/api/approval-requests/{req['id']}/reject", json={}), 403,
                 code="self_approval")
    r = users[ACME, "company"].post(f"/api/approval-requests/{req['id']}/reject", json={"reason": "not in hours"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected" and r.json()["rejection_reason"] == "not in hours"
    assert_error(users[ACME, "company"].post(f"/api/approval-requests/{req['id']}/approve", json={}), 409)
    assert not [b for b in standin.operations("SendCommand") if b.get("InstanceIds") == [iid]]
    assert users[ACME, "tech"].get(f"/api/incidents/{inc['id']}/executions").json() == []
    assert audit_actions(server, ACME, "approval_rejected")


def test_clients_cannot_run_or_see(server, users):
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=[instance()])
    inc = new_incident(server, ACME)
    client = users[ACME, "client"]
    assert_error(execute(client, inc, rb), 403)
    assert_error(client.get(f"/api/incidents/{inc['id']}/executions"), 403)
    assert_error(client.post(f"/api/incidents/{inc['id']}/decide"), 403)
    assert_error(client.get("/api/approval-requests"), 403)


# -- outcomes --------------------------------------------------------------------
def test_failure_keeps_the_output(server, standin, users):
    iid = instance()
    standin.set_outcome(iid, "Failed", output="partial\n", error="rm: cannot remove: Permission denied\n", code=1)
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=[iid])
    inc = new_incident(server, ACME)
    done = wait_execution(users[ACME, "tech"], started(execute(users[ACME, "tech"], inc, rb))["id"])
    assert done["status"] == "failed", done
    res = done["results"][0]
    assert res["status"] == "Failed" and res["response_code"] == 1
    assert "Permission denied" in res["error_output"]


def test_time_out(server, standin, users):
    iid = instance()
    standin.set_outcome(iid, "TimedOut", in_progress_polls=2)
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=[iid])
    inc = new_incident(server, ACME)
    done = wait_execution(users[ACME, "tech"], started(execute(users[ACME, "tech"], inc, rb))["id"])
    assert done["status"] == "timed_out", done
    assert done["results"][0]["status_details"] == "ExecutionTimedOut"


def test_running_while_ssm_is_in_progress_and_output_is_bounded(server, standin, users):
    iid = instance()
    standin.set_outcome(iid, "Success", output="x" * 40000, in_progress_polls=15, invisible_polls=2)
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=[iid])
    inc = new_incident(server, ACME)
    tech = users[ACME, "tech"]
    ex = started(execute(tech, inc, rb))
    mid = tech.get(f"/api/executions/{ex['id']}").json()
    assert mid["status"] == "running"
    done = wait_execution(tech, ex["id"])
    assert done["status"] == "success"
    assert len(done["results"][0]["output"]) <= 24 * 1024
    assert done["output_truncated"] is True


def test_tag_targets(server, standin, users):
    a, b = instance(), instance()
    standin.tags[("Role", "web")] = [a, b]
    standin.set_outcome(a, "Success", output="a ok")
    standin.set_outcome(b, "Success", output="b ok")
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=None, target_tag_key="Role",
                        target_tag_value="web")
    inc = new_incident(server, ACME)
    done = wait_execution(users[ACME, "tech"], started(execute(users[ACME, "tech"], inc, rb))["id"])
    assert done["status"] == "success", done
    assert sorted(r["instance_id"] for r in done["results"]) == sorted([a, b])
    sent = [s for s in standin.operations("SendCommand") if s.get("Targets") == [{"Key": "tag:Role", "Values": ["web"]}]]
    assert len(sent) == 1 and "InstanceIds" not in sent[0]


def test_tag_matching_no_instance_fails(server, standin, users):
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=None, target_tag_key="Role",
                        target_tag_value="nothing-has-this")
    inc = new_incident(server, ACME)
    done = wait_execution(users[ACME, "tech"], started(execute(users[ACME, "tech"], inc, rb))["id"])
    assert done["status"] == "failed" and "no instance matched" in done["error"], done
    assert done["results"] == []


def test_target_override_and_422s(server, standin, users):
    rb = create_runbook(users[ACME, "company"], ACME, instance_ids=None)  # no target of its own
    inc = new_incident(server, ACME)
    tech = users[ACME, "tech"]
    assert_error(execute(tech, inc, rb), 422, mentions="instance_ids")
    assert_error(tech.post(f"/api/incidents/{inc['id']}/execute-runbook", json={}), 422, mentions="runbook_id")
    assert_error(execute(tech, inc, rb, instance_ids=["i-1"]), 422, mentions="instance_ids")
    assert_error(execute(tech, inc, rb, instance_ids=[f"i-{n:08d}" for n in range(51)]), 422, mentions="instance_ids")
    assert_error(execute(tech, inc, rb, target_tag_key="Env"), 422, mentions="target_tag_value")
    assert_error(tech.post(f"/api/incidents/{inc['id']}/execute-runbook", data="{", headers={"Content-Type": "application/json"}), 400)
    iid = instance()
    done = wait_execution(tech, started(execute(tech, inc, rb, instance_ids=[iid]))["id"])
    assert done["status"] == "success" and done["targets"] == {"instance_ids": [iid]}


# -- credentials -----------------------------------------------------------------
def test_assume_role_path(server, standin, users):
    iid = instance()
    rb = create_runbook(users[TECHSTART, "company"], TECHSTART, instance_ids=[iid])
    inc = new_incident(server, TECHSTART)
    done = wait_execution(users[TECHSTART, "tech"], started(execute(users[TECHSTART, "tech"], inc, rb))["id"])
    assert done["status"] == "success", done
    assume = [p for op, p, key in standin.calls if op == "AssumeRole"]
    assert assume and assume[-1]["RoleArn"] == ROLE_ARN and assume[-1]["ExternalId"] == EXTERNAL_ID
    assert any(op == "AssumeRole" and key == SERVER_KEY for op, _, key in standin.calls)
    # SendCommand was signed with the temporary credentials (and their session token).
    send = [key for op, body, key in standin.calls if op == "SendCommand" and body.get("InstanceIds") == [iid]]
    assert send and send[0].startswith("ASIA")


def test_wrong_secret_is_rejected_by_ssm_and_the_run_fails(server, standin):
    cid = server.create_company()["id"]
    admin = server.admin()
    r = admin.post(f"/api/companies/{cid}/aws-credentials",
                   json={"access_key_id": ACME_KEY, "secret_access_key": "wrongSecret/0123456789+abcdefghijkl"})
    assert r.status_code == 200
    rb = create_runbook(admin, cid, instance_ids=[instance()])
    inc = new_incident(server, cid)
    done = wait_execution(admin, started(execute(admin, inc, rb))["id"])
    assert done["status"] == "failed"
    assert "InvalidSignatureException" in done["error"]
    assert "wrongSecret" not in done["error"]
    assert any(code == "InvalidSignatureException" for _, code, _ in standin.rejections)


def test_no_credentials_fails_clearly(server):
    cid = server.create_company()["id"]
    admin = server.admin()
    rb = create_runbook(admin, cid, instance_ids=[instance()])
    inc = new_incident(server, cid)
    done = wait_execution(admin, started(execute(admin, inc, rb))["id"])
    assert done["status"] == "failed" and "no AWS credentials" in done["error"]


def test_secrets_never_in_the_log(server):
    log = server.stderr()
    for s in (ACME_SECRET, SERVER_SECRET, EXTERNAL_ID):
        assert s not in log


# -- settings: auto-resolve and auto-execute ---------------------------------------
def test_auto_resolve_on_success(server, users):
    cid = server.create_company()["id"]
    admin = server.admin()
    assert admin.post(f"/api/companies/{cid}/aws-credentials",
                      json={"access_key_id": ACME_KEY, "secret_access_key": ACME_SECRET}).status_code == 200
    assert admin.put(f"/api/companies/{cid}/runbook-settings",
                     json={"auto_resolve_on_runbook_success": True}).status_code == 200
    rb = create_runbook(admin, cid, instance_ids=[instance()])
    inc = new_incident(server, cid)
    done = wait_execution(admin, started(execute(admin, inc, rb))["id"])
    assert done["status"] == "success"
    resolved = wait_for(lambda: admin.get(f"/api/incidents/{inc['id']}").json()["status"] == "resolved",
                        what="incident resolved")
    assert resolved
    got = admin.get(f"/api/incidents/{inc['id']}").json()
    assert got["resolved_by"] == "system" and rb["name"] in got["resolution_notes"]


def test_auto_execute_low_risk_for_new_incidents(server, standin):
    cid = server.create_company()["id"]
    admin = server.admin()
    assert admin.post(f"/api/companies/{cid}/aws-credentials",
                      json={"access_key_id": ACME_KEY, "secret_access_key": ACME_SECRET}).status_code == 200
    sig = f"disk_full_{uuid.uuid4().hex[:6]}"
    rb = create_runbook(admin, cid, signature=sig, instance_ids=[instance()])
    medium = create_runbook(admin, cid, signature=sig + "_x", risk_level="medium", auto_approve=False,
                            instance_ids=[instance()])
    # Off by default: nothing runs.
    quiet = new_incident(server, cid, signature=sig)
    assert admin.put(f"/api/companies/{cid}/runbook-settings", json={"auto_execute_low_risk": True}).status_code == 200
    inc = new_incident(server, cid, signature=sig)
    ex = wait_for(lambda: admin.get(f"/api/incidents/{inc['id']}/executions").json(), what="an automatic execution")
    assert len(ex) == 1 and ex[0]["runbook_id"] == rb["id"] and ex[0]["started_by"] == "system"
    assert wait_execution(admin, ex[0]["id"])["status"] == "success"
    assert admin.get(f"/api/incidents/{quiet['id']}/executions").json() == []
    # A medium-risk runbook never runs by itself.
    inc2 = new_incident(server, cid, signature=sig + "_x")
    assert admin.post(f"/api/incidents/{inc2['id']}/decide").json()["runbook"]["id"] == medium["id"]
    assert admin.get(f"/api/incidents/{inc2['id']}/executions").json() == []
    entries = audit_actions(server, cid, "runbook_executed")
    assert any(e.get("user_id") == "system" for e in entries)


# -- decisions -------------------------------------------------------------------
def test_decide_recommends_a_runbook_or_escalation(server, users):
    sig = f"service_down_{uuid.uuid4().hex[:6]}"
    rb = create_runbook(users[ACME, "company"], ACME, signature=sig, risk_level="medium", auto_approve=False)
    inc = new_incident(server, ACME, signature=sig)
    r = users[ACME, "tech"].post(f"/api/incidents/{inc['id']}/decide")
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["decision"] == "run_runbook" and d["runbook"]["id"] == rb["id"]
    assert d["needs_approval"] is True and d["approver_role"] == "company_admin" and d["can_run_now"] is False
    assert d["reasons"] and all(isinstance(x, str) for x in d["reasons"])
    d2 = users[ACME, "company"].post(f"/api/incidents/{inc['id']}/decide").json()
    assert d2["needs_approval"] is False and d2["can_run_now"] is True

    other = new_incident(server, ACME, signature=f"unheard_of_{uuid.uuid4().hex[:6]}", message="database replica lag")
    d3 = users[ACME, "tech"].post(f"/api/incidents/{other['id']}/decide").json()
    assert d3["decision"] == "escalate" and d3["runbook"] is None
    assert d3["escalate_to"]["technician_category"]
    assert d3["reasons"]


# -- tenant isolation on every route ----------------------------------------------
def test_tenant_isolation(server, users):
    rb = create_runbook(users[ACME, "company"], ACME, risk_level="medium", auto_approve=False,
                        instance_ids=[instance()])
    inc = new_incident(server, ACME)
    ex = started(execute(users[ACME, "company"], inc, rb))
    req = requested(execute(users[ACME, "tech"], inc, rb), "company_admin")
    for kind in ("company", "tech"):
        other = users[TECHSTART, kind]
        assert_error(execute(other, inc, rb), 404)
        assert_error(other.get(f"/api/incidents/{inc['id']}/executions"), 404)
        assert_error(other.get(f"/api/executions/{ex['id']}"), 404)
        assert_error(other.post(f"/api/incidents/{inc['id']}/decide"), 404)
        assert_error(other.get(f"/api/approval-requests/{req['id']}"), 404)
        assert_error(other.post(f"/api/approval-requests/{req['id']}/approve", json={}), 404)
        assert_error(other.post(f"/api/approval-requests/{req['id']}/reject", json={}), 404)
        assert req["id"] not in {a["id"] for a in other.get("/api/approval-requests").json()}
        assert_error(other.get("/api/approval-requests", params={"company_id": ACME}), 403)
    # A TechStart runbook cannot be run on an Acme incident, even by the MSP admin.
    ts_rb = create_runbook(users[TECHSTART, "company"], TECHSTART, instance_ids=[instance()])
    assert_error(execute(server.admin(), inc, ts_rb), 404)
    assert_error(execute(users[ACME, "company"], inc, ts_rb), 404)
    wait_execution(users[ACME, "company"], ex["id"])


def test_unknown_ids(server, users):
    tech = users[ACME, "tech"]
    assert_error(tech.get(f"/api/executions/{uuid.uuid4()}"), 404)
    assert_error(tech.get("/api/executions/x%23y"), 404)
    assert_error(tech.post(f"/api/incidents/{uuid.uuid4()}/decide"), 404)
    assert_error(tech.post(f"/api/approval-requests/{uuid.uuid4()}/approve", json={}), 404)
    assert_error(tech.post(f"/api/incidents/{uuid.uuid4()}/execute-runbook", json={"runbook_id": "x"}), 404)


def test_shutdown_while_polling_records_cancelled(server_factory, standin):
    env = {"AW_SSM_ENDPOINT": standin.url, "AW_STS_ENDPOINT": standin.url, "AW_RUNBOOK_POLL_MS": "50"}
    srv = server_factory.start(env=env)
    admin = srv.admin()
    assert admin.post(f"/api/companies/{ACME}/aws-credentials",
                      json={"access_key_id": ACME_KEY, "secret_access_key": ACME_SECRET}).status_code == 200
    iid = instance()
    standin.set_outcome(iid, "InProgress")  # never finishes
    rb = create_runbook(admin, ACME, instance_ids=[iid], timeout_seconds=3600)
    inc = new_incident(srv, ACME)
    ex = started(execute(admin, inc, rb))
    wait_for(lambda: admin.get(f"/api/executions/{ex['id']}").json()["command_id"], what="the command to be sent")
    assert srv.terminate() == 0  # a clean, prompt stop although a run is polling
    again = server_factory.start(data_dir=srv.data_dir, env=env)
    got = again.admin().get(f"/api/executions/{ex['id']}").json()
    assert got["status"] == "cancelled", got
    assert got["command_id"] in got["error"]


def test_decide_uses_the_ai_assistants_suggestion(server, users):
    sig = f"disk_space_low_{uuid.uuid4().hex[:6]}"
    rb = create_runbook(users[ACME, "company"], ACME, signature=sig)
    inc = new_incident(server, ACME, signature=sig)
    tech = users[ACME, "tech"]
    r = tech.post(f"/api/incidents/{inc['id']}/analyze")
    assert r.status_code == 200, r.text
    suggested = (r.json().get("suggested_runbook") or {}).get("id")
    d = tech.post(f"/api/incidents/{inc['id']}/decide").json()
    assert d["decision"] == "run_runbook" and d["runbook"]["id"] == rb["id"]
    assert d["can_run_now"] is True and d["needs_approval"] is False
    assert suggested == rb["id"]  # the built-in analyser matches runbooks by signature
    assert any("AI assistant" in x for x in d["reasons"]), d["reasons"]
