"""The DynamoDB side, read with AWS's own tools and managed with `tables`.

DynamoDB pass only (AW_TEST_STORE=dynamodb, dynalite at AW_TEST_DYNAMODB_ENDPOINT):
  - boto3 (Debian's python3-boto3) reads what the server wrote: the Alerts item
    of a webhook under company_id + id with the guide's attributes, incidents
    through company_id-status-index, users through email-index;
  - `alertwhisperer tables create` is idempotent and says where TTL and
    point-in-time recovery are not supported (dynalite has neither);
    `tables check` lists every table and names what is missing or different.
"""

import uuid

import boto3
import pytest

from aw_harness import ADMIN_EMAIL, DYNAMODB_ENDPOINT, run_cli, table_prefix
from helpers3 import new_company, send, unique

pytestmark = pytest.mark.dynamodb_only


@pytest.fixture(scope="module")
def ddb():
    return boto3.client("dynamodb", endpoint_url=DYNAMODB_ENDPOINT, region_name="us-east-1",
                        aws_access_key_id="AKIDTEST", aws_secret_access_key="test-secret-key")


def test_alert_item_is_under_company_and_id_with_the_guides_attributes(server, ddb):
    cid, key = new_company(server)
    asset = unique("boto")
    out = send(server, key, asset_name=asset, signature="disk_full", severity="critical",
               message="disk / is 97% full", tool_source="zabbix")
    item = ddb.get_item(TableName=table_prefix(server.data_dir) + "Alerts",
                        Key={"company_id": {"S": cid}, "id": {"S": out["alert_id"]}},
                        ConsistentRead=True).get("Item")
    assert item, "the alert is not in the Alerts table under (company_id, id)"
    assert item["company_id"] == {"S": cid}
    assert item["asset_name"] == {"S": asset}
    assert item["signature"] == {"S": "disk_full"}
    assert item["severity"] == {"S": "critical"}
    assert item["message"] == {"S": "disk / is 97% full"}
    assert item["tool_source"] == {"S": "zabbix"}
    assert item["status"] == {"S": "active"}
    assert "S" in item["timestamp"] and item["timestamp"]["S"].endswith("Z")
    assert item["correlated_incident_id"] == {"S": out["incident_id"]}
    assert "N" in item["ttl"] and int(item["ttl"]["N"]) > 0  # epoch seconds, a number


def test_incidents_by_company_id_status_index_and_users_by_email_index(server, ddb):
    prefix = table_prefix(server.data_dir)
    cid, key = new_company(server)
    out = send(server, key, asset_name=unique("boto"), signature="cpu_high")
    inc = ddb.get_item(TableName=prefix + "Incidents",
                       Key={"company_id": {"S": cid}, "id": {"S": out["incident_id"]}},
                       ConsistentRead=True)["Item"]
    status = inc["status"]["S"]
    found = ddb.query(TableName=prefix + "Incidents", IndexName="company_id-status-index",
                      KeyConditionExpression="company_id = :c AND #s = :s",
                      ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":c": {"S": cid}, ":s": {"S": status}})["Items"]
    assert out["incident_id"] in [i["id"]["S"] for i in found]
    users = ddb.query(TableName=prefix + "Users", IndexName="email-index",
                      KeyConditionExpression="email = :e",
                      ExpressionAttributeValues={":e": {"S": ADMIN_EMAIL}})["Items"]
    assert len(users) == 1 and users[0]["role"]["S"] in ("msp_admin", "admin")
    assert "password" not in users[0]


