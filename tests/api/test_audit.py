"""The audit log: what mutating calls and sign-ins write, how it is listed, paged and scoped."""

import re

import pytest
import requests

from aw_harness import ADMIN_EMAIL, assert_error
from helpers3 import ACME, TECHSTART, as_demo, new_company, new_incident, page_all, unique, user_id

SORT_KEY = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#\S+$")
ENTRY_FIELDS = ("user_id", "user_email", "user_role", "company_id", "action", "resource_type",
                "resource_id", "ip", "user_agent", "outcome", "timestamp")


def _entries(session, **params):
    items, _ = page_all(session, "/api/audit-logs", params)
    return items


def _find(entries, **want):
    return [e for e in entries if all(e.get(k) == v for k, v in want.items())]


def _check_entry(e):
    missing = [f for f in ENTRY_FIELDS if f not in e]
    assert not missing, f"audit entry lacks {missing}: {e}"
    assert SORT_KEY.match(e["timestamp"]), e["timestamp"]


def test_incident_update_is_audited(server):
    cid, key = new_company(server)
    inc, _ = new_incident(server, key, asset_name=unique("au"))
    admin = server.admin()
    agent = f"audit-test/{unique('ua')}"
    r = admin.put(f"/api/incidents/{inc['id']}", json={"status": "acknowledged"},
                  headers={"User-Agent": agent})
    assert r.status_code == 200, r.text
    found = _find(_entries(admin, company_id=cid), user_agent=agent)
    assert len(found) == 1, found
    e = found[0]
    _check_entry(e)
    assert e["company_id"] == cid
    assert e["resource_type"] == "incident"
    assert e["resource_id"] == inc["id"]
    assert "incident" in e["action"]
    assert e["outcome"] == "success"
    assert e["user_email"] == ADMIN_EMAIL
    assert e["user_id"] == user_id(server, admin)
    assert e["user_role"] in ("msp_admin", "admin")
    assert e["ip"] == "127.0.0.1"
    # Filter by action.
    by_action = _entries(admin, company_id=cid, action=e["action"])
    assert by_action and all(x["action"] == e["action"] for x in by_action)
    assert e["timestamp"] in {x["timestamp"] for x in by_action}


def test_company_rename_and_key_regeneration_are_audited(server):
    cid, _ = new_company(server)
    admin = server.admin()
    agent = f"audit-test/{unique('ua')}"
    r = admin.put(f"/api/companies/{cid}", json={"name": f"Renamed {unique('c')}"}, headers={"User-Agent": agent})
    assert r.status_code == 200, r.text
    r = admin.post(f"/api/companies/{cid}/regenerate-api-key", headers={"User-Agent": agent})
    assert r.status_code == 200, r.text
    found = _find(_entries(admin, company_id=cid), user_agent=agent)
    assert len(found) == 2, found
    regen, rename = found  # newest first
    for e in found:
        _check_entry(e)
        assert e["company_id"] == cid and e["resource_id"] == cid
        assert e["resource_type"] == "company"
        assert e["outcome"] == "success"
    assert "regenerate" in regen["action"], regen
    assert rename["action"] != regen["action"]
    # The new key is not written into the log.
    new_key = r.json().get("api_key")
    if new_key:
        assert new_key not in str(found)


def test_logins_are_audited(server):
    email, password = "tech@acme.com", "tech123"
    agent = f"audit-test/{unique('ua')}"
    r = requests.post(server.url("/api/auth/login"), json={"email": email, "password": password},
                      headers={"User-Agent": agent}, timeout=30)
    assert r.status_code == 200, r.text
    r = requests.post(server.url("/api/auth/login"), json={"email": email, "password": "wrong-password"},
                      headers={"User-Agent": agent}, timeout=30)
    assert_error(r, 401)
    found = _find(_entries(server.admin()), user_agent=agent)
    assert len(found) == 2, found
    failed, ok = found
    for e in found:
        _check_entry(e)
        assert e["user_email"] == email
        assert e["ip"] == "127.0.0.1"
    assert "fail" in failed["action"], failed
    assert "success" in ok["action"] or ok["action"] == "login", ok
    assert ok["outcome"] == "success"
    assert failed["outcome"] in ("denied", "failure")
    assert ok["user_id"] and ok["user_role"] == "technician"
    assert _find(_entries(server.admin(), action=failed["action"]), user_agent=agent) == [failed]


