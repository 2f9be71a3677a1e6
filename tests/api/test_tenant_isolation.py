"""Tenant isolation and authentication on every non-public route."""

import uuid

import pytest
import requests

from aw_harness import assert_error, demo_user


@pytest.fixture(scope="module")
def acme_admin(server):
    return server.as_user(*demo_user("comp-acme", "company"))


@pytest.fixture(scope="module")
def techstart_user(server):
    users = server.admin().get("/api/users", params={"limit": 500}).json()
    return next(u for u in users if u["email"] == "tech@techstart.com")


def test_acme_admin_cannot_read_techstart_company(acme_admin):
    body = assert_error(acme_admin.get("/api/companies/comp-techstart"), (403, 404))
    assert "api_key" not in body
    ids = [c["id"] for c in acme_admin.get("/api/companies").json()]
    assert "comp-techstart" not in ids


def test_acme_admin_cannot_read_techstart_alerts(server, acme_admin):
    r = server.send_alert(server.api_key_for("comp-techstart"))
    assert r.status_code == 202
    assert_error(acme_admin.get("/api/alerts", params={"company_id": "comp-techstart"}),
                 (403, 404))


@pytest.mark.parametrize("kind", ["tech", "client"])
def test_other_roles_cannot_read_techstart_alerts(server, kind):
    s = server.as_user(*demo_user("comp-acme", kind))
    assert_error(s.get("/api/alerts", params={"company_id": "comp-techstart"}), (403, 404))


def test_acme_admin_cannot_see_or_touch_techstart_users(server, acme_admin, techstart_user):
    r = acme_admin.get("/api/users", params={"limit": 500})
    if r.status_code == 200:
        assert techstart_user["id"] not in [u["id"] for u in r.json()]
    else:
        assert_error(r, 403)
    assert_error(acme_admin.put(f"/api/users/{techstart_user['id']}", json={"name": "Hacked"}),
                 (403, 404))
    assert_error(acme_admin.delete(f"/api/users/{techstart_user['id']}"), (403, 404))
    me = server.as_user("tech@techstart.com", "tech123").get("/api/profile").json()
    assert me["name"] != "Hacked"


def test_acme_admin_cannot_modify_techstart_company(server, acme_admin):
    assert_error(acme_admin.put("/api/companies/comp-techstart", json={"name": "Pwned"}),
                 (403, 404))
    assert_error(acme_admin.delete("/api/companies/comp-techstart"), (403, 404))
    assert server.admin().get("/api/companies/comp-techstart").json()["name"] == "TechStart"


@pytest.mark.parametrize("where", ["body", "query", "both"])
def test_acme_key_only_writes_into_acme(server, where):
    acme_key = server.api_key_for("comp-acme")
    message = f"isolation probe {uuid.uuid4().hex}"
    body = {"asset_name": "probe", "signature": "probe", "severity": "low", "message": message}
    params = {}
    if where in ("body", "both"):
        body["company_id"] = "comp-techstart"
    if where in ("query", "both"):
        params["company_id"] = "comp-techstart"
    r = requests.post(server.url("/api/webhooks/alerts"), params=params, json=body,
                      headers={"X-API-Key": acme_key}, timeout=30)
    assert r.status_code in (202, 422), r.text
    if r.status_code == 202:
        assert r.json()["company_id"] == "comp-acme"
    admin = server.admin()
    techstart = admin.get("/api/alerts", params={"company_id": "comp-techstart",
                                                 "limit": 500}).json()
    assert message not in [a["message"] for a in techstart]
    for a in admin.get("/api/alerts", params={"limit": 500}).json():
        if a["message"] == message:
            assert a["company_id"] == "comp-acme"


def _cursor_of(session, **params):
    r = session.get("/api/alerts", params=dict(params, limit=1))
    assert r.status_code == 200, r.text
    cursor = r.headers.get("X-Next-Cursor")
    assert cursor, "expected more than one page"
    return cursor


def _assert_only_acme(r):
    if r.status_code == 200:
        foreign = [a for a in r.json() if a["company_id"] != "comp-acme"]
        assert not foreign, f"a replayed cursor leaked other companies' alerts: {foreign[:2]}"
    else:
        assert_error(r, (400, 403, 404, 422))


