"""SIGTERM, durability of acknowledged alerts, restart on the same data directory."""

import concurrent.futures
import signal

import requests

from aw_harness import ADMIN_EMAIL, ADMIN_PASSWORD


def _all_alerts(srv):
    s = srv.admin()
    out, cursor = [], None
    for _ in range(100):
        params = {"limit": 500}
        if cursor:
            params["cursor"] = cursor
        r = s.get("/api/alerts", params=params)
        assert r.status_code == 200, r.text
        out += r.json()
        cursor = r.headers.get("X-Next-Cursor")
        if not cursor:
            return out
    raise AssertionError("paging did not end")


def test_sigterm_exits_zero(fresh_server):
    assert fresh_server.terminate() == 0, fresh_server.stderr()


def test_alert_acknowledged_right_before_sigterm_survives(server_factory):
    srv = server_factory.start()
    data_dir = srv.data_dir
    key = srv.api_key_for("comp-acme")
    r = srv.send_alert(key, message="last words before SIGTERM")
    assert r.status_code == 202, r.text
    alert_id = r.json()["alert_id"]
    srv.proc.send_signal(signal.SIGTERM)  # immediately after the 202
    assert srv.proc.wait(timeout=10) == 0, srv.stderr()

    again = server_factory.start(data_dir=data_dir)
    ids = {a["id"] for a in _all_alerts(again)}
    assert alert_id in ids


def test_burst_acknowledged_before_sigterm_survives(server_factory):
    srv = server_factory.start()
    data_dir = srv.data_dir
    key = srv.api_key_for("comp-techstart")

    def send(i):
        return srv.send_alert(key, message=f"burst {i}")

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(send, range(200)))
    assert [r.status_code for r in responses] == [202] * 200
    acked = {r.json()["alert_id"] for r in responses}
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(timeout=10) == 0, srv.stderr()

    again = server_factory.start(data_dir=data_dir)
    ids = {a["id"] for a in _all_alerts(again)}
    assert acked <= ids, f"{len(acked - ids)} acknowledged alerts lost"


def test_restart_keeps_data_secret_and_does_not_reseed(server_factory):
    srv = server_factory.start()
    data_dir = srv.data_dir
    token = srv.login("tech@acme.com", "tech123")
    company = srv.create_company("Survives Restart Inc")
    user, email, password = srv.create_user()
    key_before = srv.api_key_for("comp-acme")
    srv.stop_and_check()

    again = server_factory.start(data_dir=data_dir)
    # The generated JWT secret is kept: a token from before the restart still works.
    r = requests.get(again.url("/api/profile"), headers={"Authorization": f"Bearer {token}"},
                     timeout=30)
    assert r.status_code == 200, r.text
    companies = again.admin().get("/api/companies").json()
    assert sorted(c["id"] for c in companies) == sorted(
        ["comp-acme", "comp-techstart", "comp-global", company["id"]])
    assert again.api_key_for("comp-acme") == key_before
    assert again.login_response(email, password).status_code == 200
    users = again.admin().get("/api/users", params={"limit": 500}).json()
    assert len([u for u in users if u["email"] == ADMIN_EMAIL]) == 1
    assert again.send_alert(key_before).status_code == 202


def test_password_change_survives_restart(server_factory):
    srv = server_factory.start()
    data_dir = srv.data_dir
    s = srv.admin()
    r = s.put("/api/profile/password",
              json={"current_password": ADMIN_PASSWORD, "new_password": "Changed-Admin-1"})
    assert r.status_code == 200, r.text
    srv.stop_and_check()
    again = server_factory.start(data_dir=data_dir)
    assert again.login_response(ADMIN_EMAIL, "Changed-Admin-1").status_code == 200
    assert again.login_response(ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 401


def test_sigterm_while_idle_keep_alive_connection_open(fresh_server):
    s = fresh_server.session()
    assert s.get("/api/health").status_code == 200  # leaves a kept-alive connection open
    assert fresh_server.terminate() == 0, fresh_server.stderr()
