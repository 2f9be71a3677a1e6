"""Runbooks: CRUD, validation (422 naming the field), the global library, roles, tenant isolation,
per-company runbook settings and AWS credentials (never echoed, never logged)."""

import pytest

from aw_harness import assert_error
from fakes.runbook_helpers import ACME, TECHSTART, as_demo, create_runbook, runbook_body

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture(scope="module")
def acme_admin(server):
    return as_demo(server, ACME, "company")


@pytest.fixture(scope="module")
def acme_tech(server):
    return as_demo(server, ACME, "tech")


@pytest.fixture(scope="module")
def acme_client(server):
    return as_demo(server, ACME, "client")


@pytest.fixture(scope="module")
def techstart_admin(server):
    return as_demo(server, TECHSTART, "company")


# -- CRUD ---------------------------------------------------------------------
def test_seeded_runbooks_are_listed_and_readable(server, acme_tech):
    r = acme_tech.get("/api/runbooks", params={"company_id": ACME})
    assert r.status_code == 200, r.text
    ids = {rb["id"] for rb in r.json()}
    assert {"disk-cleanup-acme", "restart-service-acme", "high-cpu-diagnose-acme"} <= ids
    one = acme_tech.get("/api/runbooks/disk-cleanup-acme")
    assert one.status_code == 200, one.text
    rb = one.json()
    assert rb["company_id"] == ACME
    assert rb["risk_level"] == "low" and rb["auto_approve"] is True
    assert rb["ssm_document_name"] == "AWS-RunShellScript"
    assert rb["parameters"]["commands"]


def test_company_admin_creates_updates_and_deletes(server, acme_admin, acme_tech):
    rb = create_runbook(acme_admin, ACME, risk_level="medium", auto_approve=False,
                        parameters={"commands": ["systemctl restart nginx"], "executionTimeout": ["300"]})
    assert rb["company_id"] == ACME
    assert rb["risk_level"] == "medium"
    assert rb["ssm_document_name"] == "AWS-RunShellScript"  # the default
    assert rb["instance_ids"] == ["i-0123456789abcdef0"]
    assert rb["created_by"]
    got = acme_tech.get(f"/api/runbooks/{rb['id']}")
    assert got.status_code == 200 and got.json()["name"] == rb["name"]

    r = acme_admin.put(f"/api/runbooks/{rb['id']}",
                       json={"target_tag_key": "Environment", "target_tag_value": "prod", "timeout_seconds": 900})
    assert r.status_code == 200, r.text
    up = r.json()
    assert up["target_tag_key"] == "Environment" and up["target_tag_value"] == "prod"
    assert up["instance_ids"] == []
    assert up["timeout_seconds"] == 900
    assert up["version"] == rb["version"] + 1

    # A seeded runbook (no version written by older seeds) can be edited too.
    r = acme_admin.put("/api/runbooks/high-cpu-diagnose-acme", json={"description": "top"})
    assert r.status_code == 200, r.text

    assert acme_admin.delete(f"/api/runbooks/{rb['id']}").status_code == 204
    assert_error(acme_tech.get(f"/api/runbooks/{rb['id']}"), 404)
    assert_error(acme_admin.delete(f"/api/runbooks/{rb['id']}"), 404)


def test_technicians_read_clients_see_nothing(server, acme_tech, acme_client):
    assert_error(acme_tech.post("/api/runbooks", json=runbook_body(company_id=ACME)), 403)
    assert_error(acme_tech.put("/api/runbooks/disk-cleanup-acme", json={"name": "x"}), 403)
    assert_error(acme_tech.delete("/api/runbooks/disk-cleanup-acme"), 403)
    assert_error(acme_client.get("/api/runbooks", params={"company_id": ACME}), 403)
    assert_error(acme_client.get("/api/runbooks"), 403)
    assert_error(acme_client.get("/api/runbooks/disk-cleanup-acme"), 403)
    assert_error(acme_client.get("/api/runbooks/global-library"), 403)
    assert_error(acme_client.post("/api/runbooks", json=runbook_body(company_id=ACME)), 403)


def test_tenant_isolation(server, acme_admin, techstart_admin):
    rb = create_runbook(acme_admin, ACME)
    assert_error(techstart_admin.get(f"/api/runbooks/{rb['id']}"), 404)
    assert_error(techstart_admin.put(f"/api/runbooks/{rb['id']}", json={"name": "mine"}), 404)
    assert_error(techstart_admin.delete(f"/api/runbooks/{rb['id']}"), 404)
    assert_error(techstart_admin.get("/api/runbooks", params={"company_id": ACME}), 403)
    assert_error(techstart_admin.post("/api/runbooks", json=runbook_body(company_id=ACME)), 403)
    listed = techstart_admin.get("/api/runbooks")
    assert listed.status_code == 200
    assert all(x["company_id"] == TECHSTART for x in listed.json())
    assert rb["id"] not in {x["id"] for x in listed.json()}
    # Still there for its owner.
    assert acme_admin.get(f"/api/runbooks/{rb['id']}").status_code == 200


