"""Signed webhooks (HMAC-SHA256): the config routes and every way a request can fail."""

import json
import time

import pytest
import requests

from aw_harness import assert_error, new_alert
from helpers3 import (ACME, TECHSTART, alert_by_id, alerts_of, as_demo, incidents_of, new_company, page_all,
                      post_raw, send, sign, signed_post, unique)


@pytest.fixture
def signed_company(server):
    """A new company with signing enabled: (company_id, api_key, secret)."""
    cid, key = new_company(server)
    r = server.admin().post(f"/api/companies/{cid}/webhook-security/enable")
    assert r.status_code == 200, r.text
    return cid, key, r.json()["hmac_secret"]


def _raw(body=None):
    return json.dumps(body if body is not None else new_alert()).encode()


def test_disabled_by_default(server):
    cid, key = new_company(server)
    r = server.admin().get(f"/api/companies/{cid}/webhook-security")
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is False
    assert not r.json().get("hmac_secret")
    send(server, key)  # unsigned works


def test_enable_returns_a_secret(server):
    cid, _ = new_company(server)
    r = server.admin().post(f"/api/companies/{cid}/webhook-security/enable")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["enabled"] is True
    secret = body["hmac_secret"]
    assert isinstance(secret, str) and len(secret) >= 32
    view = server.admin().get(f"/api/companies/{cid}/webhook-security").json()
    assert view["enabled"] is True and view["hmac_secret"] == secret
    # Enabling again keeps the secret.
    again = server.admin().post(f"/api/companies/{cid}/webhook-security/enable").json()
    assert again["hmac_secret"] == secret


def test_correct_signature_is_accepted(server, signed_company):
    cid, key, secret = signed_company
    r = signed_post(server, key, secret)
    assert r.status_code == 202, r.text
    assert alert_by_id(server, cid, r.json()["alert_id"])["status"] == "active"


def test_timestamp_inside_the_allowed_skew_is_accepted(server, signed_company):
    _, key, secret = signed_company
    now = int(time.time())
    for ts in (now - 290, now + 290):
        r = signed_post(server, key, secret, ts=ts)
        assert r.status_code == 202, (ts - now, r.text)


def test_uppercase_hex_signature_is_accepted(server, signed_company):
    _, key, secret = signed_company
    raw, ts = _raw(), int(time.time())
    sig = "sha256=" + sign(secret, ts, raw)[len("sha256="):].upper()
    r = post_raw(server, key, raw, {"X-Timestamp": str(ts), "X-Signature": sig})
    assert r.status_code == 202, r.text


def _cases(secret):
    """(name, headers, raw body, expected code) for every failure."""
    raw, ts = _raw(), int(time.time())
    good = sign(secret, ts, raw)
    other_body = _raw()
    return [
        ("no headers", {}, raw, "missing_signature"),
        ("timestamp only", {"X-Timestamp": str(ts)}, raw, "missing_signature"),
        ("signature only", {"X-Signature": good}, raw, "missing_timestamp"),
        ("timestamp not a number", {"X-Timestamp": "yesterday", "X-Signature": good}, raw, "malformed_timestamp"),
        ("negative timestamp", {"X-Timestamp": "-5", "X-Signature": good}, raw, "malformed_timestamp"),
        ("ISO timestamp", {"X-Timestamp": "2026-01-01T00:00:00Z", "X-Signature": good}, raw,
         "malformed_timestamp"),
        ("old timestamp", {"X-Timestamp": str(ts - 310),
                           "X-Signature": sign(secret, ts - 310, raw)}, raw, "stale_timestamp"),
        ("future timestamp", {"X-Timestamp": str(ts + 310),
                              "X-Signature": sign(secret, ts + 310, raw)}, raw, "stale_timestamp"),
        ("no prefix", {"X-Timestamp": str(ts), "X-Signature": good[len("sha256="):]}, raw,
         "malformed_signature"),
        ("wrong algorithm", {"X-Timestamp": str(ts), "X-Signature": "sha1=" + good[len("sha256="):]}, raw,
         "malformed_signature"),
        ("short hex", {"X-Timestamp": str(ts), "X-Signature": good[:-2]}, raw, "malformed_signature"),
        ("not hex", {"X-Timestamp": str(ts), "X-Signature": "sha256=" + "z" * 64}, raw, "malformed_signature"),
        ("wrong secret", {"X-Timestamp": str(ts), "X-Signature": sign("not-the-secret", ts, raw)}, raw,
         "invalid_signature"),
        ("other body", {"X-Timestamp": str(ts), "X-Signature": sign(secret, ts, other_body)}, raw,
         "invalid_signature"),
        ("other timestamp", {"X-Timestamp": str(ts), "X-Signature": sign(secret, ts - 1, raw)}, raw,
         "invalid_signature"),
        ("body changed by one byte", {"X-Timestamp": str(ts), "X-Signature": good}, raw + b" ",
         "invalid_signature"),
    ]


