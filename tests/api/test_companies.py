"""Companies: visibility per role, CRUD by MSP admins, API-key regeneration."""

import pytest
import requests

from aw_harness import COMPANIES, assert_error, assert_no_secrets, demo_user, new_alert


def test_admin_sees_all_companies_with_keys(server):
    r = server.admin().get("/api/companies")
    assert r.status_code == 200, r.text
    companies = r.json()
    assert isinstance(companies, list)
    by_id = {c["id"]: c for c in companies}
    for cid, (name, _) in COMPANIES.items():
        assert by_id[cid]["name"] == name
        assert by_id[cid]["api_key"].startswith("aw_")
    keys = [by_id[cid]["api_key"] for cid in COMPANIES]
    assert len(set(keys)) == 3


@pytest.mark.parametrize("kind", ["company", "tech"])
def test_company_staff_see_only_their_company(server, kind):
    r = server.as_user(*demo_user("comp-acme", kind)).get("/api/companies")
    assert r.status_code == 200, r.text
    assert [c["id"] for c in r.json()] == ["comp-acme"]


def test_client_sees_only_own_company_without_api_key(server):
    s = server.as_user(*demo_user("comp-acme", "client"))
    r = s.get("/api/companies")
    assert r.status_code == 200, r.text
    assert [c["id"] for c in r.json()] == ["comp-acme"]
    assert "api_key" not in r.json()[0]
    r = s.get("/api/companies/comp-acme")
    if r.status_code == 200:
        assert "api_key" not in r.json()
    else:
        assert_error(r, (403, 404))


def test_get_company(server):
    r = server.admin().get("/api/companies/comp-techstart")
    assert r.status_code == 200, r.text
    assert r.json()["id"] == "comp-techstart"
    assert r.json()["name"] == "TechStart"


def test_get_unknown_company_is_404(server):
    assert_error(server.admin().get("/api/companies/comp-nope"), 404)


@pytest.mark.parametrize("kind", ["company", "tech", "client"])
def test_other_company_is_hidden(server, kind):
    s = server.as_user(*demo_user("comp-acme", kind))
    r = s.get("/api/companies/comp-techstart")
    body = assert_error(r, (403, 404))
    assert "api_key" not in body


def test_create_update_delete_company(server):
    s = server.admin()
    r = s.post("/api/companies", json={"name": "Initech"})
    assert r.status_code == 201, r.text
    company = r.json()
    assert company["name"] == "Initech"
    assert company["id"]
    assert company["api_key"].startswith("aw_")
    cid = company["id"]
    assert cid in [c["id"] for c in s.get("/api/companies").json()]

    r = s.put(f"/api/companies/{cid}", json={"name": "Initech LLC"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Initech LLC"
    assert s.get(f"/api/companies/{cid}").json()["name"] == "Initech LLC"

    key = company["api_key"]
    assert server.send_alert(key).status_code == 202

    r = s.delete(f"/api/companies/{cid}")
    assert r.status_code == 204, r.text
    assert_error(s.get(f"/api/companies/{cid}"), 404)
    assert cid not in [c["id"] for c in s.get("/api/companies").json()]
    # The deleted company's key no longer opens the webhook.
    assert_error(server.send_alert(key), 401, "invalid_api_key")


@pytest.mark.parametrize("body,field", [({}, "name"), ({"name": 42}, "name")])
def test_create_company_invalid(server, body, field):
    assert_error(server.admin().post("/api/companies", json=body), 422, mentions=field)


@pytest.mark.parametrize("kind", ["company", "tech", "client"])
def test_only_msp_admin_creates_updates_deletes(server, kind):
    s = server.as_user(*demo_user("comp-acme", kind))
    assert_error(s.post("/api/companies", json={"name": "Evil Corp"}), 403)
    assert_error(s.delete("/api/companies/comp-acme"), 403)
    r = s.put("/api/companies/comp-acme", json={"name": "Pwned"})
    if kind == "company" and r.status_code == 200:
        # A company admin may be allowed to rename its own company; restore it.
        server.admin().put("/api/companies/comp-acme", json={"name": "Acme Corp"})
    else:
        assert_error(r, 403)
    assert server.admin().get("/api/companies/comp-acme").status_code == 200
    names = [c["name"] for c in server.admin().get("/api/companies").json()]
    assert "Evil Corp" not in names


def test_regenerate_api_key(server):
    company = server.create_company()
    cid, old_key = company["id"], company["api_key"]
    assert server.send_alert(old_key).status_code == 202

    r = server.admin().post(f"/api/companies/{cid}/regenerate-api-key")
    assert r.status_code == 200, r.text
    new_key = r.json()["api_key"]
    assert new_key.startswith("aw_")
    assert new_key != old_key

    assert_error(server.send_alert(old_key), 401, "invalid_api_key")
    r = requests.post(server.url(f"/api/webhooks/alerts?api_key={old_key}"), json=new_alert())
    assert_error(r, 401, "invalid_api_key")
    r = server.send_alert(new_key)
    assert r.status_code == 202, r.text
    assert r.json()["company_id"] == cid
    assert server.api_key_for(cid) == new_key


def test_regenerate_other_company_key_is_forbidden(server):
    s = server.as_user(*demo_user("comp-acme", "company"))
    before = server.api_key_for("comp-techstart")
    assert_error(s.post("/api/companies/comp-techstart/regenerate-api-key"), (403, 404))
    assert server.api_key_for("comp-techstart") == before


def test_company_responses_have_no_secrets(server):
    assert_no_secrets(server.admin().get("/api/companies").json())