def test_tables_check_lists_every_table_as_designed(server):
    r = run_cli(["tables", "check"], data_dir=server.data_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    prefix = table_prefix(server.data_dir)
    for name in ("Users", "Companies", "Alerts", "Incidents", "AuditLogs", "Notifications", "ChatMessages",
                 "OnCallSchedules", "Runbooks", "ApprovalRequests", "CompanyConfigs"):
        assert f"{prefix}{name}: ACTIVE" in r.stdout, r.stdout
    assert "company_id-status-index (company_id HASH, status RANGE)" in r.stdout
    assert "All 11 tables are as designed." in r.stdout


def test_tables_create_is_idempotent_and_names_what_the_server_lacks(tmp_path, ddb):
    d = tmp_path / "fresh"
    d.mkdir()
    env = {"AW_DYNAMODB_CREATE_TABLES": None}  # only `tables create` creates here
    missing = run_cli(["tables", "check"], data_dir=d, env=env)
    assert missing.returncode == 1
    assert "Alerts: MISSING (run `alertwhisperer tables create`)" in missing.stdout
    first = run_cli(["tables", "create"], data_dir=d, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.count(": created, ACTIVE") == 11, first.stdout
    # dynalite has neither TTL nor point-in-time recovery: said per table, not hidden.
    assert "TTL NOT enabled: this server does not support it" in first.stdout
    assert "point-in-time recovery NOT enabled" in first.stdout
    again = run_cli(["tables", "create"], data_dir=d, env=env)
    assert again.returncode == 0 and again.stdout.count(": exists, ACTIVE") == 11, again.stdout
    assert run_cli(["tables", "check"], data_dir=d, env=env).returncode == 0
    desc = ddb.describe_table(TableName=table_prefix(d) + "Alerts")["Table"]
    assert {g["IndexName"] for g in desc["GlobalSecondaryIndexes"]} == {
        "company_id-timestamp-index", "correlated_incident_id-index", "shard-time-index"}
    desc = ddb.describe_table(TableName=table_prefix(d) + "Incidents")["Table"]
    assert {g["IndexName"] for g in desc["GlobalSecondaryIndexes"]} == {
        "company_id-status-index", "shard-id-index", "open-priority-index"}
    assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_tables_create_provisioned_and_check_names_a_wrong_key(tmp_path, ddb):
    d = tmp_path / "prov"
    d.mkdir()
    env = {"AW_DYNAMODB_CREATE_TABLES": None}
    assert run_cli(["tables", "create", "--rcu", "5"], data_dir=d, env=env).returncode == 2  # --wcu missing
    r = run_cli(["tables", "create", "--rcu", "5", "--wcu", "7"], data_dir=d, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    desc = ddb.describe_table(TableName=table_prefix(d) + "Users")["Table"]
    assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    # A table with another key is named, and the exit code says so.
    prefix = table_prefix(d)
    ddb.delete_table(TableName=prefix + "Runbooks")
    # DeleteTable only starts the deletion (dynalite too): wait until the name is free.
    ddb.get_waiter("table_not_exists").wait(TableName=prefix + "Runbooks", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ddb.create_table(TableName=prefix + "Runbooks", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    check = run_cli(["tables", "check"], data_dir=d, env=env)
    assert check.returncode == 1
    assert "DIFFERENT: key schema is (id HASH), expected (company_id HASH, id RANGE)" in check.stdout


def test_unknown_table_at_start_names_table_region_and_the_fix(tmp_path):
    d = tmp_path / "none"
    d.mkdir()
    r = run_cli(["seed"], data_dir=d, env={"AW_DYNAMODB_CREATE_TABLES": None})
    assert r.returncode == 2
    assert table_prefix(d) + "Users" in r.stderr and "us-east-1" in r.stderr, r.stderr
    assert "alertwhisperer tables create" in r.stderr


def test_missing_credentials_and_unreachable_endpoint_are_one_sentence(tmp_path):
    d = tmp_path / "cfg"
    d.mkdir()
    r = run_cli(["seed"], data_dir=d, env={"AWS_ACCESS_KEY_ID": None})
    assert r.returncode == 2 and "AWS_ACCESS_KEY_ID is missing" in r.stderr, r.stderr
    r = run_cli(["tables", "check"], data_dir=d, env={"DYNAMODB_ENDPOINT": "http://127.0.0.1:1"}, timeout=120)
    assert r.returncode == 2 and "cannot reach DynamoDB at http://127.0.0.1:1" in r.stderr, r.stderr
    r = run_cli(["seed"], data_dir=d, env={"JWT_SECRET": None})
    assert r.returncode == 2 and "JWT_SECRET" in r.stderr, r.stderr
