"""Assets of a company: list, create, update, delete, auto-registration, access."""

from urllib.parse import quote

import pytest
import requests

from aw_harness import assert_error
from helpers3 import ACME, TECHSTART, as_demo, new_company, page_all, send, unique


@pytest.fixture
def company(server):
    return new_company(server)


def _assets(session, company_id, limit=500):
    items, _ = page_all(session, f"/api/companies/{company_id}/assets", limit=limit)
    return {a["id"]: a for a in items}


def test_demo_assets_are_listed(server):
    assets = _assets(as_demo(server, ACME, "tech"), ACME)
    for name in ("prod-server-01", "db-primary", "app-server-02"):
        assert name in assets, sorted(assets)
        assert assets[name]["name"] == name
    assert assets["prod-server-01"]["is_critical"] is True
    assert assets["app-server-02"]["is_critical"] is False


def test_unknown_asset_from_webhook_registers_itself(server, company):
    cid, key = company
    name = unique("auto")
    body = send(server, key, asset_name=name)
    assets = _assets(server.admin(), cid)
    assert name in assets, sorted(assets)
    a = assets[name]
    assert a["auto_registered"] is True
    assert a["name"] == name and a["company_id"] == cid
    assert a["is_critical"] is False
    # Once, however many alerts name it.
    send(server, key, asset_name=name)
    assert len([n for n in _assets(server.admin(), cid) if n == name]) == 1
    # The incident names the asset.
    inc = server.admin().get(f"/api/incidents/{body['incident_id']}").json()
    assert inc["asset_id"] == name


def test_create_asset(server, company):
    cid, _ = company
    name = unique("db")
    r = server.admin().post(f"/api/companies/{cid}/assets",
                            json={"name": name, "type": "database", "os": "Debian 12",
                                  "is_critical": True, "tags": ["prod", "eu"]})
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["id"] == name and a["name"] == name
    assert a["type"] == "database" and a["os"] == "Debian 12"
    assert a["is_critical"] is True and a["tags"] == ["prod", "eu"]
    assert _assets(server.admin(), cid)[name]["type"] == "database"


def test_company_admin_manages_own_assets(server):
    admin = as_demo(server, ACME, "company")
    name = unique("ca")
    r = admin.post(f"/api/companies/{ACME}/assets", json={"name": name})
    assert r.status_code == 201, r.text
    r = admin.put(f"/api/companies/{ACME}/assets/{name}", json={"os": "FreeBSD"})
    assert r.status_code == 200 and r.json()["os"] == "FreeBSD", r.text
    assert admin.delete(f"/api/companies/{ACME}/assets/{name}").status_code == 204


def test_duplicate_name_is_409(server, company):
    cid, key = company
    name = unique("dup")
    assert server.admin().post(f"/api/companies/{cid}/assets", json={"name": name}).status_code == 201
    assert_error(server.admin().post(f"/api/companies/{cid}/assets", json={"name": name}), 409)
    # An auto-registered name is taken too.
    auto = unique("auto")
    send(server, key, asset_name=auto)
    assert_error(server.admin().post(f"/api/companies/{cid}/assets", json={"name": auto}), 409)


def test_same_name_in_two_companies_is_fine(server, company):
    cid, _ = company
    other, _ = new_company(server)
    name = unique("same")
    for c in (cid, other):
        assert server.admin().post(f"/api/companies/{c}/assets", json={"name": name}).status_code == 201


@pytest.mark.parametrize("body,field", [
    ({}, "name"), ({"name": ""}, "name"), ({"name": 5}, "name"), ({"name": "x" * 300}, "name"),
    ({"name": "ok", "is_critical": "yes"}, "is_critical"), ({"name": "ok", "tags": "prod"}, "tags"),
    ({"name": "ok", "tags": [1]}, "tags"), ({"name": "ok", "type": 3}, "type"),
])
def test_create_validation(server, company, body, field):
    cid, _ = company
    r = server.admin().post(f"/api/companies/{cid}/assets", json=body)
    assert_error(r, 422, mentions=field)
    assert "ok" not in _assets(server.admin(), cid)


def test_update_asset(server, company):
    cid, key = company
    name = unique("up")
    send(server, key, asset_name=name)
    r = server.admin().put(f"/api/companies/{cid}/assets/{name}",
                           json={"is_critical": True, "type": "router", "tags": ["core"]})
    assert r.status_code == 200, r.text
    a = r.json()
    assert a["is_critical"] is True and a["type"] == "router" and a["tags"] == ["core"]
    assert a["auto_registered"] is False  # an admin has looked at it now
    assert _assets(server.admin(), cid)[name]["is_critical"] is True