def test_token_refresh_is_audited_under_the_user_it_names(server):
    email, password = "tech@acme.com", "tech123"
    agent = f"audit-test/{unique('ua')}"
    r = requests.post(server.url("/api/auth/login"), json={"email": email, "password": password}, timeout=30)
    assert r.status_code == 200, r.text
    r = requests.post(server.url("/api/auth/refresh"), json={"refresh_token": r.json()["refresh_token"]},
                      headers={"User-Agent": agent}, timeout=30)
    assert r.status_code == 200, r.text
    found = _find(_entries(server.admin()), user_agent=agent)
    assert len(found) == 1, found
    e = found[0]
    _check_entry(e)
    assert e["action"] == "auth.refresh" and e["outcome"] == "success", e
    # The refresh token, not an access token, names the caller: not "anonymous".
    assert e["user_email"] == email and e["user_role"] == "technician" and e["user_id"], e


def test_denied_call_is_audited(server):
    tech = as_demo(server, ACME, "tech")
    agent = f"audit-test/{unique('ua')}"
    r = tech.put(f"/api/companies/{ACME}", json={"name": "Hijacked"}, headers={"User-Agent": agent})
    assert_error(r, 403)
    found = _find(_entries(server.admin(), company_id=ACME), user_agent=agent)
    assert len(found) == 1, found
    assert found[0]["outcome"] == "denied"
    assert found[0]["user_email"] == "tech@acme.com"
    assert server.admin().get(f"/api/companies/{ACME}").json()["name"] == "Acme Corp"


def test_newest_first_and_paging(server):
    cid, _ = new_company(server)
    admin = server.admin()
    for i in range(5):
        assert admin.put(f"/api/companies/{cid}", json={"name": f"Name {i} {unique('n')}"}).status_code == 200
    full = _entries(admin, company_id=cid)
    keys = [e["timestamp"] for e in full]
    assert keys == sorted(keys, reverse=True), keys
    assert len(set(keys)) == len(keys)
    paged, pages = page_all(admin, "/api/audit-logs", {"company_id": cid}, limit=2)
    assert [e["timestamp"] for e in paged] == keys
    assert pages == (len(keys) + 1) // 2
    r = admin.get("/api/audit-logs", params={"company_id": cid, "limit": 2})
    assert r.headers.get("X-Next-Cursor")
    assert_error(admin.get("/api/audit-logs", params={"company_id": cid, "cursor": "garbage!"}), (400, 422))


def test_summary(server):
    cid, key = new_company(server)
    inc, _ = new_incident(server, key, asset_name=unique("su"))
    admin = server.admin()
    assert admin.put(f"/api/incidents/{inc['id']}", json={"resolution_notes": "x"}).status_code == 200
    assert admin.put(f"/api/incidents/{inc['id']}", json={"resolution_notes": "y"}).status_code == 200
    assert admin.put(f"/api/companies/{cid}", json={"name": unique("Co")}).status_code == 200
    entries = _entries(admin, company_id=cid)
    r = admin.get("/api/audit-logs/summary", params={"company_id": cid})
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["total"] == len(entries)
    counts = {}
    for e in entries:
        counts[e["action"]] = counts.get(e["action"], 0) + 1
    assert s["by_action"] == counts
    assert sum(s["by_outcome"].values()) == len(entries)


@pytest.mark.parametrize("kind", ["tech", "client"])
def test_non_admins_are_403(server, kind):
    user = as_demo(server, ACME, kind)
    assert_error(user.get("/api/audit-logs"), 403)
    assert_error(user.get("/api/audit-logs", params={"company_id": ACME}), 403)
    assert_error(user.get("/api/audit-logs/summary"), 403)


def test_company_admin_sees_only_own_company(server):
    acme_admin = as_demo(server, ACME, "company")
    agent = f"audit-test/{unique('ua')}"
    # Something happens at TechStart and at Acme.
    ts_admin = as_demo(server, TECHSTART, "company")
    assert ts_admin.put(f"/api/companies/{TECHSTART}", json={"name": "TechStart"},
                        headers={"User-Agent": agent}).status_code == 200
    assert acme_admin.put(f"/api/companies/{ACME}", json={"name": "Acme Corp"},
                          headers={"User-Agent": agent}).status_code == 200
    mine = _entries(acme_admin)
    assert mine, "the company admin sees no entries at all"
    assert {e["company_id"] for e in mine} == {ACME}
    assert len(_find(mine, user_agent=agent)) == 1
    assert _find(_entries(acme_admin, company_id=ACME), user_agent=agent)
    assert_error(acme_admin.get("/api/audit-logs", params={"company_id": TECHSTART}), (403, 404))
    assert_error(acme_admin.get("/api/audit-logs", params={"company_id": "_msp"}), (403, 404))
    assert_error(acme_admin.get("/api/audit-logs/summary", params={"company_id": TECHSTART}), (403, 404))
    s = acme_admin.get("/api/audit-logs/summary").json()
    assert s["total"] == len(_entries(acme_admin))
    # The MSP admin sees both.
    both = _find(_entries(server.admin()), user_agent=agent)
    assert {e["company_id"] for e in both} == {ACME, TECHSTART}


