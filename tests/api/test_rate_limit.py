"""Per-company webhook rate limits: the config route and the token bucket as senders see it."""

import time

import pytest
import requests

from aw_harness import assert_error, new_alert
from helpers3 import ACME, TECHSTART, alerts_of, as_demo, new_company, run_parallel, send, signed_post

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def _set(server, company_id, **cfg):
    r = server.admin().put(f"/api/companies/{company_id}/rate-limit", json=cfg)
    assert r.status_code == 200, f"PUT rate-limit: {r.status_code} {r.text}"
    return r.json()


def test_defaults(server):
    cid, _ = new_company(server)
    r = server.admin().get(f"/api/companies/{cid}/rate-limit")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["enabled"] is True
    assert isinstance(body["requests_per_minute"], int) and body["requests_per_minute"] >= 1
    assert isinstance(body["burst_size"], int) and body["burst_size"] >= 1


def test_put_round_trips(server):
    cid, _ = new_company(server)
    body = _set(server, cid, requests_per_minute=120, burst_size=7, enabled=True)
    assert (body["requests_per_minute"], body["burst_size"], body["enabled"]) == (120, 7, True)
    got = server.admin().get(f"/api/companies/{cid}/rate-limit").json()
    assert (got["requests_per_minute"], got["burst_size"], got["enabled"]) == (120, 7, True)


@pytest.mark.parametrize("rpm", [100_000, 1_000_000, 1])
def test_large_and_small_limits_are_accepted(server, rpm):
    cid, _ = new_company(server)
    assert _set(server, cid, requests_per_minute=rpm)["requests_per_minute"] == rpm


@pytest.mark.parametrize("field,value", [
    ("requests_per_minute", 0), ("requests_per_minute", 1_000_001), ("requests_per_minute", -1),
    ("requests_per_minute", "60"), ("requests_per_minute", 2.5),
    ("burst_size", 0), ("burst_size", "3"),
    ("enabled", "yes"), ("enabled", 1),
])
def test_bad_values_are_422(server, field, value):
    cid, _ = new_company(server)
    before = server.admin().get(f"/api/companies/{cid}/rate-limit").json()
    r = server.admin().put(f"/api/companies/{cid}/rate-limit", json={field: value})
    assert_error(r, 422, mentions=field)
    assert server.admin().get(f"/api/companies/{cid}/rate-limit").json() == before


def test_limit_is_enforced_and_recovers(server):
    cid, key = new_company(server)
    _set(server, cid, requests_per_minute=60, burst_size=3, enabled=True)
    remaining = []
    for _ in range(3):
        r = server.send_alert(key)
        assert r.status_code == 202, r.text
        for h in RATE_HEADERS:
            assert h in r.headers, (h, dict(r.headers))
        assert r.headers["X-RateLimit-Limit"] == "60"
        remaining.append(int(r.headers["X-RateLimit-Remaining"]))
    assert remaining == [2, 1, 0], remaining
    r = server.send_alert(key)
    body = assert_error(r, 429)
    assert "60" in body["detail"], body  # names the limit
    retry_after = int(r.headers["Retry-After"])
    assert 1 <= retry_after <= 2, retry_after
    assert r.headers["X-RateLimit-Limit"] == "60"
    assert r.headers["X-RateLimit-Remaining"] == "0"
    reset = int(r.headers["X-RateLimit-Reset"])
    assert time.time() - 5 <= reset <= time.time() + 65, reset
    # A refused request stores nothing.
    assert len(server.admin().get("/api/alerts", params={"company_id": cid}).json()) == 3
    # One token a second: after Retry-After one more gets through, the next one not.
    time.sleep(retry_after + 0.1)
    r = server.send_alert(key)
    assert r.status_code == 202, r.text
    assert_error(server.send_alert(key), 429)


def test_limits_are_per_company(server):
    cid, key = new_company(server)
    _, other_key = new_company(server)
    _set(server, cid, requests_per_minute=1, burst_size=1)
    send(server, key)
    assert_error(server.send_alert(key), 429)
    for _ in range(5):
        send(server, other_key)
    acme_key = server.api_key_for(ACME)
    send(server, acme_key)
    assert_error(server.send_alert(key), 429)


