"""Health, request ids, error shape and keep-alive."""

import http.client
import json
import socket
import uuid

import pytest
import requests

from aw_harness import assert_error


def test_health(server):
    r = requests.get(server.url("/api/health"), timeout=30)
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.headers.get("Content-Type", "").startswith("application/json")
    assert r.headers.get("X-Request-ID")


def test_request_ids_differ(server):
    ids = {requests.get(server.url("/api/health"), timeout=30).headers["X-Request-ID"]
           for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize("rid", ["abc-123", "42d61f1b-63e5-4845-8fad-507f25b7b72e", "req_0001.retry-2"])
def test_valid_request_id_is_echoed(server, rid):
    r = requests.get(server.url("/api/health"), headers={"X-Request-ID": rid}, timeout=30)
    assert r.headers.get("X-Request-ID") == rid
    r = requests.get(server.url("/api/profile"), headers={"X-Request-ID": rid}, timeout=30)
    assert r.status_code == 401
    assert r.headers.get("X-Request-ID") == rid


@pytest.mark.parametrize("rid", ["<script>alert(1)</script>", "x" * 1000, "a b c"])
def test_invalid_request_id_is_replaced(server, rid):
    r = requests.get(server.url("/api/health"), headers={"X-Request-ID": rid}, timeout=30)
    assert r.status_code == 200
    got = r.headers.get("X-Request-ID")
    assert got and got != rid


# A GET of any other path without a file extension is a deep link into the web
# UI (test_web_ui.py); a missing file or another method is still the JSON 404.
@pytest.mark.parametrize("method,path", [
    ("GET", "/api/nope"), ("POST", "/nope"), ("GET", "/nope.js"), ("POST", "/api/does/not/exist"),
])
def test_unknown_route_is_json_404(server, method, path):
    r = requests.request(method, server.url(path), timeout=30)
    assert_error(r, 404)


def test_wrong_method_is_json_error(server):
    r = requests.delete(server.url("/api/health"), timeout=30)
    assert_error(r, (404, 405))


def test_request_id_on_every_kind_of_response(server):
    admin = server.admin()
    key = server.api_key_for("comp-acme")
    responses = [
        admin.get("/api/companies"),                                   # 200
        server.send_alert(key),                                        # 202
        admin.get("/api/companies/comp-nope"),                         # 404
        admin.get("/api/alerts", params={"limit": 0}),                 # 422
        requests.post(server.url("/api/auth/login"), data=b"{", timeout=30),  # 400
        requests.get(server.url("/api/alerts"), timeout=30),           # 401
    ]
    for r in responses:
        assert r.headers.get("X-Request-ID"), f"{r.request.method} {r.url} {r.status_code}"


def test_keep_alive_one_connection_many_requests(server):
    token = server.admin_token()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.connect()
        sock = conn.sock
        local = sock.getsockname()
        for i in range(30):
            if i % 3 == 0:
                conn.request("GET", "/api/health")
                expected = 200
            elif i % 3 == 1:
                conn.request("GET", "/api/companies", headers={"Authorization": f"Bearer {token}"})
                expected = 200
            else:
                conn.request("GET", "/api/profile")  # errors keep the connection too
                expected = 401
            r = conn.getresponse()
            body = r.read()
            assert r.status == expected, (i, r.status, body[:200])
            json.loads(body)
            assert (r.getheader("Connection") or "").lower() != "close"
            assert conn.sock is sock and sock.getsockname() == local, f"reconnected at {i}"
    finally:
        conn.close()


def test_keep_alive_with_requests_session(server):
    s = server.admin()
    for _ in range(20):
        assert s.get("/api/companies").status_code == 200
    pool = s.get_adapter(server.base_url).poolmanager.connection_from_url(server.base_url)
    assert pool.num_connections == 1


def test_post_bodies_on_a_kept_alive_connection(server):
    key = server.api_key_for("comp-acme")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.connect()
        sock = conn.sock
        for i in range(10):
            body = json.dumps({"asset_name": f"ka-{i}", "signature": "ka", "severity": "low",
                               "message": f"keep-alive {uuid.uuid4().hex}"})
            conn.request("POST", "/api/webhooks/alerts", body=body,
                         headers={"X-API-Key": key, "Content-Type": "application/json"})
            r = conn.getresponse()
            assert r.status == 202, r.read()
            r.read()
            # A rejected body must not poison the connection either.
            conn.request("POST", "/api/webhooks/alerts", body=b'{"bad": ',
                         headers={"X-API-Key": key, "Content-Type": "application/json"})
            r = conn.getresponse()
            assert r.status == 400
            r.read()
            assert conn.sock is sock
    finally:
        conn.close()


def test_http_1_0_request_gets_an_answer(server):

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"GET /api/health HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.0 200") or data.startswith(b"HTTP/1.1 200"), data[:100]


# -- issue 16, defect 6: JSON and limit details ------------------------------------

def test_number_overflow_is_invalid_json_and_not_a_handler_escape(server, api_key_for):
    key = api_key_for("comp-acme")
    body = ('{"asset_name": "srv-1", "signature": "s", "severity": "low", "message": "m", '
            '"metadata": {"x": 1e999999}}')
    r = requests.post(server.url("/api/webhooks/alerts"), data=body,
                      headers={"X-API-Key": key, "Content-Type": "application/json"}, timeout=30)
    b = assert_error(r, 400, "invalid_json")
    assert "1e999999" in b["detail"], b
    r = server.admin().put("/api/companies/comp-acme/sla-config", data='{"warning_percent": -1e400}',
                           headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")
    assert "JSON error escaped a handler" not in server.stderr()


@pytest.mark.parametrize("body,word", [
    ('{"severity": critical, "message": "m"}', "critical"),
    ('{"a": truth}', "truth"),
    ('{"a": nulll}', "nulll"),
])
def test_parser_detail_names_the_whole_word(server, body, word):
    r = requests.post(server.url("/api/auth/login"), data=body,
                      headers={"Content-Type": "application/json"}, timeout=30)
    b = assert_error(r, 400, "invalid_json")
    assert f"'{word}'" in b["detail"], b
    assert "last read" not in b["detail"], b


def test_intake_message_limit_is_in_bytes_and_says_so(server, api_key_for):
    key = api_key_for("comp-acme")
    # 9,000 characters, 18,000 bytes: over the 16 KiB limit, which counts bytes.
    r = server.send_alert(key, message="é" * 9000)
    b = assert_error(r, 422, "validation_error", mentions="message")
    assert "bytes" in b["detail"] and "characters" not in b["detail"], b
    assert server.send_alert(key, message="é" * 8000).status_code == 202  # 16,000 bytes
