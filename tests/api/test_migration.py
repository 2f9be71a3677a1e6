"""Migration (docs/migration.md): `import-mongo` of mongoexport files of the original service,
then `export` / `import` between stores.

The fixture is tests/api/data/mongo/*.jsonl (see its README): two companies with API keys, users
with bcrypt hashes, alerts, an incident, configs, and seven bad lines.
"""

import base64
import json
import os

import pytest
import requests

from aw_harness import assert_error, new_alert, run_cli

FIXTURE = os.path.join(os.path.dirname(__file__), "data", "mongo")
MASTER_KEY = base64.b64encode(b"m" * 32).decode()
ENV = {"AW_MASTER_KEY": MASTER_KEY, "AW_DEMO": "false"}
ADMIN = ("admin@legacy.example", "Legacy-Admin-1")
TECH = ("tech@legacy.example", "Legacy-Tech-1")
LEGACY_KEY = "aw_legacy_co_key_00000000000001"

BAD_LINES = ["companies.jsonl:3: name", "companies.jsonl:4: not valid JSON", "users.jsonl:3: role",
             "alerts.jsonl:4: timestamp", "alerts.jsonl:5: company_id", "incidents.jsonl:2: alert_ids",
             "incidents.jsonl:3: cannot be mapped"]


def import_mongo(data_dir):
    return run_cli(["import-mongo", FIXTURE], data_dir=data_dir, env=ENV)


def counts(stdout):
    """{file: (lines, written, present, bad)} from the report."""
    out = {}
    for line in stdout.splitlines():
        if " lines, " in line and line.split(":")[0].endswith(".jsonl"):
            name, rest = line.split(": ", 1)
            nums = [int(w) for w in rest.replace(",", "").split() if w.isdigit()]
            out[name] = tuple(nums)
    return out


def table_items(path):
    with open(path) as f:
        return sorted(json.dumps(json.loads(line), sort_keys=True) for line in f if line.strip())


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    d = tmp_path_factory.mktemp("aw-mongo")
    r = import_mongo(d)
    return d, r


def test_bad_lines_are_reported_with_file_and_line_and_skipped(imported):
    _, r = imported
    assert r.returncode == 1, r.stdout + r.stderr
    for want in BAD_LINES:
        assert any(line.startswith(want.split(": ")[0] + ": ") and want.split(": ")[1] in line
                   for line in r.stdout.splitlines()), f"{want} not reported:\n{r.stdout}"
    assert "sessions.jsonl: not a known collection" in r.stdout
    assert "README.md" not in r.stdout
    c = counts(r.stdout)
    assert c["companies.jsonl"] == (4, 3, 0, 2)  # 2 companies + 1 asset item written
    assert c["users.jsonl"] == (3, 4, 0, 1)      # 2 users + 2 email claims
    assert c["alerts.jsonl"] == (5, 3, 0, 2)
    assert c["incidents.jsonl"] == (3, 2, 0, 2)  # incident + its locator