def test_rejected_before_the_body_is_read(server):
    cid, key = new_company(server)
    _set(server, cid, requests_per_minute=1, burst_size=1)
    send(server, key)
    r = requests.post(server.url("/api/webhooks/alerts"), data=b"{not json", headers={"X-API-Key": key},
                      timeout=30)
    assert_error(r, 429)


def test_disabled_limit_lets_everything_through(server):
    cid, key = new_company(server)
    _set(server, cid, requests_per_minute=1, burst_size=1, enabled=False)
    for _ in range(5):
        send(server, key)
    _set(server, cid, enabled=True)
    send(server, key)
    assert_error(server.send_alert(key), 429)


def test_raising_the_limit_takes_effect_at_once(server):
    cid, key = new_company(server)
    _set(server, cid, requests_per_minute=1, burst_size=1)
    send(server, key)
    assert_error(server.send_alert(key), 429)
    _set(server, cid, requests_per_minute=100_000, burst_size=50)
    for _ in range(10):
        send(server, key)


def test_company_admin_reads_but_cannot_set(server):
    admin = as_demo(server, ACME, "company")
    path = f"/api/companies/{ACME}/rate-limit"
    r = admin.get(path)
    assert r.status_code == 200, r.text
    before = r.json()
    assert_error(admin.put(path, json={"requests_per_minute": 5}), 403)
    assert server.admin().get(path).json() == before


@pytest.mark.parametrize("kind", ["tech", "client"])
def test_non_admins_are_403(server, kind):
    user = as_demo(server, ACME, kind)
    path = f"/api/companies/{ACME}/rate-limit"
    assert_error(user.get(path), 403)
    assert_error(user.put(path, json={"requests_per_minute": 5}), 403)


def test_other_company_is_404(server):
    ts_admin = as_demo(server, TECHSTART, "company")
    path = f"/api/companies/{ACME}/rate-limit"
    assert_error(ts_admin.get(path), 404)
    assert_error(ts_admin.put(path, json={"requests_per_minute": 5}), (403, 404))
    assert_error(server.admin().put("/api/companies/comp-nope/rate-limit", json={"requests_per_minute": 5}), 404)


def test_no_token_is_401(server):
    path = server.url(f"/api/companies/{ACME}/rate-limit")
    assert_error(requests.get(path, timeout=30), 401)
    assert_error(requests.put(path, json={"requests_per_minute": 5}, timeout=30), 401)


def test_concurrent_senders_get_exactly_the_burst(server):
    cid, key = new_company(server)
    _set(server, cid, requests_per_minute=60, burst_size=10)
    start = time.monotonic()
    responses = run_parallel(server, key, [new_alert() for _ in range(40)], threads=16)
    elapsed = time.monotonic() - start
    codes = [r.status_code for r in responses]
    assert set(codes) <= {202, 429}, codes
    passed = codes.count(202)
    # 10 from the bucket plus at most one a second refilled meanwhile.
    assert 10 <= passed <= 10 + int(elapsed) + 1, (passed, elapsed)
    assert len(alerts_of(server, cid)) == passed


def test_badly_signed_requests_use_no_tokens(server):
    cid, key = new_company(server)
    secret = server.admin().post(f"/api/companies/{cid}/webhook-security/enable").json()["hmac_secret"]
    _set(server, cid, requests_per_minute=1, burst_size=2)
    for _ in range(5):
        assert_error(server.send_alert(key), 401, "missing_signature")
    assert signed_post(server, key, secret).status_code == 202
    assert signed_post(server, key, secret).status_code == 202
    assert_error(signed_post(server, key, secret), 429)


def test_unknown_api_key_uses_no_tokens(server):
    cid, key = new_company(server)
    _set(server, cid, requests_per_minute=1, burst_size=1)
    for _ in range(5):
        assert_error(server.send_alert(key[:-2] + "zz"), 401)
    send(server, key)
