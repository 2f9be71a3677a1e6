"""SIGTERM, durability of acknowledged alerts, restart on the same data directory."""

import concurrent.futures
import re
import signal
import socket
import time

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


def _wait_for_log(srv, text, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in srv.stderr() or text in srv.stdout():
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not logged within {timeout}s\n{srv.stderr()}")


def _read_responses(sock, timeout=15):
    """Everything the server sends until it closes: the status lines found and the raw bytes."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return re.findall(rb"HTTP/1\.1 \d{3} [A-Za-z ]+?\r\n", data), data


def test_sigterm_answers_requests_that_had_already_arrived(server_factory):
    """Issue 16 defect 6: a request already sent when SIGTERM arrives is read and answered."""
    srv = server_factory.start()
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    # The first request's head is incomplete: the connection is busy reading it.
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: t\r\n")
    time.sleep(0.2)
    srv.proc.send_signal(signal.SIGTERM)
    _wait_for_log(srv, "received SIGTERM")
    # Its end and a second, pipelined request arrive together.
    sock.sendall(b"\r\nGET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
    statuses, data = _read_responses(sock)
    sock.close()
    assert statuses == [b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 200 OK\r\n"], data
    assert data.count(b'"status":"ok"') == 2, data
    assert srv.proc.wait(timeout=15) == 0, srv.stderr()


def test_sigterm_answers_a_request_waiting_in_the_kernel_buffer(server_factory):
    """An idle keep-alive connection whose next request was sent just before SIGTERM gets it answered.

    The request is sent and SIGTERM follows at once; whichever the server sees first, the request
    must be answered (before the fix it was lost when the stop came first)."""
    srv = server_factory.start()
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
    sock.settimeout(10)
    first = sock.recv(65536)
    assert first.startswith(b"HTTP/1.1 200"), first
    sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    srv.proc.send_signal(signal.SIGTERM)
    statuses, data = _read_responses(sock)
    sock.close()
    assert statuses == [b"HTTP/1.1 200 OK\r\n"], data
    assert srv.proc.wait(timeout=15) == 0, srv.stderr()


def test_graceful_stop_takes_at_most_ten_seconds(server_factory):
    """Issue 16 defect 6: the docs promise 10 s; a connection that never completes its request held
    the stop for the drain timeout plus 2 s more (12 s)."""
    srv = server_factory.start()
    stalled = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    stalled.sendall(b"POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{")
    time.sleep(0.3)
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    code = srv.proc.wait(timeout=20)
    elapsed = time.monotonic() - t0
    stalled.close()
    assert code == 0, srv.stderr()
    assert elapsed <= 10.5, f"graceful stop took {elapsed:.1f}s"