def test_imported_data_through_the_api(imported, server_factory):
    d, _ = imported
    srv = server_factory.start(data_dir=d, env=ENV)
    r = srv.login_response(*ADMIN)
    assert r.status_code == 200, r.text  # bcrypt hash verified
    admin = srv.session(r.json()["access_token"])
    # A wrong password still fails, and does not upgrade anything.
    assert srv.login_response(ADMIN[0], "Legacy-Admin-2").status_code == 401
    companies = {c["id"]: c for c in admin.get("/api/companies").json()}
    assert companies["legacy-co"]["name"] == "Legacy Co"
    assert "nameless-co" not in companies
    assert admin.get("/api/companies/legacy-co").json()["api_key"] == LEGACY_KEY
    alerts = admin.get("/api/alerts", params={"company_id": "legacy-co"}).json()
    assert {a["id"] for a in alerts} == {"legacy-alert-1", "legacy-alert-2"}
    a2 = next(a for a in alerts if a["id"] == "legacy-alert-2")
    assert a2["timestamp"] == "2024-02-01T10:15:00.000000Z" and a2["delivery_attempts"] == 2
    inc = admin.get("/api/incidents/legacy-incident-1").json()
    assert inc["status"] == "acknowledged" and inc["company_id"] == "legacy-co"
    assert inc["created_at"] == "2024-02-01T10:00:01.000000Z"
    linked = admin.get("/api/incidents/legacy-incident-1/alerts").json()
    assert {a["id"] for a in linked} == {"legacy-alert-1", "legacy-alert-2"}
    rb = admin.get("/api/runbooks/legacy-runbook-1")
    assert rb.status_code == 200, rb.text
    assert rb.json()["name"] == "Clean /var" and rb.json()["company_id"] == "legacy-co"
    # The AI assistant finds the imported runbook for the imported incident.
    a = admin.post("/api/incidents/legacy-incident-1/analyze")
    assert a.status_code == 200, a.text
    assert a.json()["suggested_runbook"]["id"] == "legacy-runbook-1"
    cfg = admin.get("/api/companies/legacy-co/correlation-config").json()
    assert cfg["time_window_minutes"] == 30
    # The technician (a $2y$ hash) sees only their company.
    tech = srv.as_user(*TECH)
    assert_error(tech.get("/api/alerts", params={"company_id": "other-co"}), 403)
    assert tech.get("/api/incidents/legacy-incident-1").status_code == 200
    # The imported API key works on the webhook.
    w = requests.post(srv.url("/api/webhooks/alerts"), json=new_alert(), headers={"X-API-Key": LEGACY_KEY},
                      timeout=30)
    assert w.status_code == 202, w.text
    srv.stop_and_check()
    # The bcrypt hash was replaced by Argon2id at the first successful sign-in.
    out = d / "export-check"
    r = run_cli(["export", "--out", str(out)], data_dir=d, env=ENV)
    assert r.returncode == 0, r.stdout + r.stderr
    users = [json.loads(l) for l in open(out / "Users.jsonl") if l.strip()]
    by_id = {u["id"]: u for u in users}
    assert by_id["legacy-admin"]["password_hash"].startswith("$argon2id$")
    assert by_id["legacy-tech"]["password_hash"].startswith("$argon2id$")
    # And signing in again works with the new hash.
    srv2 = server_factory.start(data_dir=d, env=ENV)
    assert srv2.login_response(*ADMIN).status_code == 200
    assert srv2.login_response(*TECH).status_code == 200
    srv2.stop_and_check()


