"""Chat per company: paging newest first, the sender taken from the token, validation, read
markers, and tenant isolation (clients may chat in their own company)."""

import uuid

import pytest

from aw_harness import assert_error, demo_user

ACME = "comp-acme"
TECHSTART = "comp-techstart"


def session_of(server, company_id, kind):
    return server.as_user(*demo_user(company_id, kind))


def post(session, company_id, message, **extra):
    return session.post(f"/api/chat/{company_id}", json={"message": message, **extra})


@pytest.fixture
def company(server):
    """A fresh company (so paging counts start at zero) with a technician."""
    c = server.create_company()
    user, email, password = server.create_user(role="technician", company_ids=(c["id"],))
    return c["id"], server.as_user(email, password), user


def test_sender_comes_from_the_token_not_the_body(server, company):
    cid, tech, user = company
    r = post(tech, cid, "disk is filling up", sender_id="someone-else", sender_name="Mallory",
             sender_role="msp_admin")
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["sender_id"] == user["id"]
    assert m["sender_name"] == user["name"]
    assert m["sender_role"] == "technician"
    assert m["company_id"] == cid and m["message"] == "disk is filling up"
    assert m["timestamp"].endswith("#" + m["id"]), "sort key is <timestamp>#<id>"


def test_list_is_newest_first_and_pages(server, company):
    cid, tech, _ = company
    sent = [post(tech, cid, f"message {i}").json()["id"] for i in range(5)]
    r = tech.get(f"/api/chat/{cid}", params={"limit": 2})
    assert r.status_code == 200, r.text
    page1 = r.json()
    assert [m["id"] for m in page1] == sent[::-1][:2]
    seen = [m["id"] for m in page1]
    cursor = r.headers.get("X-Next-Cursor")
    while cursor:
        r = tech.get(f"/api/chat/{cid}", params={"limit": 2, "cursor": cursor})
        assert r.status_code == 200, r.text
        seen += [m["id"] for m in r.json()]
        cursor = r.headers.get("X-Next-Cursor")
    assert seen == sent[::-1]
    assert_error(tech.get(f"/api/chat/{cid}", params={"cursor": "bogus"}), 422, mentions="cursor")


def test_validation(server, company):
    cid, tech, _ = company
    assert_error(post(tech, cid, ""), 422, mentions="message")
    assert_error(post(tech, cid, "   \n "), 422, mentions="message")
    assert_error(post(tech, cid, "x" * 4001), 422, mentions="message")
    assert_error(tech.post(f"/api/chat/{cid}", json={"text": "hi"}), 422, mentions="message")
    assert_error(tech.post(f"/api/chat/{cid}", json={"message": 5}), 422, mentions="message")
    assert post(tech, cid, "x" * 4000).status_code == 201
    assert post(tech, cid, "é" * 4000).status_code == 201, "4,000 characters, not bytes"


def test_tenant_isolation_and_clients(server):
    acme_client = session_of(server, ACME, "client")
    ts_tech = session_of(server, TECHSTART, "tech")
    text = f"client question {uuid.uuid4().hex}"
    r = post(acme_client, ACME, text)
    assert r.status_code == 201, r.text
    assert r.json()["sender_role"] == "client"
    assert_error(ts_tech.get(f"/api/chat/{ACME}"), 404)
    assert_error(post(ts_tech, ACME, "let me in"), 404)
    assert_error(ts_tech.put(f"/api/chat/{ACME}/mark-read"), 404)
    assert_error(server.admin().get("/api/chat/no-such-company"), 404)
    assert_error(server.session().get(f"/api/chat/{ACME}"), 401)
    acme_tech = session_of(server, ACME, "tech")
    assert text in [m["message"] for m in acme_tech.get(f"/api/chat/{ACME}").json()]
    assert text not in [m["message"] for m in ts_tech.get(f"/api/chat/{TECHSTART}").json()]


def test_mark_read(server, company):
    cid, tech, _ = company
    other, email, password = server.create_user(role="company_admin", company_ids=(cid,))
    admin_session = server.as_user(email, password)
    post(tech, cid, "first")
    listed = admin_session.get(f"/api/chat/{cid}").json()
    assert [m["read"] for m in listed] == [False]
    assert tech.get(f"/api/chat/{cid}").json()[0]["read"] is True  # one's own message
    r = admin_session.put(f"/api/chat/{cid}/mark-read")
    assert r.status_code == 200, r.text
    assert r.json()["user_id"] == other["id"]
    assert [m["read"] for m in admin_session.get(f"/api/chat/{cid}").json()] == [True]
    post(tech, cid, "second")
    assert [m["read"] for m in admin_session.get(f"/api/chat/{cid}").json()] == [False, True]


def test_posting_is_audited(server, company):
    cid, tech, _ = company
    m = post(tech, cid, "audit me").json()
    r = server.admin().get("/api/audit-logs", params={"company_id": cid})
    assert r.status_code == 200, r.text
    assert any(e.get("resource_id") == m["id"] and e.get("outcome") == "success" for e in r.json()), r.json()[:3]
