"""Connection limits (issue 16, defect 1): one client must not exhaust the server's file handles.

Before: no connection cap, and a connection that never sent a byte was kept for the 75 s idle
timeout. Under `prlimit --nofile=1024:1024`, 1,100 idle connections made `GET /api/health` time
out for everyone and the log wrote ~10 "accept failed: Too many open files" lines a second.
The attacker's connections come from another loopback address (127.0.0.2) than the well-behaved
client (127.0.0.1), as they would from another machine.
"""

import os
import resource
import shutil
import socket
import stat
import time

import pytest
import requests

import aw_harness
from aw_harness import run_cli, free_port

ATTACKER = "127.0.0.2"


@pytest.fixture(autouse=True)
def _enough_file_handles_for_the_test():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _open_idle(port, count, source=ATTACKER):
    """`count` connections that never send a byte (some may be closed by the server at once)."""
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        socks.append(s)
    return socks


def _closed_by_server(sock, wait=0.5):
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def _health(srv, timeout=5):
    return requests.get(srv.url("/api/health"), timeout=timeout)


def _open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_idle_connections_cannot_exhaust_file_handles(server_factory, monkeypatch, tmp_path):
    prlimit = shutil.which("prlimit")
    assert prlimit, "prlimit (util-linux) is needed"
    wrapper = tmp_path / "aw-nofile-1024"
    wrapper.write_text(f'#!/bin/sh\nexec {prlimit} --nofile=1024:1024 -- "{aw_harness.AW_BINARY}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(aw_harness, "AW_BINARY", str(wrapper))
    srv = server_factory.start()
    assert "open files limit: 1024" in srv.stderr(), srv.stderr()
    attackers = _open_idle(srv.port, 1100)
    try:
        time.sleep(1.0)
        t0 = time.monotonic()
        r = _health(srv)
        assert r.status_code == 200, r.text
        assert time.monotonic() - t0 < 3
        # The server stayed far from its file limit.
        assert _open_files(srv.proc.pid) < 600
        # Most of the attacker's connections were closed at once (per-address cap).
        closed = sum(_closed_by_server(s, wait=0.01) for s in attackers[-50:])
        assert closed >= 40, closed
        time.sleep(1.0)
        assert _health(srv).status_code == 200
    finally:
        for s in attackers:
            s.close()
    log = srv.stderr()
    assert log.count("accept failed") <= 3, log[-3000:]
    assert log.count("connection caps reached") <= 3, log[-3000:]


def test_over_the_global_cap_an_idle_connection_makes_room(server_factory):
    srv = server_factory.start(env={"AW_MAX_CONNECTIONS": "40", "AW_MAX_CONNECTIONS_PER_IP": "0"})
    baseline = _open_files(srv.proc.pid)
    attackers = _open_idle(srv.port, 120)
    try:
        time.sleep(0.5)
        for _ in range(5):
            r = _health(srv)
            assert r.status_code == 200, r.text
        time.sleep(0.3)
        assert _open_files(srv.proc.pid) - baseline <= 40 + 5
    finally:
        for s in attackers:
            s.close()


def test_per_address_cap_closes_the_extra_connection_at_once(server_factory):
    srv = server_factory.start(env={"AW_MAX_CONNECTIONS_PER_IP": "5"})
    mine = _open_idle(srv.port, 5)
    extra = _open_idle(srv.port, 1)
    try:
        assert len(extra) == 1 and _closed_by_server(extra[0], wait=2), "the 6th connection stayed open"
        assert not any(_closed_by_server(s, wait=0.05) for s in mine)
        # Another address is not affected.
        assert _health(srv).status_code == 200
        other = _open_idle(srv.port, 1, source="127.0.0.3")
        assert not _closed_by_server(other[0], wait=0.3)
        other[0].close()
    finally:
        for s in mine + extra:
            s.close()


def test_request_head_has_its_own_short_deadline(server_factory):
    srv = server_factory.start(env={"AW_HEADER_TIMEOUT_SECONDS": "1"})
    silent = _open_idle(srv.port, 1)[0]
    partial = _open_idle(srv.port, 1)[0]
    partial.sendall(b"GET /api/health HTTP/1.1\r\nHost: t\r\n")
    kept = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    kept.sendall(b"GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
    assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    try:
        t0 = time.monotonic()
        assert _closed_by_server(silent, wait=5), "a connection that sends nothing must go"
        assert _closed_by_server(partial, wait=5), "an incomplete request head must go"
        assert time.monotonic() - t0 < 4
        # A kept-alive connection between requests has the (longer) idle timeout.
        assert not _closed_by_server(kept, wait=1.5)
        kept.sendall(b"GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    finally:
        for s in (silent, partial, kept):
            s.close()


@pytest.mark.parametrize("name,value", [
    ("AW_MAX_CONNECTIONS", "0"),
    ("AW_MAX_CONNECTIONS_PER_IP", "-1"),
    ("AW_HEADER_TIMEOUT_SECONDS", "0"),
    ("AW_HEADER_TIMEOUT_SECONDS", "ten"),
])
def test_bad_limit_settings_stop_start_up(tmp_path, name, value):
    r = run_cli(["serve", "--port", str(free_port())], data_dir=tmp_path, env={name: value}, timeout=30)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert name in r.stderr


def _open_websocket(port, token, source=ATTACKER):
    """A WebSocket to /ws from `source`, upgraded (101 read); None when the server refused it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    s.sendall((f"GET /ws?token={token} HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    try:
        head = s.recv(4096)
    except (ConnectionResetError, socket.timeout):
        head = b""
    if not head.startswith(b"HTTP/1.1 101"):
        s.close()
        return None
    return s


def test_websockets_count_against_the_per_address_cap(server_factory):
    """Before: an upgraded connection left the caps' count, so one address could hold any number
    of WebSockets (and with them file handles) past AW_MAX_CONNECTIONS_PER_IP."""
    srv = server_factory.start(env={"AW_MAX_CONNECTIONS_PER_IP": "5"})
    token = srv.admin_token()
    sockets = [_open_websocket(srv.port, token) for _ in range(5)]
    try:
        assert all(sockets), "the first 5 WebSockets from one address are allowed"
        # The 6th connection from that address, a WebSocket or a plain one, is closed at once.
        assert _open_websocket(srv.port, token) is None
        extra = _open_idle(srv.port, 1)
        assert len(extra) == 1 and _closed_by_server(extra[0], wait=2), "the 6th connection stayed open"
        extra[0].close()
        assert not any(_closed_by_server(s, wait=0.05) for s in sockets), "the WebSockets themselves stay"
        # Closing one WebSocket gives its place back.
        sockets.pop().close()
        deadline = time.monotonic() + 5
        again = None
        while again is None and time.monotonic() < deadline:
            again = _open_websocket(srv.port, token)
            if again is None:
                time.sleep(0.1)
        assert again is not None, "a closed WebSocket's place was not given back"
        sockets.append(again)
    finally:
        for s in sockets:
            if s:
                s.close()


def test_websockets_count_against_the_global_cap(server_factory):
    srv = server_factory.start(env={"AW_MAX_CONNECTIONS": "20", "AW_MAX_CONNECTIONS_PER_IP": "0"})
    token = srv.admin_token()
    sockets = [_open_websocket(srv.port, token) for _ in range(20)]
    try:
        assert all(sockets)
        # Every place is held by a WebSocket, which is never evicted: a new connection is refused.
        extra = _open_idle(srv.port, 1, source="127.0.0.3")
        assert len(extra) == 1 and _closed_by_server(extra[0], wait=2), "a 21st connection stayed open"
        extra[0].close()
        assert not any(_closed_by_server(s, wait=0.05) for s in sockets)
    finally:
        for s in sockets:
            if s:
                s.close()