def test_rerun_writes_nothing_twice(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    first = import_mongo(d)
    assert first.returncode == 1
    second = import_mongo(d)
    assert second.returncode == 1  # the same bad lines, reported again
    c1, c2 = counts(first.stdout), counts(second.stdout)
    assert c1.keys() == c2.keys()
    for f, (lines, written, present, bad) in c2.items():
        assert written == 0, f"{f}: {c2[f]}"
        assert present == c1[f][1], f"{f}: first {c1[f]}, second {c2[f]}"
        assert bad == c1[f][3]
    a = tmp_path / "a"
    assert run_cli(["export", "--out", str(a)], data_dir=d, env=ENV).returncode == 0
    alerts = table_items(a / "Alerts.jsonl")
    assert len(alerts) == 3


def test_export_import_round_trip(tmp_path, server_factory):
    src = tmp_path / "src"
    src.mkdir()
    assert import_mongo(src).returncode == 1
    first = tmp_path / "first"
    r = run_cli(["export", "--out", str(first)], data_dir=src, env=ENV)
    assert r.returncode == 0, r.stdout + r.stderr
    files = sorted(os.listdir(first))
    assert len(files) == 11 and all(f.endswith(".jsonl") for f in files)
    dst = tmp_path / "dst"
    dst.mkdir()
    r = run_cli(["import", str(first)], data_dir=dst, env=ENV)
    assert r.returncode == 0, r.stdout + r.stderr
    again = run_cli(["import", str(first)], data_dir=dst, env=ENV)  # idempotent
    assert again.returncode == 0 and " 0 items written" in again.stdout
    assert all(v[1] == 0 for v in counts(again.stdout).values()), again.stdout
    second = tmp_path / "second"
    assert run_cli(["export", "--out", str(second)], data_dir=dst, env=ENV).returncode == 0
    for f in files:
        assert table_items(first / f) == table_items(second / f), f
    # The copy serves: same master key, so the imported API key and bcrypt login work there too.
    srv = server_factory.start(data_dir=dst, env=ENV)
    assert srv.login_response(*ADMIN).status_code == 200
    w = requests.post(srv.url("/api/webhooks/alerts"), json=new_alert(), headers={"X-API-Key": LEGACY_KEY},
                      timeout=30)
    assert w.status_code == 202, w.text


def test_import_mongo_needs_a_directory(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for verb in ("import-mongo", "import"):
        r = run_cli([verb, str(tmp_path / "nope")], data_dir=data, env=ENV)
        assert r.returncode == 2 and "does not exist" in r.stderr, (verb, r.stderr)
    # Refused before the store opens: no keys or database were created for nothing.
    assert not any(data.iterdir()), list(data.iterdir())


def test_imported_open_incident_takes_new_alerts_of_its_key(tmp_path, server_factory):
    """An imported open incident is the correlation target of its key: a new alert joins it.
    A closed one is not, and an open one whose last alert is older than the window is not either."""
    import datetime
    src = tmp_path / "mongo"
    src.mkdir()
    for name in ("companies.jsonl", "users.jsonl", "correlation_configs.jsonl"):
        with open(os.path.join(FIXTURE, name)) as f, open(src / name, "w") as out:
            out.write(f.read())
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    docs = [
        {"id": "imp-open", "company_id": "legacy-co", "status": "in_progress", "severity": "low",
         "signature": "disk_space_low", "asset_name": "imp-web-01", "alert_ids": ["x-1"], "alert_count": 1,
         "tool_sources": ["Zabbix"], "created_at": {"$date": now}, "updated_at": {"$date": now}},
        {"id": "imp-closed", "company_id": "legacy-co", "status": "resolved", "severity": "low",
         "signature": "disk_space_low", "asset_name": "imp-web-02", "alert_ids": ["x-2"],
         "created_at": {"$date": now}, "updated_at": {"$date": now}},
        {"id": "imp-stale", "company_id": "legacy-co", "status": "new", "severity": "low",
         "signature": "disk_space_low", "asset_name": "imp-web-03", "alert_ids": ["x-3"],
         "created_at": {"$date": "2024-02-01T10:00:01Z"}, "updated_at": {"$date": "2024-02-01T10:15:00Z"}},
    ]
    with open(src / "incidents.jsonl", "w") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    data = tmp_path / "data"
    data.mkdir()
    r = run_cli(["import-mongo", str(src)], data_dir=data, env=ENV)
    assert r.returncode == 1 and "incidents.jsonl: 3 lines, 6 items written" in r.stdout, r.stdout + r.stderr
    again = run_cli(["import-mongo", str(src)], data_dir=data, env=ENV)  # a re-run changes nothing
    assert "incidents.jsonl: 3 lines, 0 items written" in again.stdout, again.stdout + again.stderr
    srv = server_factory.start(data_dir=data, env=ENV)
    admin = srv.as_user(*ADMIN)

    def send(asset):
        w = requests.post(srv.url("/api/webhooks/alerts"), headers={"X-API-Key": LEGACY_KEY}, timeout=30,
                          json=new_alert(asset_name=asset, signature="disk_space_low", severity="critical"))
        assert w.status_code == 202, w.text
        return w.json()

    joined = send("imp-web-01")
    assert joined.get("incident_id") == "imp-open", joined
    inc = admin.get("/api/incidents/imp-open").json()
    assert inc["alert_count"] == 2 and inc["severity"] == "critical", inc
    assert len(admin.get("/api/incidents/imp-open/alerts").json()) == 1  # the new alert (x-1 was not imported)
    assert send("imp-web-01")["incident_id"] == "imp-open"  # and keeps taking them
    closed = send("imp-web-02")
    assert closed.get("incident_id") not in (None, "imp-closed"), closed
    stale = send("imp-web-03")
    assert stale.get("incident_id") not in (None, "imp-stale"), stale
    assert admin.get("/api/incidents/imp-stale").json()["alert_count"] == 1
    srv.stop_and_check()


def test_a_directory_without_export_files_is_refused(tmp_path):
    """A wrong directory (nothing to import) is an error, not an import of nothing that exits 0."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not an export")
    data = tmp_path / "data"
    data.mkdir()
    r = run_cli(["import-mongo", str(empty)], data_dir=data, env=ENV)
    assert r.returncode == 2 and "no mongoexport file" in r.stderr and "companies.jsonl" in r.stderr, r.stderr
    r = run_cli(["import", str(empty)], data_dir=data, env=ENV)
    assert r.returncode == 2 and "no table file" in r.stderr and "Companies.jsonl" in r.stderr, r.stderr