def test_msp_admin_lists_every_company_with_paging(server):
    admin = server.admin()
    r = admin.get("/api/runbooks", params={"limit": 2})
    assert r.status_code == 200
    assert len(r.json()) == 2
    cursor = r.headers.get("X-Next-Cursor")
    assert cursor
    seen = {x["id"] for x in r.json()}
    while cursor:
        r = admin.get("/api/runbooks", params={"limit": 2, "cursor": cursor})
        assert r.status_code == 200
        page_ids = {x["id"] for x in r.json()}
        assert not (page_ids & seen), "a runbook appeared on two pages"
        seen |= page_ids
        cursor = r.headers.get("X-Next-Cursor")
    assert {"disk-cleanup-acme", "disk-cleanup-techstart", "disk-cleanup-global"} <= seen
    assert_error(admin.get("/api/runbooks", params={"limit": 0}), 422, mentions="limit")


@pytest.mark.parametrize("fields, field", [
    ({"risk_level": "critical"}, "risk_level"),
    ({"risk_level": None}, "risk_level"),
    ({"name": ""}, "name"),
    ({"parameters": {"commands": "uptime"}}, "parameters.commands"),
    ({"parameters": ["uptime"]}, "parameters"),
    ({"parameters": {"commands": [1, 2]}}, "parameters.commands"),
    ({"parameters": {"bad name": ["x"]}}, "parameters"),
    ({"instance_ids": ["i-123"]}, "instance_ids"),
    ({"instance_ids": "i-0123456789abcdef0"}, "instance_ids"),
    ({"instance_ids": [f"i-{n:08d}" for n in range(51)]}, "instance_ids"),
    ({"target_tag_key": "Env"}, "instance_ids"),
    ({"instance_ids": None, "target_tag_key": "Env"}, "target_tag_value"),
    ({"instance_ids": None, "target_tag_key": "bad*key", "target_tag_value": "x"}, "target_tag_key"),
    ({"timeout_seconds": 10}, "timeout_seconds"),
    ({"timeout_seconds": 2592001}, "timeout_seconds"),
    ({"timeout_seconds": "60"}, "timeout_seconds"),
    ({"auto_approve": "yes"}, "auto_approve"),
    ({"risk_level": "medium", "auto_approve": True}, "auto_approve"),
    ({"ssm_document_name": "no spaces allowed"}, "ssm_document_name"),
    ({"colour": "blue"}, "colour"),
])
def test_validation_names_the_field(server, acme_admin, fields, field):
    body = runbook_body(company_id=ACME)
    for k, v in fields.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    r = acme_admin.post("/api/runbooks", json=body)
    err = assert_error(r, 422, code="validation_error")
    assert err["detail"].startswith(field), err


def test_company_id_is_required_for_msp_admins(server):
    assert_error(server.admin().post("/api/runbooks", json=runbook_body()), 422, mentions="company_id")
    assert_error(server.admin().post("/api/runbooks", json=runbook_body(company_id="comp-nope")), 404)


# -- global library -------------------------------------------------------------
def test_global_library_and_copy(server, acme_admin, acme_tech, techstart_admin):
    r = acme_tech.get("/api/runbooks/global-library")
    assert r.status_code == 200, r.text
    lib = r.json()
    assert len(lib) >= 12
    ids = {t["id"] for t in lib}
    assert {"linux-disk-cleanup", "windows-disk-cleanup", "linux-service-restart", "linux-memory-cache-clear",
            "linux-log-rotation", "linux-health-check"} <= ids
    for t in lib:
        assert t["risk_level"] in ("low", "medium", "high")
        assert t["ssm_document_name"] in ("AWS-RunShellScript", "AWS-RunPowerShellScript")
        assert all(isinstance(c, str) for c in t["parameters"]["commands"])
        assert not t["auto_approve"] or t["risk_level"] == "low"

    r = acme_admin.post("/api/runbooks/global-library/windows-disk-cleanup/copy", json={"company_id": ACME})
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["company_id"] == ACME and copy["source_template"] == "windows-disk-cleanup"
    assert copy["ssm_document_name"] == "AWS-RunPowerShellScript"
    assert acme_tech.get(f"/api/runbooks/{copy['id']}").status_code == 200

    assert_error(acme_tech.post("/api/runbooks/global-library/linux-health-check/copy",
                                json={"company_id": ACME}), 403)
    assert_error(techstart_admin.post("/api/runbooks/global-library/linux-health-check/copy",
                                      json={"company_id": ACME}), 403)
    assert_error(acme_admin.post("/api/runbooks/global-library/no-such-template/copy",
                                 json={"company_id": ACME}), 404)
    # A company admin of one company may omit company_id.
    r = techstart_admin.post("/api/runbooks/global-library/linux-health-check/copy")
    assert r.status_code == 201 and r.json()["company_id"] == TECHSTART