def test_foreign_cursor_does_not_leak_alerts(server, acme_admin):
    tech_key = server.api_key_for("comp-techstart")
    for _ in range(3):
        assert server.send_alert(tech_key).status_code == 202
    admin = server.admin()
    cursor = _cursor_of(admin, company_id="comp-techstart")
    _assert_only_acme(acme_admin.get("/api/alerts", params={"company_id": "comp-acme",
                                                            "cursor": cursor}))
    _assert_only_acme(acme_admin.get("/api/alerts", params={"cursor": cursor}))
    cursor_all = _cursor_of(admin)
    _assert_only_acme(acme_admin.get("/api/alerts", params={"cursor": cursor_all}))
    _assert_only_acme(acme_admin.get("/api/alerts", params={"company_id": "comp-acme",
                                                            "cursor": cursor_all}))


# Routes named by the contract: every one must be 401 without a token.
PROTECTED_ROUTES = [
    ("GET", "/api/profile"),
    ("PUT", "/api/profile"),
    ("PUT", "/api/profile/password"),
    ("POST", "/api/auth/logout-all"),
    ("GET", "/api/users"),
    ("POST", "/api/users"),
    ("PUT", "/api/users/some-user-id"),
    ("DELETE", "/api/users/some-user-id"),
    ("GET", "/api/companies"),
    ("POST", "/api/companies"),
    ("GET", "/api/companies/comp-acme"),
    ("PUT", "/api/companies/comp-acme"),
    ("DELETE", "/api/companies/comp-acme"),
    ("POST", "/api/companies/comp-acme/regenerate-api-key"),
    ("GET", "/api/alerts"),
    ("GET", "/api/alerts?company_id=comp-acme"),
    ("GET", "/api/companies/comp-does-not-exist"),
]

# Routes from the design that may not exist yet: without a token they must never succeed.
DESIGN_ROUTES = [
    ("GET", "/api/auth/me"),
    ("GET", "/api/companies/comp-acme/assets/some-asset"),
    ("DELETE", "/api/companies/comp-acme/assets/some-asset"),
    ("GET", "/api/incidents"),
    ("PUT", "/api/incidents/some-id"),
    ("GET", "/api/companies/comp-acme/webhook-security"),
    ("GET", "/api/companies/comp-acme/correlation-config"),
    ("GET", "/api/companies/comp-acme/rate-limit"),
    ("GET", "/api/companies/comp-acme/sla-config"),
    ("GET", "/api/audit-logs"),
    ("GET", "/api/notifications"),
    ("GET", "/api/chat/comp-acme"),
    ("GET", "/api/runbooks"),
    ("GET", "/api/approval-requests"),
    ("GET", "/api/on-call-schedules"),
]


@pytest.mark.parametrize("method,path", PROTECTED_ROUTES)
def test_protected_route_without_token_is_401(server, method, path):
    r = requests.request(method, server.url(path), json={"name": "x"}, timeout=30)
    assert_error(r, 401)


@pytest.mark.parametrize("method,path", PROTECTED_ROUTES)
def test_protected_route_with_forged_token_is_401(server, method, path):
    r = requests.request(method, server.url(path), json={"name": "x"}, timeout=30,
                         headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."})
    assert_error(r, 401)


@pytest.mark.parametrize("method,path", DESIGN_ROUTES)
def test_design_route_without_token_is_refused(server, method, path):
    r = requests.request(method, server.url(path), json={}, timeout=30)
    assert_error(r, (401, 404, 405))


def test_public_routes_need_no_token(server):
    assert requests.get(server.url("/api/health"), timeout=30).status_code == 200
    r = requests.post(server.url("/api/auth/login"),
                      json={"email": "tech@acme.com", "password": "tech123"}, timeout=30)
    assert r.status_code == 200
    r = requests.post(server.url("/api/auth/refresh"),
                      json={"refresh_token": r.json()["refresh_token"]}, timeout=30)
    assert r.status_code == 200
