"""POST /api/webhooks/alerts: auth by API key, validation, limits, idempotency."""

import json
import socket
import threading
import uuid

import pytest
import requests

from aw_harness import OMIT, assert_error, new_alert


@pytest.fixture(scope="module")
def acme_key(server):
    return server.api_key_for("comp-acme")


def _alerts(server, company_id="comp-acme", limit=500):
    r = server.admin().get("/api/alerts", params={"company_id": company_id, "limit": limit})
    assert r.status_code == 200, r.text
    return r.json()


def _alert_by_id(server, alert_id, company_id="comp-acme"):
    found = [a for a in _alerts(server, company_id) if a["id"] == alert_id]
    assert len(found) == 1, f"alert {alert_id} listed {len(found)} times"
    return found[0]


def test_accepts_alert_with_header_key(server, acme_key):
    r = server.send_alert(acme_key)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["alert_id"]
    assert body["company_id"] == "comp-acme"
    assert body["duplicate"] is False
    assert r.headers.get("X-Request-ID")


def test_accepts_alert_with_query_key(server, acme_key):
    r = requests.post(server.url("/api/webhooks/alerts"), params={"api_key": acme_key},
                      json=new_alert(), timeout=30)
    assert r.status_code == 202, r.text
    assert r.json()["company_id"] == "comp-acme"


def test_stored_alert_has_the_sent_fields(server, acme_key):
    body = new_alert(severity="critical", metadata={"region": "eu-west-1", "cpu": 97.5},
                     timestamp="2024-05-01T12:34:56Z")
    r = server.send_alert(acme_key, **body)
    assert r.status_code == 202, r.text
    alert = _alert_by_id(server, r.json()["alert_id"])
    for key in ("asset_name", "signature", "severity", "message", "tool_source"):
        assert alert[key] == body[key], key
    assert alert["company_id"] == "comp-acme"
    assert alert["status"] == "active"
    assert alert["delivery_attempts"] == 1
    assert isinstance(alert["timestamp"], str) and alert["timestamp"]


def test_tool_source_defaults_to_external(server, acme_key):
    r = server.send_alert(acme_key, tool_source=OMIT)
    assert r.status_code == 202, r.text
    assert _alert_by_id(server, r.json()["alert_id"])["tool_source"] == "External"


@pytest.mark.parametrize("severity", ["critical", "high", "medium", "low"])
def test_every_severity_is_accepted(server, acme_key, severity):
    assert server.send_alert(acme_key, severity=severity).status_code == 202


def test_missing_api_key(server):
    r = requests.post(server.url("/api/webhooks/alerts"), json=new_alert(), timeout=30)
    assert_error(r, 401, "missing_api_key")


@pytest.mark.parametrize("key", ["aw_not_a_real_key", "garbage", "x" * 300])
def test_unknown_api_key(server, key):
    assert_error(server.send_alert(key), 401, "invalid_api_key")
    r = requests.post(server.url("/api/webhooks/alerts"), params={"api_key": key},
                      json=new_alert(), timeout=30)
    assert_error(r, 401, "invalid_api_key")


@pytest.mark.parametrize("field,value", [
    ("severity", "urgent"),
    ("severity", OMIT),
    ("metadata", "a string"),
    ("metadata", [1, 2]),
    ("asset_name", OMIT),
    ("asset_name", 7),
    ("message", 123),
    ("message", OMIT),
    ("signature", OMIT),
    ("tool_source", 5),
    ("timestamp", "yesterday at noon"),
    ("timestamp", 1714567890),
])
def test_invalid_field_is_422_naming_it(server, acme_key, field, value):
    body = new_alert(**{field: value})
    r = requests.post(server.url("/api/webhooks/alerts"), json=body,
                      headers={"X-API-Key": acme_key}, timeout=30)
    assert_error(r, 422, mentions=field)


@pytest.mark.parametrize("raw", [b'{"asset_name": "a",', b"not json", b"\xff\xfe{}", b"{}}"])
def test_malformed_json_is_400(server, acme_key, raw):
    r = requests.post(server.url("/api/webhooks/alerts"), data=raw,
                      headers={"X-API-Key": acme_key, "Content-Type": "application/json"},
                      timeout=30)
    assert_error(r, 400)


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null", b""])
def test_non_object_body_is_rejected(server, acme_key, raw):
    r = requests.post(server.url("/api/webhooks/alerts"), data=raw,
                      headers={"X-API-Key": acme_key, "Content-Type": "application/json"},
                      timeout=30)
    assert_error(r, (400, 422))