# -- settings -------------------------------------------------------------------
def test_runbook_settings(server, acme_admin, acme_tech, acme_client, techstart_admin):
    r = acme_tech.get(f"/api/companies/{ACME}/runbook-settings")
    assert r.status_code == 200
    assert r.json()["auto_execute_low_risk"] is False
    assert r.json()["auto_resolve_on_runbook_success"] is False
    r = acme_admin.put(f"/api/companies/{ACME}/runbook-settings", json={"auto_resolve_on_runbook_success": True})
    assert r.status_code == 200 and r.json()["auto_resolve_on_runbook_success"] is True
    assert acme_tech.get(f"/api/companies/{ACME}/runbook-settings").json()["auto_resolve_on_runbook_success"]
    acme_admin.put(f"/api/companies/{ACME}/runbook-settings", json={"auto_resolve_on_runbook_success": False})
    assert_error(acme_admin.put(f"/api/companies/{ACME}/runbook-settings", json={"auto_execute_low_risk": 1}),
                 422, mentions="auto_execute_low_risk")
    assert_error(acme_tech.put(f"/api/companies/{ACME}/runbook-settings", json={"auto_execute_low_risk": True}), 403)
    assert_error(acme_client.get(f"/api/companies/{ACME}/runbook-settings"), 403)
    assert_error(techstart_admin.get(f"/api/companies/{ACME}/runbook-settings"), 404)
    assert_error(techstart_admin.put(f"/api/companies/{ACME}/runbook-settings", json={}), 404)


# -- AWS credentials ------------------------------------------------------------
def test_aws_credentials_are_never_echoed(server, acme_admin, acme_tech, acme_client, techstart_admin):
    path = f"/api/companies/{ACME}/aws-credentials"
    assert_error(acme_admin.get(path), 404)
    r = acme_admin.post(path, json={"access_key_id": KEY_ID, "secret_access_key": SECRET, "region": "eu-west-1"})
    assert r.status_code == 200, r.text
    for resp in (r, acme_admin.get(path), server.admin().get(path)):
        assert resp.status_code == 200
        view = resp.json()
        assert view["mode"] == "access_key" and view["region"] == "eu-west-1"
        assert view["access_key_id_prefix"] == KEY_ID[:4]
        assert SECRET not in resp.text and KEY_ID not in resp.text
        assert "secret_access_key" not in view
    # Not in the audit trail or the server's log either.
    audit = server.admin().get("/api/audit-logs", params={"company_id": ACME, "limit": 200})
    assert SECRET not in audit.text and KEY_ID not in audit.text
    assert SECRET not in server.stderr() and KEY_ID not in server.stderr()

    assert_error(acme_tech.get(path), 403)
    assert_error(acme_client.get(path), 403)
    assert_error(acme_tech.post(path, json={"access_key_id": KEY_ID, "secret_access_key": SECRET}), 403)
    assert_error(techstart_admin.get(path), 404)
    assert_error(techstart_admin.delete(path), 404)
    assert_error(techstart_admin.post(path, json={"access_key_id": KEY_ID, "secret_access_key": SECRET}), 404)

    role = {"role_arn": "arn:aws:iam::123456789012:role/AlertWhisperer", "external_id": "ext-secret-1234"}
    r = acme_admin.post(path, json=role)
    assert r.status_code == 200, r.text
    assert r.json()["mode"] == "assume_role" and r.json()["role_arn"] == role["role_arn"]
    assert r.json()["external_id_set"] is True
    assert "ext-secret-1234" not in r.text

    assert acme_admin.delete(path).status_code == 204
    assert_error(acme_admin.get(path), 404)


@pytest.mark.parametrize("body, field", [
    ({"secret_access_key": SECRET}, "access_key_id"),
    ({"access_key_id": KEY_ID}, "secret_access_key"),
    ({"access_key_id": "short", "secret_access_key": SECRET}, "access_key_id"),
    ({"access_key_id": KEY_ID, "secret_access_key": SECRET, "region": "Mars"}, "region"),
    ({"access_key_id": KEY_ID, "secret_access_key": SECRET, "mode": "magic"}, "mode"),
    ({"role_arn": "arn:aws:s3:::bucket-name-here", "external_id": "abc123"}, "role_arn"),
    ({"role_arn": "arn:aws:iam::123456789012:role/X"}, "external_id"),
    ({"access_key_id": KEY_ID, "secret_access_key": SECRET, "password": "x"}, "password"),
])
def test_aws_credentials_validation(server, acme_admin, body, field):
    r = acme_admin.post(f"/api/companies/{ACME}/aws-credentials", json=body)
    err = assert_error(r, 422, code="validation_error")
    assert err["detail"].startswith(field), err
    assert SECRET not in r.text