def test_update_validation_and_unknown(server, company):
    cid, _ = company
    name = unique("uv")
    assert server.admin().post(f"/api/companies/{cid}/assets", json={"name": name}).status_code == 201
    assert_error(server.admin().put(f"/api/companies/{cid}/assets/{name}", json={"name": "renamed"}),
                 422, mentions="name")
    assert_error(server.admin().put(f"/api/companies/{cid}/assets/{name}", json={"is_critical": 1}),
                 422, mentions="is_critical")
    assert_error(server.admin().put(f"/api/companies/{cid}/assets/nope-{name}", json={"os": "x"}), 404)


@pytest.mark.parametrize("name", ["web 01", "a/b", "x#y", "q?z", "ünïcode"])
def test_asset_names_with_special_characters(server, company, name):
    cid, key = company
    path = f"/api/companies/{cid}/assets/{quote(name, safe='')}"
    send(server, key, asset_name=name)
    assert _assets(server.admin(), cid)[name]["auto_registered"] is True
    r = server.admin().put(path, json={"is_critical": True})
    assert r.status_code == 200 and r.json()["id"] == name, r.text
    assert server.admin().delete(path).status_code == 204
    assert name not in _assets(server.admin(), cid)


def test_deleted_asset_registers_again_from_a_webhook(server, company):
    cid, key = company
    name = unique("again")
    send(server, key, asset_name=name)
    assert server.admin().delete(f"/api/companies/{cid}/assets/{name}").status_code == 204
    send(server, key, asset_name=name)
    assert _assets(server.admin(), cid)[name]["auto_registered"] is True


def test_delete_asset(server, company):
    cid, _ = company
    name = unique("del")
    assert server.admin().post(f"/api/companies/{cid}/assets", json={"name": name}).status_code == 201
    r = server.admin().delete(f"/api/companies/{cid}/assets/{name}")
    assert r.status_code == 204, r.text
    assert name not in _assets(server.admin(), cid)
    assert_error(server.admin().delete(f"/api/companies/{cid}/assets/{name}"), 404)


def test_list_pages(server, company):
    cid, _ = company
    names = {unique("pg") for _ in range(5)}
    for n in names:
        assert server.admin().post(f"/api/companies/{cid}/assets", json={"name": n}).status_code == 201
    items, pages = page_all(server.admin(), f"/api/companies/{cid}/assets", limit=2)
    assert sorted(a["id"] for a in items) == sorted(names)
    assert pages == 3


@pytest.mark.parametrize("kind", ["tech", "client"])
def test_non_admins_cannot_change_assets(server, kind):
    user = as_demo(server, ACME, kind)
    assert user.get(f"/api/companies/{ACME}/assets").status_code == 200
    assert_error(user.post(f"/api/companies/{ACME}/assets", json={"name": unique("no")}), 403)
    assert_error(user.put(f"/api/companies/{ACME}/assets/prod-server-01", json={"is_critical": False}), 403)
    assert_error(user.delete(f"/api/companies/{ACME}/assets/prod-server-01"), 403)
    assert _assets(server.admin(), ACME)["prod-server-01"]["is_critical"] is True


def test_other_company_is_404(server):
    ts_admin = as_demo(server, TECHSTART, "company")
    base = f"/api/companies/{ACME}/assets"
    assert_error(ts_admin.get(base), 404)
    assert_error(ts_admin.post(base, json={"name": unique("x")}), 404)
    assert_error(ts_admin.put(f"{base}/prod-server-01", json={"is_critical": False}), 404)
    assert_error(ts_admin.delete(f"{base}/prod-server-01"), 404)
    assert _assets(server.admin(), ACME)["prod-server-01"]["is_critical"] is True
    # Their own list holds only their assets.
    own = _assets(ts_admin, TECHSTART)
    assert all(a["company_id"] == TECHSTART for a in own.values() if "company_id" in a)


def test_no_token_is_401(server):
    base = server.url(f"/api/companies/{ACME}/assets")
    assert_error(requests.get(base, timeout=30), 401)
    assert_error(requests.post(base, json={"name": "x"}, timeout=30), 401)
    assert_error(requests.put(base + "/prod-server-01", json={"os": "x"}, timeout=30), 401)
    assert_error(requests.delete(base + "/prod-server-01", timeout=30), 401)