def test_no_token_is_401(server):
    assert_error(requests.get(server.url("/api/audit-logs"), timeout=30), 401)
    assert_error(requests.get(server.url("/api/audit-logs/summary"), timeout=30), 401)


def test_every_mutating_route_of_the_issue_is_audited(server):
    cid, key = new_company(server)
    inc, _ = new_incident(server, key, asset_name=unique("ev"))
    asset = unique("asset")
    base = f"/api/companies/{cid}"
    calls = [
        ("PUT", f"{base}/correlation-config", {"time_window_minutes": 20}),
        ("PUT", f"{base}/rate-limit", {"requests_per_minute": 5000}),
        ("POST", f"{base}/assets", {"name": asset}),
        ("PUT", f"{base}/assets/{asset}", {"is_critical": True}),
        ("DELETE", f"{base}/assets/{asset}", None),
        ("POST", f"{base}/webhook-security/enable", None),
        ("POST", f"{base}/webhook-security/regenerate-secret", None),
        ("POST", f"{base}/webhook-security/disable", None),
        ("POST", f"/api/incidents/{inc['id']}/acknowledge", None),
        ("POST", f"/api/incidents/{inc['id']}/escalate", {"reason": "test"}),
        ("PUT", f"/api/incidents/{inc['id']}", {"status": "resolved"}),
    ]
    admin = server.admin()
    agents = []
    for method, path, body in calls:
        agent = f"audit-test/{unique('ua')}"
        agents.append(agent)
        r = admin.request(method, path, json=body, headers={"User-Agent": agent})
        assert r.status_code < 300, (method, path, r.status_code, r.text)
    entries = _entries(admin, company_id=cid)
    problems = []
    for (method, path, _), agent in zip(calls, agents):
        found = _find(entries, user_agent=agent)
        if len(found) != 1:
            problems.append(f"{method} {path}: {len(found)} entries")
            continue
        e = found[0]
        if e["outcome"] != "success" or e["company_id"] != cid or not e["action"] or not e["resource_type"]:
            problems.append(f"{method} {path}: {e}")
    assert not problems, "\n".join(problems)
    actions = [_find(entries, user_agent=a)[0]["action"] for a in agents]
    # Enable, regenerate and disable are told apart, as are acknowledge and escalate.
    assert len(set(actions[5:8])) == 3, actions
    assert len(set(actions[8:10])) == 2, actions


def test_refused_incident_changes_are_audited_under_the_incident_company(server):
    """A 409 or 403 on an incident is an event of that incident's company: the company's admins
    must find it in their own audit log (company_id = the incident's company, not the MSP's)."""
    key = server.api_key_for(ACME)
    inc, _ = new_incident(server, key, asset_name=unique("ref"))
    agent_409 = f"audit-test/{unique('ua')}"
    agent_403 = f"audit-test/{unique('ua')}"
    r = server.admin().put(f"/api/incidents/{inc['id']}", json={"status": "closed"},
                           headers={"User-Agent": agent_409})
    assert_error(r, 409, "invalid_transition")
    r = as_demo(server, ACME, "client").put(f"/api/incidents/{inc['id']}", json={"status": "resolved"},
                                            headers={"User-Agent": agent_403})
    assert_error(r, 403)
    everything = _entries(server.admin())
    for agent, outcome in ((agent_409, "failure"), (agent_403, "denied")):
        found = _find(everything, user_agent=agent)
        assert len(found) == 1, found
        e = found[0]
        assert e["outcome"] == outcome, e
        assert e["resource_id"] == inc["id"], e
        assert e["company_id"] == ACME, f"audited under {e['company_id']!r}, expected {ACME!r}: {e}"
    acme_view = _entries(as_demo(server, ACME, "company"))
    assert _find(acme_view, user_agent=agent_409) and _find(acme_view, user_agent=agent_403)


def test_path_id_that_is_not_utf8_is_still_audited(server):
    admin = server.admin()
    agent = f"audit-test/{unique('bad-utf8')}"
    r = admin.post("/api/incidents/%ff%00x/acknowledge", json={}, headers={"User-Agent": agent})
    assert_error(r, 404)
    found = _find(_entries(admin), user_agent=agent)
    assert len(found) == 1, found
    _check_entry(found[0])
    assert found[0]["resource_id"] == "\ufffd\u0000x", found[0]
    assert "not valid UTF-8" not in server.stderr()
