"""`alertwhisperer backup DIR` (issue 15, part 3): an online backup of the RocksDB data directory,
taken while the server takes alerts, restored by starting a server on DIR. Other stores: the command
refuses with a sentence saying how to back them up."""

import threading
import uuid

import requests

from aw_harness import AW_TEST_STORE, run_cli
from helpers3 import new_company, page_all


def test_backup_while_serving_is_a_complete_data_directory(server_factory, tmp_path):
    srv = server_factory.start()
    backup_dir = tmp_path / f"backup-{uuid.uuid4().hex[:6]}"
    if AW_TEST_STORE != "rocksdb":
        r = run_cli(["backup", str(backup_dir)], data_dir=srv.data_dir)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "AW_STORE=rocksdb" in r.stderr, r.stderr
        assert not backup_dir.exists()
        return
    cid, key = new_company(srv)
    assert srv.admin().put(f"/api/companies/{cid}/rate-limit", json={"enabled": False}).status_code == 200
    before = []
    for i in range(40):
        r = srv.send_alert(key, asset_name=f"db-{i % 3}", message=f"before backup {i}")
        assert r.status_code == 202, r.text
        before.append(r.json()["alert_id"])

    # Intake goes on while the copy is taken.
    stop = threading.Event()
    during = []

    def sender():
        s = requests.Session()
        i = 0
        while not stop.is_set():
            r = s.post(srv.url("/api/webhooks/alerts"), headers={"X-API-Key": key}, timeout=10,
                       json={"asset_name": "web-1", "signature": "cpu", "severity": "low",
                             "message": f"during backup {i}", "tool_source": "pytest"})
            assert r.status_code == 202, r.text
            during.append(r.json()["alert_id"])
            i += 1

    t = threading.Thread(target=sender)
    t.start()
    try:
        r = run_cli(["backup", str(backup_dir)], data_dir=srv.data_dir)
    finally:
        stop.set()
        t.join()
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("Backed up "), r.stdout
    assert during, "no alert was taken while the backup ran"
    # A second backup into the same directory is refused, and leaves it alone.
    again = run_cli(["backup", str(backup_dir)], data_dir=srv.data_dir)
    assert again.returncode == 2 and "exists already" in again.stderr, again.stderr
    # The running server is unharmed.
    assert srv.send_alert(key, message="after backup").status_code == 202
    srv.stop_and_check()

    # Restore: a server on the copy has every alert acknowledged before the backup, and the
    # same secrets (the company's API key still works, the admin can sign in).
    restored = server_factory.start(data_dir=backup_dir)
    stored, _ = page_all(restored.admin(), "/api/alerts", {"company_id": cid})
    ids = {a["id"] for a in stored}
    assert set(before) <= ids, set(before) - ids
    assert ids <= set(before) | set(during), "the copy holds alerts that were never acknowledged"
    r = restored.send_alert(key, message="after restore")
    assert r.status_code == 202, r.text
