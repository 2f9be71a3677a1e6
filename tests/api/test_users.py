"""User management: MSP admins manage; company admins list their companies' users."""

import threading
import uuid

import pytest
import requests

from aw_harness import assert_error, assert_no_secrets, demo_user


def _find(users, email):
    return [u for u in users if u["email"] == email]


def test_admin_lists_all_demo_users(server):
    r = server.admin().get("/api/users")
    assert r.status_code == 200, r.text
    users = r.json()
    assert isinstance(users, list)
    emails = {u["email"] for u in users}
    for domain in ("acme.com", "techstart.com", "global.com"):
        for local in ("company", "tech", "client"):
            assert f"{local}@{domain}" in emails
    assert "admin@alertwhisperer.com" in emails
    assert_no_secrets(users)


def test_create_user_then_login(server):
    email = f"new-{uuid.uuid4().hex[:8]}@acme.com"
    r = server.admin().post("/api/users", json={
        "email": email, "name": "New Tech", "password": "Secr3tPass", "role": "technician",
        "company_ids": ["comp-acme"]})
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["email"] == email
    assert user["name"] == "New Tech"
    assert user["role"] == "technician"
    assert user["company_ids"] == ["comp-acme"]
    assert user["id"]
    assert_no_secrets(user)
    assert server.login_response(email, "Secr3tPass").status_code == 200
    assert _find(server.admin().get("/api/users", params={"limit": 500}).json(), email)


def test_duplicate_email_case_insensitive_is_409(server):
    _, email, _ = server.create_user()
    r = server.admin().post("/api/users", json={
        "email": email.upper(), "name": "Dup", "password": "Secr3tPass", "role": "technician",
        "company_ids": ["comp-acme"]})
    assert_error(r, 409, "email_taken")


def test_concurrent_creations_of_one_email_give_exactly_one_201(server):
    email = f"race-{uuid.uuid4().hex[:8]}@acme.com"
    token = server.admin_token()
    barrier = threading.Barrier(10)
    results = []
    lock = threading.Lock()

    def create(i):
        body = {"email": email if i % 2 else email.upper(), "name": f"Racer {i}",
                "password": "Secr3tPass", "role": "technician", "company_ids": ["comp-acme"]}
        barrier.wait()
        r = requests.post(server.url("/api/users"), json=body,
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 1, codes
    assert codes.count(409) == 9, codes
    for r in results:
        if r.status_code == 409:
            assert r.json()["code"] == "email_taken"
    users = server.admin().get("/api/users", params={"limit": 500}).json()
    assert len([u for u in users if u["email"].lower() == email]) == 1


@pytest.mark.parametrize("role", ["msp_admin", "admin", "company_admin", "technician", "client"])
def test_every_valid_role_is_accepted(server, role):
    user, _, _ = server.create_user(role=role)
    # "admin" is an alias of "msp_admin"; storing it normalised is fine.
    assert user["role"] == role or (role == "admin" and user["role"] == "msp_admin")


@pytest.mark.parametrize("body,field", [
    ({"role": "superuser"}, "role"),
    ({"role": None}, "role"),
    ({"email": None}, "email"),
    ({"email": "not-an-email"}, "email"),
    ({"password": None}, "password"),
    ({"company_ids": "comp-acme"}, "company_ids"),
])
def test_invalid_user_fields_are_422(server, body, field):
    full = {"email": f"v-{uuid.uuid4().hex[:8]}@acme.com", "name": "V", "password": "Secr3tPass",
            "role": "technician", "company_ids": ["comp-acme"]}
    for k, v in body.items():
        if v is None:
            full.pop(k)
        else:
            full[k] = v
    r = server.admin().post("/api/users", json=full)
    assert_error(r, 422, mentions=field)


def test_update_user(server):
    user, email, password = server.create_user(role="technician")
    r = server.admin().put(f"/api/users/{user['id']}",
                           json={"name": "Renamed", "role": "company_admin"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Renamed"
    assert r.json()["role"] == "company_admin"
    assert_no_secrets(r.json())
    me = server.as_user(email, password).get("/api/profile").json()
    assert me["name"] == "Renamed"
    assert me["role"] == "company_admin"


def test_update_unknown_user_is_404(server):
    r = server.admin().put("/api/users/does-not-exist", json={"name": "X"})
    assert_error(r, 404)


def test_delete_user(server):
    user, email, password = server.create_user()
    token = server.login(email, password)
    r = server.admin().delete(f"/api/users/{user['id']}")
    assert r.status_code == 204, r.text
    assert not r.content
    assert_error(server.login_response(email, password), 401, "invalid_credentials")
    assert not _find(server.admin().get("/api/users", params={"limit": 500}).json(), email)
    # A deleted user's token no longer works.
    r = requests.get(server.url("/api/profile"), headers={"Authorization": f"Bearer {token}"})
    assert_error(r, (401, 404))
    assert_error(server.admin().delete(f"/api/users/{user['id']}"), 404)


@pytest.mark.parametrize("kind", ["company", "tech", "client"])
def test_non_msp_admin_cannot_manage_users(server, kind):
    victim, victim_email, victim_password = server.create_user(company_ids=["comp-acme"])
    s = server.as_user(*demo_user("comp-acme", kind))
    r = s.post("/api/users", json={
        "email": f"x-{uuid.uuid4().hex[:8]}@acme.com", "name": "X", "password": "Secr3tPass",
        "role": "technician", "company_ids": ["comp-acme"]})
    assert_error(r, 403)
    assert_error(s.put(f"/api/users/{victim['id']}", json={"name": "Hacked"}), 403)
    assert_error(s.delete(f"/api/users/{victim['id']}"), 403)
    assert server.login_response(victim_email, victim_password).status_code == 200
    assert server.as_user(victim_email, victim_password).get("/api/profile").json()["name"] \
        == victim["name"]


def test_company_admin_lists_only_own_company_users(server):
    r = server.as_user("company@acme.com", "company123").get("/api/users")
    assert r.status_code == 200, r.text
    users = r.json()
    emails = {u["email"] for u in users}
    assert {"company@acme.com", "tech@acme.com", "client@acme.com"} <= emails
    for u in users:
        assert "comp-acme" in u["company_ids"], f"foreign user listed: {u}"
    assert not any(e.endswith("@techstart.com") or e.endswith("@global.com") for e in emails)
    assert_no_secrets(users)


def test_user_list_paging(server):
    s = server.admin()
    for _ in range(3):
        server.create_user()
    all_users = s.get("/api/users", params={"limit": 500}).json()
    seen = []
    cursor = None
    for _ in range(100):
        params = {"limit": 4}
        if cursor:
            params["cursor"] = cursor
        r = s.get("/api/users", params=params)
        assert r.status_code == 200, r.text
        assert len(r.json()) <= 4
        seen += [u["id"] for u in r.json()]
        cursor = r.headers.get("X-Next-Cursor")
        if not cursor:
            break
    assert len(seen) == len(set(seen)), "duplicate users across pages"
    assert set(seen) == {u["id"] for u in all_users}