def test_each_failure_has_its_own_401(server, signed_company):
    cid, key, secret = signed_company
    failures = []
    for name, headers, raw, code in _cases(secret):
        r = post_raw(server, key, raw, headers)
        try:
            assert_error(r, 401, code)
        except AssertionError as e:
            failures.append(f"{name}: {e}")
    assert not failures, "\n".join(failures)
    assert alerts_of(server, cid) == []  # nothing got in


def test_signature_is_checked_before_the_body(server, signed_company):
    _, key, _ = signed_company
    assert_error(post_raw(server, key, b"{not json"), 401, "missing_signature")
    assert_error(post_raw(server, key, b'{"asset_name": 5}'), 401, "missing_signature")


def test_signature_is_checked_before_the_delivery_id(server, signed_company):
    cid, key, secret = signed_company
    dlv = {"X-Delivery-ID": unique("dlv")}
    body = new_alert()
    r = signed_post(server, key, secret, body=body, headers=dlv)
    assert r.status_code == 202, r.text
    alert_id = r.json()["alert_id"]
    # Badly signed / unsigned repeats of that delivery are refused and count nothing.
    raw, ts = _raw(body), int(time.time())
    bad = [dict(dlv), dict(dlv, **{"X-Timestamp": str(ts), "X-Signature": sign("wrong", ts, raw)})]
    for headers in bad:
        assert_error(post_raw(server, key, raw, headers), 401)
    assert alert_by_id(server, cid, alert_id)["delivery_attempts"] == 1
    # A correctly signed repeat is a repeat.
    again = signed_post(server, key, secret, body=body, headers=dlv)
    assert again.status_code == 202 and again.json()["duplicate"] is True, again.text
    assert again.json()["alert_id"] == alert_id
    assert alert_by_id(server, cid, alert_id)["delivery_attempts"] == 2


def test_replayed_signed_requests_are_repeats_with_no_side_effect(server, signed_company):
    """Issue 16 defect 3: a captured signed alert replayed after its recovery opened a new incident."""
    cid, key, secret = signed_company
    body = new_alert(severity="critical")
    raw, ts = _raw(body), int(time.time())
    captured = {"X-Timestamp": str(ts), "X-Signature": sign(secret, ts, raw)}
    first = post_raw(server, key, raw, captured)
    assert first.status_code == 202 and first.json()["duplicate"] is False, first.text
    recovery_raw = _raw(dict(body, status="resolved"))
    recovery_headers = {"X-Timestamp": str(ts), "X-Signature": sign(secret, ts, recovery_raw)}
    recovery = post_raw(server, key, recovery_raw, recovery_headers)
    assert recovery.status_code == 202 and recovery.json()["duplicate"] is False, recovery.text
    alerts_before = sorted(a["id"] for a in alerts_of(server, cid))
    incidents_before = {i["id"]: i["status"] for i in incidents_of(server, cid)}
    # The captured alert, then the captured recovery, replayed within the window.
    for raw_body, headers, original in ((raw, captured, first), (recovery_raw, recovery_headers, recovery)):
        replay = post_raw(server, key, raw_body, headers)
        assert replay.status_code == 202, replay.text
        assert replay.json()["duplicate"] is True, replay.text
        assert replay.json()["alert_id"] == original.json()["alert_id"]
        assert "incident_id" not in replay.json()
    assert sorted(a["id"] for a in alerts_of(server, cid)) == alerts_before
    assert {i["id"]: i["status"] for i in incidents_of(server, cid)} == incidents_before
    # A new request (new timestamp, so a new signature) of the same alert is not a replay.
    again = signed_post(server, key, secret, body=body, ts=ts + 1)
    assert again.status_code == 202 and again.json()["duplicate"] is False, again.text


