"""GET /api/alerts: shape, order, filters, scope and cursor paging."""

import concurrent.futures

import pytest

from aw_harness import assert_error, demo_user, new_alert

ALERT_FIELDS = ("id", "company_id", "asset_name", "signature", "severity", "message",
                "tool_source", "status", "timestamp", "delivery_attempts")


@pytest.fixture(scope="module")
def paged_company(server):
    """A company of its own holding exactly 25 alerts, sent one after another."""
    company = server.create_company()
    ids = []
    for i in range(25):
        r = server.send_alert(company["api_key"], message=f"paging alert {i}")
        assert r.status_code == 202, r.text
        ids.append(r.json()["alert_id"])
    return company["id"], ids


def _get(session, **params):
    r = session.get("/api/alerts", params=params)
    assert r.status_code == 200, r.text
    return r


def test_alert_shape_and_newest_first(server, paged_company):
    cid, ids = paged_company
    alerts = _get(server.admin(), company_id=cid).json()
    assert isinstance(alerts, list)
    assert [a["id"] for a in alerts] == list(reversed(ids))
    for a in alerts:
        for f in ALERT_FIELDS:
            assert f in a, f"alert lacks {f}: {a}"
        assert a["company_id"] == cid
        assert a["status"] == "active"
        assert a["delivery_attempts"] == 1
    stamps = [a["timestamp"] for a in alerts]
    assert stamps == sorted(stamps, reverse=True)


def test_paging_round_trips_without_duplicates(server, paged_company):
    cid, ids = paged_company
    s = server.admin()
    seen, sizes, cursor = [], [], None
    for _ in range(20):
        params = {"company_id": cid, "limit": 7}
        if cursor:
            params["cursor"] = cursor
        r = _get(s, **params)
        sizes.append(len(r.json()))
        seen += [a["id"] for a in r.json()]
        cursor = r.headers.get("X-Next-Cursor")
        if not cursor:
            break
    assert sizes == [7, 7, 7, 4], sizes
    assert seen == list(reversed(ids))


def test_last_page_has_no_cursor(server, paged_company):
    cid, _ = paged_company
    r = _get(server.admin(), company_id=cid, limit=25)
    assert len(r.json()) == 25
    if "X-Next-Cursor" in r.headers:  # allowed once; the page it points at must be empty
        r2 = _get(server.admin(), company_id=cid, limit=25, cursor=r.headers["X-Next-Cursor"])
        assert r2.json() == []
        assert "X-Next-Cursor" not in r2.headers
    r = _get(server.admin(), company_id=cid, limit=500)
    assert len(r.json()) == 25
    assert "X-Next-Cursor" not in r.headers


def test_default_limit_is_100(server):
    company = server.create_company()
    key = company["api_key"]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda i: server.send_alert(key, message=f"bulk {i}").status_code,
                              range(105)))
    assert codes == [202] * 105
    r = _get(server.admin(), company_id=company["id"])
    assert len(r.json()) == 100
    assert r.headers.get("X-Next-Cursor")
    rest = _get(server.admin(), company_id=company["id"], cursor=r.headers["X-Next-Cursor"])
    assert len(rest.json()) == 5
    assert not ({a["id"] for a in r.json()} & {a["id"] for a in rest.json()})


@pytest.mark.parametrize("limit", ["0", "-1", "501", "abc", "1.5"])
def test_limit_out_of_range_is_422(server, limit):
    r = server.admin().get("/api/alerts", params={"limit": limit})
    assert_error(r, 422, mentions="limit")


@pytest.mark.parametrize("limit", ["1", "500"])
def test_limit_bounds_are_accepted(server, paged_company, limit):
    cid, _ = paged_company
    r = _get(server.admin(), company_id=cid, limit=limit)
    assert len(r.json()) == min(int(limit), 25)


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "x" * 3000])
def test_bad_cursor_is_a_client_error(server, cursor):
    r = server.admin().get("/api/alerts", params={"company_id": "comp-acme", "cursor": cursor})
    assert_error(r, (400, 422))


def test_admin_without_company_id_sees_all_companies(server):
    sent = {}
    for cid in ("comp-acme", "comp-techstart", "comp-global"):
        r = server.send_alert(server.api_key_for(cid))
        assert r.status_code == 202, r.text
        sent[r.json()["alert_id"]] = cid
    alerts = _get(server.admin(), limit=500).json()
    listed = {a["id"]: a["company_id"] for a in alerts}
    for alert_id, cid in sent.items():
        assert listed.get(alert_id) == cid


@pytest.mark.parametrize("kind", ["company", "tech", "client"])
def test_company_users_see_only_their_alerts(server, kind):
    acme = server.send_alert(server.api_key_for("comp-acme")).json()["alert_id"]
    other = server.send_alert(server.api_key_for("comp-techstart")).json()["alert_id"]
    s = server.as_user(*demo_user("comp-acme", kind))
    alerts = _get(s, limit=500).json()
    assert {a["company_id"] for a in alerts} == {"comp-acme"}
    ids = {a["id"] for a in alerts}
    assert acme in ids and other not in ids
    assert acme in {a["id"] for a in _get(s, company_id="comp-acme", limit=500).json()}


def test_status_filter(server, paged_company):
    cid, ids = paged_company
    active = _get(server.admin(), company_id=cid, status="active", limit=500).json()
    assert {a["id"] for a in active} == set(ids)
    assert _get(server.admin(), company_id=cid, status="resolved", limit=500).json() == []


def test_unknown_status_filter_is_rejected_or_empty(server):
    r = server.admin().get("/api/alerts", params={"company_id": "comp-acme", "status": "bogus"})
    if r.status_code == 200:
        assert r.json() == []
    else:
        assert_error(r, 422, mentions="status")


def test_unknown_company_filter(server):
    r = server.admin().get("/api/alerts", params={"company_id": "comp-does-not-exist"})
    if r.status_code == 200:
        assert r.json() == []
    else:
        assert_error(r, 404)


def test_alerts_with_fields_round_trip_through_list(server):
    key = server.api_key_for("comp-global")
    body = new_alert(severity="low", metadata={"k": "v", "n": 1})
    alert_id = server.send_alert(key, **body).json()["alert_id"]
    got = [a for a in _get(server.admin(), company_id="comp-global", limit=500).json()
           if a["id"] == alert_id]
    assert len(got) == 1
    assert got[0]["severity"] == "low"
    assert got[0]["message"] == body["message"]
    if "metadata" in got[0]:
        assert got[0]["metadata"] == {"k": "v", "n": 1}


def _page_all(session, limit, **params):
    seen, cursor = [], None
    for _ in range(1000):
        q = dict(params, limit=limit)
        if cursor:
            q["cursor"] = cursor
        r = _get(session, **q)
        assert len(r.json()) <= limit
        seen += r.json()
        cursor = r.headers.get("X-Next-Cursor")
        if not cursor:
            return seen
    raise AssertionError("paging did not end")


def test_paging_across_all_companies_round_trips(server, paged_company):
    for cid in ("comp-acme", "comp-techstart", "comp-global"):
        for _ in range(4):
            assert server.send_alert(server.api_key_for(cid)).status_code == 202
    s = server.admin()
    small = _page_all(s, 13)
    ids = [a["id"] for a in small]
    assert len(ids) == len(set(ids)), "an alert came twice across pages"
    assert set(ids) == {a["id"] for a in _page_all(s, 500)}
    assert len({a["company_id"] for a in small}) >= 4
    stamps = [a["timestamp"] for a in small]
    assert stamps == sorted(stamps, reverse=True), "not newest first across companies"
