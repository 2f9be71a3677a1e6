"""GET/PUT /api/profile and the password change."""

import pytest

from aw_harness import ADMIN_EMAIL, ADMIN_PASSWORD, assert_error, assert_no_secrets


def test_get_profile_is_the_caller(server):
    r = server.admin().get("/api/profile")
    assert r.status_code == 200, r.text
    user = r.json()
    assert user["email"] == ADMIN_EMAIL
    assert user["role"] == "msp_admin"
    assert_no_secrets(user)


def test_profile_of_a_company_user(server):
    r = server.as_user("tech@acme.com", "tech123").get("/api/profile")
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "tech@acme.com"
    assert r.json()["company_ids"] == ["comp-acme"]


def test_update_name(server):
    user, email, password = server.create_user(name="Before")
    s = server.as_user(email, password)
    r = s.put("/api/profile", json={"name": "After Rename"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "After Rename"
    assert r.json()["id"] == user["id"]
    assert_no_secrets(r.json())
    assert s.get("/api/profile").json()["name"] == "After Rename"


def test_update_profile_cannot_escalate_role_or_companies(server):
    _, email, password = server.create_user(role="technician", company_ids=["comp-acme"])
    s = server.as_user(email, password)
    r = s.put("/api/profile", json={"name": "Sneaky", "role": "msp_admin",
                                    "company_ids": ["comp-acme", "comp-techstart"]})
    assert r.status_code in (200, 403, 422), r.text
    me = s.get("/api/profile").json()
    assert me["role"] == "technician"
    assert me["company_ids"] == ["comp-acme"]


def test_change_password(server):
    _, email, password = server.create_user(password="OldPassw0rd")
    s = server.as_user(email, password)
    r = s.put("/api/profile/password",
              json={"current_password": password, "new_password": "NewPassw0rd!"})
    assert r.status_code == 200, r.text
    assert_error(server.login_response(email, password), 401, "invalid_credentials")
    assert server.login_response(email, "NewPassw0rd!").status_code == 200


def test_change_password_wrong_current(server):
    _, email, password = server.create_user()
    s = server.as_user(email, password)
    r = s.put("/api/profile/password",
              json={"current_password": "not-it-at-all", "new_password": "NewPassw0rd!"})
    assert_error(r, 400, "invalid_current_password")
    assert server.login_response(email, password).status_code == 200


@pytest.mark.parametrize("new_password", ["short", "1234567", ""])
def test_change_password_too_short(server, new_password):
    _, email, password = server.create_user()
    s = server.as_user(email, password)
    r = s.put("/api/profile/password",
              json={"current_password": password, "new_password": new_password})
    assert_error(r, 422, mentions="new_password")
    assert server.login_response(email, password).status_code == 200


def test_change_password_missing_field(server):
    _, email, password = server.create_user()
    r = server.as_user(email, password).put("/api/profile/password",
                                            json={"new_password": "NewPassw0rd!"})
    assert_error(r, 422, mentions="current_password")


def test_admin_password_unchanged_by_other_tests(server):
    assert server.login_response(ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 200