def test_regenerate_invalidates_the_old_secret(server, signed_company):
    cid, key, old = signed_company
    r = server.admin().post(f"/api/companies/{cid}/webhook-security/regenerate-secret")
    assert r.status_code == 200, r.text
    new = r.json()["hmac_secret"]
    assert new and new != old
    assert r.json()["enabled"] is True
    assert_error(signed_post(server, key, old), 401, "invalid_signature")
    assert signed_post(server, key, new).status_code == 202
    assert server.admin().get(f"/api/companies/{cid}/webhook-security").json()["hmac_secret"] == new


def test_disable_accepts_unsigned_again(server, signed_company):
    cid, key, _ = signed_company
    assert_error(server.send_alert(key), 401, "missing_signature")
    r = server.admin().post(f"/api/companies/{cid}/webhook-security/disable")
    assert r.status_code == 200, r.text
    assert r.json()["enabled"] is False
    assert server.admin().get(f"/api/companies/{cid}/webhook-security").json()["enabled"] is False
    send(server, key)


def test_signing_is_per_company(server, signed_company):
    _, other_key = new_company(server)
    send(server, other_key)  # the other company still takes unsigned alerts


def test_secret_is_never_in_the_audit_log(server, signed_company):
    cid, _, first = signed_company
    second = server.admin().post(f"/api/companies/{cid}/webhook-security/regenerate-secret").json()["hmac_secret"]
    server.admin().get(f"/api/companies/{cid}/webhook-security")
    entries, _ = page_all(server.admin(), "/api/audit-logs", {"company_id": cid})
    actions = [e["action"] for e in entries]
    assert len(entries) >= 2, actions  # enable and regenerate are audited
    text = json.dumps(entries)
    assert first not in text and second not in text
    everything, _ = page_all(server.admin(), "/api/audit-logs")
    text = json.dumps(everything)
    assert first not in text and second not in text


def test_company_admin_manages_own_signing(server):
    admin = as_demo(server, ACME, "company")
    base = f"/api/companies/{ACME}/webhook-security"
    try:
        r = admin.post(base + "/enable")
        assert r.status_code == 200 and r.json()["hmac_secret"], r.text
        assert admin.get(base).json()["enabled"] is True
        assert_error(server.send_alert(server.api_key_for(ACME)), 401, "missing_signature")
    finally:
        assert admin.post(base + "/disable").status_code == 200
    send(server, server.api_key_for(ACME))


@pytest.mark.parametrize("kind", ["tech", "client"])
def test_non_admins_are_403(server, kind):
    user = as_demo(server, ACME, kind)
    base = f"/api/companies/{ACME}/webhook-security"
    assert_error(user.get(base), 403)
    for action in ("enable", "disable", "regenerate-secret"):
        assert_error(user.post(f"{base}/{action}"), 403)
    assert server.admin().get(base).json()["enabled"] is False


def test_other_company_is_404(server):
    ts_admin = as_demo(server, TECHSTART, "company")
    base = f"/api/companies/{ACME}/webhook-security"
    assert_error(ts_admin.get(base), 404)
    for action in ("enable", "disable", "regenerate-secret"):
        assert_error(ts_admin.post(f"{base}/{action}"), 404)
    view = server.admin().get(base).json()
    assert view["enabled"] is False


def test_unknown_company_is_404(server):
    base = "/api/companies/comp-nope/webhook-security"
    assert_error(server.admin().get(base), 404)
    for action in ("enable", "disable", "regenerate-secret"):
        assert_error(server.admin().post(f"{base}/{action}"), 404)


def test_no_token_is_401(server):
    base = server.url(f"/api/companies/{ACME}/webhook-security")
    assert_error(requests.get(base, timeout=30), 401)
    for action in ("enable", "disable", "regenerate-secret"):
        assert_error(requests.post(f"{base}/{action}", timeout=30), 401)
