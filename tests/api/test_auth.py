"""Login, lockout, refresh-token rotation, logout-all and JWT tampering."""

import json
import time
import uuid

import pytest
import requests

import jwt_forge
from aw_harness import ADMIN_EMAIL, ADMIN_PASSWORD, AwServer, assert_error, assert_no_secrets


def _refresh(server, refresh_token):
    return requests.post(server.url("/api/auth/refresh"),
                         json={"refresh_token": refresh_token}, timeout=30)


def _profile(server, token):
    return requests.get(server.url("/api/profile"),
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _assert_token_response(body, email):
    assert isinstance(body.get("access_token"), str) and body["access_token"]
    assert isinstance(body.get("refresh_token"), str) and body["refresh_token"]
    assert body.get("token_type") == "bearer"
    assert isinstance(body.get("expires_in"), int) and body["expires_in"] > 0
    user = body["user"]
    for key in ("id", "email", "name", "role", "company_ids"):
        assert key in user, f"user lacks {key}: {user}"
    assert user["email"] == email
    assert isinstance(user["company_ids"], list)
    assert_no_secrets(body)


# -- login ---------------------------------------------------------------------

def test_login_returns_tokens_and_user(server):
    r = server.login_response(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert r.status_code == 200, r.text
    assert r.headers.get("X-Request-ID")
    _assert_token_response(r.json(), ADMIN_EMAIL)
    assert r.json()["user"]["role"] == "msp_admin"


@pytest.mark.parametrize("email,password,role,company", [
    ("company@acme.com", "company123", "company_admin", "comp-acme"),
    ("tech@techstart.com", "tech123", "technician", "comp-techstart"),
    ("client@global.com", "client123", "client", "comp-global"),
])
def test_demo_users_log_in_with_their_role(server, email, password, role, company):
    r = server.login_response(email, password)
    assert r.status_code == 200, r.text
    user = r.json()["user"]
    assert user["role"] == role
    assert user["company_ids"] == [company]


def test_wrong_password_and_unknown_email_look_the_same(server):
    wrong = server.login_response("tech@acme.com", "not-the-password")
    unknown = server.login_response(f"nobody-{uuid.uuid4().hex[:6]}@acme.com", "whatever1")
    b1 = assert_error(wrong, 401, "invalid_credentials")
    b2 = assert_error(unknown, 401, "invalid_credentials")
    assert b1["detail"] == b2["detail"]


@pytest.mark.parametrize("body,field", [
    ({"email": "tech@acme.com"}, "password"),
    ({"password": "tech123"}, "email"),
    ({"email": "tech@acme.com", "password": 12345678}, "password"),
])
def test_login_missing_or_bad_field_is_422_naming_it(server, body, field):
    r = requests.post(server.url("/api/auth/login"), json=body, timeout=30)
    assert_error(r, 422, mentions=field)


def test_login_malformed_json_is_400(server):
    r = requests.post(server.url("/api/auth/login"), data=b'{"email": "a@b.c", "password": ',
                      headers={"Content-Type": "application/json"}, timeout=30)
    assert_error(r, 400, "invalid_json")


def test_lockout_after_five_failures_even_with_right_password(server):
    _, email, password = server.create_user()
    for i in range(5):
        r = server.login_response(email, "wrong-password")
        assert_error(r, 401, "invalid_credentials")
    for pw in (password, "wrong-password"):
        r = server.login_response(email, pw)
        assert_error(r, 429, "too_many_attempts")
        retry_after = r.headers.get("Retry-After")
        assert retry_after is not None and retry_after.isdigit(), r.headers
        assert 0 < int(retry_after) <= 15 * 60
    # The lock is per account: others still log in.
    assert server.login_response(ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 200


def test_unknown_email_is_locked_out_like_a_known_one(server):
    """Issue 16 defect 2: the lockout must not reveal which accounts exist."""
    _, known, _ = server.create_user()
    unknown = f"ghost-{uuid.uuid4().hex[:8]}@global.com"
    answers = {}
    for email in (known, unknown):
        for _ in range(5):
            assert_error(server.login_response(email, "wrong-password"), 401, "invalid_credentials")
        answers[email] = server.login_response(email, "wrong-password")
    b_known = assert_error(answers[known], 429, "too_many_attempts")
    b_unknown = assert_error(answers[unknown], 429, "too_many_attempts")
    assert b_known["detail"] == b_unknown["detail"]
    ra_known = int(answers[known].headers["Retry-After"])
    ra_unknown = int(answers[unknown].headers["Retry-After"])
    assert abs(ra_known - ra_unknown) <= 2, (ra_known, ra_unknown)
    assert 15 * 60 - 30 <= ra_unknown <= 15 * 60


def test_lockout_key_is_the_normalised_email(server):
    unknown = f"Ghost-{uuid.uuid4().hex[:8]}@Global.com"
    for i in range(5):
        email = unknown.upper() if i % 2 else unknown.lower()
        assert_error(server.login_response(email, "wrong-password"), 401, "invalid_credentials")
    assert_error(server.login_response(unknown, "wrong-password"), 429, "too_many_attempts")


def test_four_failures_do_not_lock(server):
    _, email, password = server.create_user()
    for _ in range(4):
        assert server.login_response(email, "wrong-password").status_code == 401
    assert server.login_response(email, password).status_code == 200


# -- refresh tokens --------------------------------------------------------------

def test_refresh_rotates_and_returns_same_shape(server):
    _, email, password = server.create_user()
    first = server.login_response(email, password).json()
    r = _refresh(server, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    _assert_token_response(second, email)
    assert second["refresh_token"] != first["refresh_token"]
    assert _profile(server, second["access_token"]).status_code == 200
    # The chain keeps working with the newest token.
    r = _refresh(server, second["refresh_token"])
    assert r.status_code == 200, r.text
    assert r.json()["refresh_token"] not in (first["refresh_token"], second["refresh_token"])


def test_rotated_refresh_token_is_rejected_and_revokes_family(server):
    _, email, password = server.create_user()
    other_family = server.login_response(email, password).json()["refresh_token"]
    r1 = server.login_response(email, password).json()["refresh_token"]
    r2 = _refresh(server, r1).json()["refresh_token"]
    assert_error(_refresh(server, r1), 401)          # reuse of a rotated token
    assert_error(_refresh(server, r2), 401)          # ... revoked the newest one too
    # Another login's family is not affected.
    assert _refresh(server, other_family).status_code == 200


@pytest.mark.parametrize("body,status", [
    ({"refresh_token": "garbage"}, 401),
    ({"refresh_token": ""}, (401, 422)),
    ({}, 422),
])
def test_refresh_bad_input(server, body, status):
    r = requests.post(server.url("/api/auth/refresh"), json=body, timeout=30)
    assert_error(r, status)


def test_access_and_refresh_tokens_are_not_interchangeable(server):
    _, email, password = server.create_user()
    body = server.login_response(email, password).json()
    assert_error(_refresh(server, body["access_token"]), (401, 422))
    assert_error(_profile(server, body["refresh_token"]), 401)


# -- logout-all ------------------------------------------------------------------

def test_logout_all_revokes_every_token_of_the_user(server):
    _, email, password = server.create_user()
    a = server.login_response(email, password).json()
    b = server.login_response(email, password).json()
    bystander = server.login(ADMIN_EMAIL, ADMIN_PASSWORD)

    r = requests.post(server.url("/api/auth/logout-all"),
                      headers={"Authorization": f"Bearer {a['access_token']}"}, timeout=30)
    assert r.status_code == 200, r.text

    for tokens in (a, b):
        assert_error(_profile(server, tokens["access_token"]), 401)
        assert_error(_refresh(server, tokens["refresh_token"]), 401)
    # Other users keep their sessions; the user can log in again right away.
    assert _profile(server, bystander).status_code == 200
    again = server.login_response(email, password)
    assert again.status_code == 200, again.text
    assert _profile(server, again.json()["access_token"]).status_code == 200
    assert _refresh(server, again.json()["refresh_token"]).status_code == 200


def test_logout_all_needs_a_token(server):
    r = requests.post(server.url("/api/auth/logout-all"), timeout=30)
    assert_error(r, 401)


# -- JWT tampering (unknown server secret) -----------------------------------------

WRONG_KEY = b"definitely-not-the-server-secret-0123456789"


@pytest.fixture(scope="module")
def real_token(server):
    return server.login("tech@acme.com", "tech123")


def test_real_token_works(server, real_token):
    assert _profile(server, real_token).status_code == 200


def test_alg_none_is_rejected(server, real_token):
    _, payload = jwt_forge.split(real_token)
    assert_error(_profile(server, jwt_forge.alg_none(payload)), 401)
    # The exact payload segment of the real token, with and without its signature.
    none_header = jwt_forge.alg_none(payload).split(".")[0]
    _, real_payload, real_sig = real_token.split(".")
    assert_error(_profile(server, f"{none_header}.{real_payload}."), 401)
    assert_error(_profile(server, f"{none_header}.{real_payload}.{real_sig}"), 401)


def test_hs512_is_rejected(server, real_token):
    _, payload = jwt_forge.split(real_token)
    assert_error(_profile(server, jwt_forge.hs512(payload, WRONG_KEY)), 401)


def test_bad_signature_is_rejected(server, real_token):
    _, payload = jwt_forge.split(real_token)
    assert_error(_profile(server, jwt_forge.hs256(payload, WRONG_KEY)), 401)
    h, p, s = real_token.split(".")
    flipped = s[:-2] + ("A" if s[-2] != "A" else "B") + s[-1]
    assert_error(_profile(server, f"{h}.{p}.{flipped}"), 401)


def test_tampered_payload_is_rejected(server, real_token):
    header, payload = jwt_forge.split(real_token)
    payload = dict(payload, role="msp_admin")
    h, _, s = real_token.split(".")
    p = jwt_forge.b64url(json.dumps(payload).encode())
    assert_error(_profile(server, f"{h}.{p}.{s}"), 401)


def test_expired_is_rejected(server, real_token):
    _, payload = jwt_forge.split(real_token)
    now = int(time.time())
    payload = dict(payload, iat=now - 7200, exp=now - 3600)
    assert_error(_profile(server, jwt_forge.hs256(payload, WRONG_KEY)), 401)


@pytest.mark.parametrize("auth", [
    "Bearer", "Bearer ", "Bearer abc", "Bearer a.b.c", "Basic YWRtaW46YWRtaW4xMjM=",
    "bearer-not-a-scheme xyz",
])
def test_malformed_authorization_is_401(server, auth):
    r = requests.get(server.url("/api/profile"), headers={"Authorization": auth}, timeout=30)
    assert_error(r, 401)


# -- JWT tampering with a known secret: properly signed but still invalid -------------

KNOWN_SECRET = "pytest-known-jwt-secret-" + "k" * 40


@pytest.fixture(scope="module")
def known_secret_server(tmp_path_factory):
    srv = AwServer(tmp_path_factory.mktemp("aw-known-secret"),
                   env={"JWT_SECRET": KNOWN_SECRET}).start()
    yield srv
    srv.stop_and_check()


def test_known_secret_control_resigned_token_is_accepted(known_secret_server):
    token = known_secret_server.login("tech@acme.com", "tech123")
    header, payload = jwt_forge.split(token)
    assert header.get("alg") == "HS256", header
    resigned = jwt_forge.hs256(payload, KNOWN_SECRET.encode(), header=header)
    assert _profile(known_secret_server, resigned).status_code == 200


def test_known_secret_expired_token_is_rejected(known_secret_server):
    token = known_secret_server.login("tech@acme.com", "tech123")
    header, payload = jwt_forge.split(token)
    now = int(time.time())
    expired = jwt_forge.hs256(dict(payload, iat=now - 7200, exp=now - 3600),
                              KNOWN_SECRET.encode(), header=header)
    assert_error(_profile(known_secret_server, expired), 401)


def test_known_secret_hs512_with_right_key_is_rejected(known_secret_server):
    token = known_secret_server.login("tech@acme.com", "tech123")
    _, payload = jwt_forge.split(token)
    assert_error(_profile(known_secret_server,
                          jwt_forge.hs512(payload, KNOWN_SECRET.encode())), 401)


def test_known_secret_token_without_exp_is_rejected(known_secret_server):
    token = known_secret_server.login("tech@acme.com", "tech123")
    header, payload = jwt_forge.split(token)
    payload = {k: v for k, v in payload.items() if k != "exp"}
    assert_error(_profile(known_secret_server,
                          jwt_forge.hs256(payload, KNOWN_SECRET.encode(), header=header)), 401)