def _raw_post(port, path, headers, body):
    """Sends one request on a raw socket (the server may stop reading early); returns the
    status line and the whole response bytes."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        try:
            s.sendall(head.encode() + body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # it answered early and closed: read what it said
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        data = b"".join(chunks)
    finally:
        s.close()
    return data.split(b"\r\n", 1)[0].decode(errors="replace"), data


def test_body_over_1_mib_is_413(server, acme_key):
    body = json.dumps(new_alert(metadata={"pad": "x" * (1024 * 1024 + 1000)})).encode()
    status, data = _raw_post(server.port, "/api/webhooks/alerts",
                             {"X-API-Key": acme_key, "Content-Type": "application/json"}, body)
    assert status.startswith("HTTP/1.1 413"), f"got {status!r}: {data[:300]!r}"
    payload = data.split(b"\r\n\r\n", 1)[1]
    assert b'"code"' in payload and b'"detail"' in payload, payload[:300]
    # The server is still fine afterwards.
    assert server.send_alert(acme_key).status_code == 202


def test_oversized_body_with_unknown_key_is_refused(server):
    body = b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    status, data = _raw_post(server.port, "/api/webhooks/alerts",
                             {"X-API-Key": "aw_unknown", "Content-Type": "application/json"}, body)
    assert status.startswith("HTTP/1.1 413") or status.startswith("HTTP/1.1 401"), status


# -- idempotency -----------------------------------------------------------------

def test_delivery_id_makes_it_idempotent(server, acme_key):
    delivery = f"dlv-{uuid.uuid4()}"
    body = new_alert()
    first = server.send_alert(acme_key, headers={"X-Delivery-ID": delivery}, **body)
    assert first.status_code == 202, first.text
    assert first.json()["duplicate"] is False
    alert_id = first.json()["alert_id"]
    assert _alert_by_id(server, alert_id)["delivery_attempts"] == 1

    for attempt in (2, 3):
        r = server.send_alert(acme_key, headers={"X-Delivery-ID": delivery}, **body)
        assert r.status_code == 202, r.text
        assert r.json()["alert_id"] == alert_id
        assert r.json()["duplicate"] is True
        assert _alert_by_id(server, alert_id)["delivery_attempts"] == attempt
    assert len([a for a in _alerts(server) if a["message"] == body["message"]]) == 1


def test_distinct_alerts_without_delivery_id_are_distinct(server, acme_key):
    ids = {server.send_alert(acme_key).json()["alert_id"] for _ in range(3)}
    assert len(ids) == 3


def test_twenty_concurrent_sends_of_one_delivery_id(server, acme_key):
    delivery = f"dlv-{uuid.uuid4()}"
    body = new_alert()
    barrier = threading.Barrier(20)
    results = []
    lock = threading.Lock()

    def send():
        barrier.wait()
        r = requests.post(server.url("/api/webhooks/alerts"), json=body,
                          headers={"X-API-Key": acme_key, "X-Delivery-ID": delivery}, timeout=60)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [202] * 20, [(r.status_code, r.text)
                                                            for r in results]
    ids = {r.json()["alert_id"] for r in results}
    assert len(ids) == 1, ids
    assert sorted(r.json()["duplicate"] for r in results) == [False] + [True] * 19
    listed = [a for a in _alerts(server) if a["message"] == body["message"]]
    assert len(listed) == 1
    assert listed[0]["delivery_attempts"] == 20


def test_delivery_ids_are_per_company(server, acme_key):
    tech_key = server.api_key_for("comp-techstart")
    delivery = f"dlv-{uuid.uuid4()}"
    a = server.send_alert(acme_key, headers={"X-Delivery-ID": delivery})
    b = server.send_alert(tech_key, headers={"X-Delivery-ID": delivery})
    assert a.status_code == 202 and b.status_code == 202
    assert b.json()["duplicate"] is False
    assert b.json()["company_id"] == "comp-techstart"
    assert a.json()["alert_id"] != b.json()["alert_id"]


def test_repeats_are_recognised_after_a_restart(server_factory):
    """Repeat claims outlive the process: a delivery id and an active alert's content sent again
    after a restart are repeats of the alerts stored before it (on both stores the claims are
    items with a 24-hour TTL; on the embedded store each is written in its alert's batch)."""
    first = server_factory.start()
    key = first.api_key_for("comp-acme")
    delivery = f"dlv-{uuid.uuid4()}"
    by_id = first.send_alert(key, headers={"X-Delivery-ID": delivery}, **new_alert())
    content = new_alert()
    by_content = first.send_alert(key, **content)
    assert by_id.status_code == 202 and by_content.status_code == 202, (by_id.text, by_content.text)
    assert by_id.json()["duplicate"] is False and by_content.json()["duplicate"] is False
    stats_before = first.admin().get("/api/admin/store-stats").json()
    data_dir = first.data_dir
    assert first.terminate() == 0

    again = server_factory.start(data_dir=data_dir)
    # The same delivery id, even with another body: the first alert, one more attempt.
    r = again.send_alert(key, headers={"X-Delivery-ID": delivery}, **new_alert())
    assert r.status_code == 202, r.text
    assert (r.json()["alert_id"], r.json()["duplicate"], r.json()["delivery_attempts"]) == \
        (by_id.json()["alert_id"], True, 2)
    # The same content while the first is active: a repeat of it.
    r = again.send_alert(key, **content)
    assert r.status_code == 202, r.text
    assert (r.json()["alert_id"], r.json()["duplicate"]) == (by_content.json()["alert_id"], True)
    assert _alert_by_id(again, by_content.json()["alert_id"])["delivery_attempts"] == 2
    # Something new is still new.
    r = again.send_alert(key, **new_alert())
    assert r.status_code == 202 and r.json()["duplicate"] is False
    if "intake_pipeline" in stats_before:  # the embedded store counts the claims it wrote
        assert stats_before["intake_pipeline"]["claims_written"] >= 2, stats_before
        stats = again.admin().get("/api/admin/store-stats").json()
        # Since this start: the new alert's claim only (the repeats found theirs).
        assert stats["intake_pipeline"]["claims_written"] == 1, stats
