"""Deactivating users: MSP admins switch `active`; a deactivated user's tokens stop at once and
sign-in answers account_disabled, but only to someone who knows the password."""

import uuid

import requests

from aw_harness import assert_error, demo_user


def _deactivate(server, user_id, active=False, headers=None):
    return server.admin().put(f"/api/users/{user_id}", json={"active": active}, headers=headers)


def test_new_and_existing_users_show_active_true(server):
    user, _, _ = server.create_user()
    assert user["active"] is True
    users = server.admin().get("/api/users", params={"limit": 500}).json()
    assert users and all(u["active"] is True for u in users), users


def test_deactivation_stops_tokens_and_login_until_reactivated(server):
    user, email, password = server.create_user()
    login = server.login_response(email, password)
    assert login.status_code == 200, login.text
    access, refresh = login.json()["access_token"], login.json()["refresh_token"]
    me = server.session(access)
    assert me.get("/api/auth/me").status_code == 200

    agent = f"deactivation-test/{uuid.uuid4().hex[:8]}"
    r = _deactivate(server, user["id"], headers={"User-Agent": agent})
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False
    assert server.admin().get(f"/api/users/{user['id']}").json()["active"] is False

    # Every token the user held stops at once.
    assert_error(me.get("/api/auth/me"), 401)
    r = requests.post(server.url("/api/auth/refresh"), json={"refresh_token": refresh}, timeout=30)
    assert_error(r, 401)

    # The right password learns the account is disabled; a wrong one learns nothing more.
    r = server.login_response(email, password)
    assert_error(r, 401, "account_disabled")
    assert "deactivated" in r.json()["detail"]
    assert_error(server.login_response(email, "Wr0ngPassword!"), 401, "invalid_credentials")

    # The change is audited like any other user update.
    entries = server.admin().get("/api/audit-logs", params={"limit": 200}).json()
    mine = [e for e in entries if e.get("user_agent") == agent]
    assert len(mine) == 1, mine
    assert mine[0]["action"] == "user_updated"
    assert mine[0]["resource_id"] == user["id"]

    r = _deactivate(server, user["id"], active=True)
    assert r.status_code == 200, r.text
    assert r.json()["active"] is True
    again = server.login_response(email, password)
    assert again.status_code == 200, again.text
    assert again.json()["user"]["active"] is True
    assert server.session(again.json()["access_token"]).get("/api/auth/me").status_code == 200


def test_deactivating_twice_and_other_fields_together(server):
    user, email, password = server.create_user()
    assert _deactivate(server, user["id"]).status_code == 200
    r = server.admin().put(f"/api/users/{user['id']}", json={"active": False, "name": "Gone Away"})
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False and r.json()["name"] == "Gone Away"
    assert_error(server.login_response(email, password), 401, "account_disabled")


def test_active_must_be_a_boolean(server):
    user, _, _ = server.create_user()
    for bad in ("false", 0, []):
        assert_error(server.admin().put(f"/api/users/{user['id']}", json={"active": bad}), 422,
                     mentions="active")
    assert_error(server.admin().put(f"/api/users/{user['id']}", json={"actve": False}), 422,
                 mentions="actve")


def test_admin_cannot_deactivate_themself(server):
    me = server.admin().get("/api/auth/me").json()
    r = _deactivate(server, me["id"])
    assert_error(r, 409, "cannot_deactivate_self")
    assert "own account" in r.json()["detail"]
    assert server.admin().get("/api/auth/me").json()["active"] is True


def test_company_admin_and_technician_cannot_deactivate(server):
    user, email, password = server.create_user()
    for kind in ("company", "tech"):
        s = server.as_user(*demo_user("comp-acme", kind))
        assert_error(s.put(f"/api/users/{user['id']}", json={"active": False}), 403)
    assert server.login_response(email, password).status_code == 200


def test_deactivating_an_unknown_user_is_404(server):
    assert_error(_deactivate(server, str(uuid.uuid4())), 404)
