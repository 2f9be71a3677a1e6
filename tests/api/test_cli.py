"""The CLI verbs: user add, seed, tables create, and bad settings."""

import subprocess

import pytest

from aw_harness import AW_BINARY, AwServer, run_cli, server_env


def _ok(proc, what):
    assert proc.returncode == 0, f"{what}: exit {proc.returncode}\n{proc.stderr}\n{proc.stdout}"


def test_serve_help():
    p = subprocess.run([AW_BINARY, "serve", "--help"], capture_output=True, text=True,
                       env=server_env(), timeout=30)
    _ok(p, "serve --help")
    assert "--port" in p.stdout + p.stderr


def test_tables_create_twice(tmp_path):
    _ok(run_cli(["tables", "create"], data_dir=tmp_path), "tables create #1")
    _ok(run_cli(["tables", "create"], data_dir=tmp_path), "tables create #2")


def test_seed_twice_leaves_three_companies(tmp_path):
    _ok(run_cli(["seed"], data_dir=tmp_path), "seed #1")
    _ok(run_cli(["seed"], data_dir=tmp_path), "seed #2")
    srv = AwServer(tmp_path, env={"AW_DEMO": "false"}).start()
    try:
        companies = srv.admin().get("/api/companies").json()
        assert sorted(c["id"] for c in companies) == ["comp-acme", "comp-global", "comp-techstart"]
        users = srv.admin().get("/api/users", params={"limit": 500}).json()
        emails = [u["email"] for u in users]
        assert len(emails) == len(set(emails)), "seed duplicated users"
    finally:
        srv.stop_and_check()


def test_user_add_reads_password_from_stdin(tmp_path):
    _ok(run_cli(["seed"], data_dir=tmp_path), "seed")
    p = run_cli(["user", "add", "--email", "cli-tech@acme.com", "--name", "Cli Tech",
                 "--role", "technician", "--company", "comp-acme"],
                data_dir=tmp_path, stdin_text="Cli-Passw0rd\n")
    _ok(p, "user add")
    assert "Cli-Passw0rd" not in p.stdout + p.stderr, "password echoed"
    srv = AwServer(tmp_path, env={"AW_DEMO": "false"}).start()
    try:
        r = srv.login_response("cli-tech@acme.com", "Cli-Passw0rd")
        assert r.status_code == 200, r.text
        user = r.json()["user"]
        assert user["name"] == "Cli Tech"
        assert user["role"] == "technician"
        assert user["company_ids"] == ["comp-acme"]
        # The trailing newline is not part of the password.
        assert srv.login_response("cli-tech@acme.com", "Cli-Passw0rd\n").status_code == 401
    finally:
        srv.stop_and_check()


def test_user_add_duplicate_email_fails(tmp_path):
    _ok(run_cli(["seed"], data_dir=tmp_path), "seed")
    args = ["user", "add", "--email", "dup@acme.com", "--name", "Dup", "--role", "technician",
            "--company", "comp-acme"]
    _ok(run_cli(args, data_dir=tmp_path, stdin_text="Dup-Passw0rd\n"), "user add #1")
    p = run_cli(args, data_dir=tmp_path, stdin_text="Dup-Passw0rd\n")
    assert p.returncode != 0
    assert p.stderr.strip()


@pytest.mark.parametrize("args,env,setting", [
    (["--port", "70000"], {}, "port"),
    (["--port", "abc"], {}, "port"),
    ([], {"PORT": "abc"}, "PORT"),
    ([], {"PORT": "99999"}, "PORT"),
    ([], {"AW_STORE": "carrier-pigeon"}, "AW_STORE"),
    ([], {"JWT_EXPIRATION_HOURS": "soon"}, "JWT_EXPIRATION_HOURS"),
    ([], {"AW_ROCKSDB_SWEEP_ITEMS": "0"}, "AW_ROCKSDB_SWEEP_ITEMS"),
])
def test_bad_setting_stops_startup_with_one_line(tmp_path, args, env, setting):
    cmd = [AW_BINARY, "serve", "--data-dir", str(tmp_path)] + args
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=server_env(env),
                           cwd=str(tmp_path), timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{cmd} with {env} kept running instead of refusing the setting")
    assert p.returncode != 0
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{p.stderr}"
    assert setting.lower() in lines[0].lower(), lines[0]


def test_second_process_on_one_data_dir_is_refused(server_factory):
    srv = server_factory.start()
    p = run_cli(["seed"], data_dir=srv.data_dir)
    assert p.returncode != 0, p.stdout + p.stderr
    assert "is in use by another alertwhisperer process" in p.stderr, p.stderr
    assert "pid " in p.stderr
    # The running server is unharmed.
    assert srv.session().get("/api/health").status_code == 200
    srv.stop_and_check()
    # Once it has stopped, the directory is free again.
    _ok(run_cli(["seed"], data_dir=srv.data_dir), "seed after stop")


def test_data_dir_of_the_sqlite_era_is_refused(tmp_path):
    """A data directory of a release before RocksDB (a SQLite file, no rocksdb/) would look
    empty: the server refuses it with one line naming the way out, and writes nothing there.
    AW_STORE=sqlite itself is no longer a store."""
    import sqlite3
    old = tmp_path / "sqlite-era"
    old.mkdir()
    db = sqlite3.connect(str(old / "alertwhisperer.db"))
    db.execute("CREATE TABLE _aw_tables (name TEXT PRIMARY KEY, spec TEXT NOT NULL)")
    db.commit()
    db.close()
    for cmd in (["seed"], ["tables", "create"]):
        p = run_cli(cmd, data_dir=old, env={"AW_STORE": "rocksdb"})
        assert p.returncode != 0, p.stdout + p.stderr
        lines = [line for line in p.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "docs/migration.md" in lines[0] and "SQLite" in lines[0], p.stderr
    assert sorted(f.name for f in old.iterdir()) == ["alertwhisperer.db"]
    new = tmp_path / "new"
    new.mkdir()
    p = run_cli(["seed"], data_dir=new, env={"AW_STORE": "sqlite"})
    assert p.returncode != 0 and "AW_STORE" in p.stderr and "docs/migration.md" in p.stderr, p.stderr
    assert not (new / "rocksdb").exists()
