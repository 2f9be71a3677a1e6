"""The attacker's probes as standing tests (issue 16 part 9), those not already covered elsewhere:

  - cross-tenant reads and writes on every company-scoped route, generated from the router
    (GET /api/openapi.json): a company admin of Acme gets 403/404 on every route naming
    TechStart (its id, or the id of one of its items), TechStart is unchanged afterwards, and
    nothing of TechStart shows in any of Acme's lists;
  - WebSocket: an Acme client never receives a TechStart frame, also when it asks for one
    (?company_id=, subscribe messages, replay by last_event_id);
  - request smuggling and framing over a raw socket: Content-Length with Transfer-Encoding,
    a Transfer-Encoding that does not end in chunked, two different Content-Lengths, obs-fold;
  - oversized bodies, URLs and headers; deep JSON nesting; a slowloris head.

Covered elsewhere (not repeated): JWT alg none / tampered / expired / rotated refresh
(test_auth.py), deleted and deactivated users' tokens (test_users.py, test_user_deactivation.py),
lockout of known and unknown accounts (test_auth.py), HMAC replay (test_webhook_security.py),
idle connections and the head deadline (test_connection_limits.py), 413 (test_webhook.py),
401 on every route (test_openapi.py)."""

import json
import re
import socket
import time
import uuid

import pytest
import requests
import websocket

from aw_harness import assert_error, demo_user
from helpers3 import page_all

ACME = "comp-acme"
TECHSTART = "comp-techstart"
MISSING = "0000-missing-id"


# -- helpers --------------------------------------------------------------------------------
def _doc(server):
    r = requests.get(server.url("/api/openapi.json"), timeout=30)
    assert r.status_code == 200, r.text[:300]
    return r.json()


def _bearer_routes(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if op.get("security", doc["security"]) == doc["security"]:
                yield method.upper(), path


def _first_id(session, path, params=None, field="id"):
    r = session.get(path, params=params or {})
    assert r.status_code == 200, f"GET {path}: {r.status_code} {r.text[:300]}"
    items = r.json()
    return items[0][field] if items else None


@pytest.fixture(scope="module")
def techstart_items(server):
    """Ids of TechStart items, made or found as the MSP admin."""
    admin = server.admin()
    key = server.api_key_for(TECHSTART)
    r = server.send_alert(key, asset_name=f"ts-probe-{uuid.uuid4().hex[:6]}")
    assert r.status_code == 202, r.text
    incident_id = r.json()["incident_id"]
    r = admin.post("/api/runbooks", json={"company_id": TECHSTART, "name": "ts probe runbook",
                                          "risk_level": "low"})
    assert r.status_code == 201, r.text
    runbook_id = r.json()["id"]
    r = admin.post(f"/api/companies/{TECHSTART}/assets", json={"name": f"ts-asset-{uuid.uuid4().hex[:6]}"})
    assert r.status_code == 201, r.text
    asset_id = r.json().get("id") or r.json()["name"]
    r = admin.post(f"/api/companies/{TECHSTART}/heartbeats", json={"name": "ts beat", "interval_seconds": 600})
    assert r.status_code == 201, r.text
    heartbeat_id = r.json()["id"]
    r = admin.post(f"/api/companies/{TECHSTART}/silences", json={
        "matchers": [{"name": "asset_name", "op": "=", "value": "nothing-matches"}],
        "ends_at": "2030-01-01T00:00:00Z"})
    assert r.status_code == 201, r.text
    silence_id = r.json()["id"]
    r = admin.post(f"/api/companies/{TECHSTART}/maintenance-windows", json={
        "type": "one_off", "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-02T00:00:00Z"})
    assert r.status_code == 201, r.text
    window_id = r.json()["id"]
    email, _ = demo_user(TECHSTART, "tech")
    users, _ = page_all(admin, "/api/users")
    user_id = next(u["id"] for u in users if u["email"] == email)
    schedule_id = _first_id(admin, "/api/on-call-schedules", {"company_id": TECHSTART}) or MISSING
    return {"incident": incident_id, "runbook": runbook_id, "asset": asset_id, "heartbeat": heartbeat_id,
            "silence": silence_id, "window": window_id, "user": user_id, "schedule": schedule_id}


def _fill(path, items):
    """The route with TechStart's ids in its parameters."""
    first = {"/api/incidents/": items["incident"], "/api/runbooks/": items["runbook"],
             "/api/users/": items["user"], "/api/on-call-schedules/": items["schedule"]}
    out = path
    for prefix, value in first.items():
        if path.startswith(prefix + "{id}"):
            out = out.replace("{id}", value, 1)
    out = out.replace("{id}", TECHSTART).replace("{company_id}", TECHSTART)
    for name, value in (("asset_id", items["asset"]), ("heartbeat_id", items["heartbeat"]),
                        ("silence_id", items["silence"]), ("window_id", items["window"])):
        out = out.replace("{" + name + "}", value)
    return re.sub(r"\{[^}]+\}", MISSING, out)


# Valid bodies for the writes that check the body before the caller's scope: the probe must
# be a write that would succeed if the scope check were missing (with a body they refuse,
# these answer 422 before looking at the tenant; see the report of issue 16 part 9).
def _bodies(items):
    return {
        ("PUT", "/api/incidents/{id}"): {"resolution_notes": "written by another tenant"},
        ("POST", "/api/incidents/{id}/execute-runbook"): {"runbook_id": items["runbook"]},
        ("PUT", "/api/on-call-schedules/{id}"): {"name": "renamed by another tenant"},
        ("PUT", "/api/runbooks/{id}"): {"name": "renamed by another tenant"},
    }


def _techstart_state(server, items):
    """What an Acme request must not change: TechStart's settings and items, as the MSP admin."""
    admin = server.admin()
    paths = [f"/api/companies/{TECHSTART}"] + [
        f"/api/companies/{TECHSTART}/{p}" for p in (
            "correlation-config", "escalation-policy", "inhibition-rules", "intake-mapping", "rate-limit",
            "runbook-settings", "sla-config", "webhook-security", "assets", "heartbeats", "silences",
            "maintenance-windows")] + [
        f"/api/runbooks/{items['runbook']}", f"/api/users/{items['user']}", f"/api/chat/{TECHSTART}"]
    state = {}
    for p in paths:
        r = admin.get(p)
        state[p] = (r.status_code, r.json())
    r = admin.get(f"/api/incidents/{items['incident']}")
    inc = r.json()
    state["incident"] = {k: inc.get(k) for k in ("status", "assigned_to", "escalated", "escalation_level",
                                                  "resolution_notes", "version")}
    return state


# -- cross-tenant, every route ----------------------------------------------------------------
def test_every_company_scoped_route_refuses_another_companys_admin(server, techstart_items):
    email, password = demo_user(ACME, "company")
    acme = server.as_user(email, password)
    routes = [(m, p) for m, p in _bearer_routes(_doc(server)) if "{" in p]
    assert len(routes) >= 60, routes
    before = _techstart_state(server, techstart_items)
    failures, seen = [], {}
    bodies = _bodies(techstart_items)
    for method, path in routes:
        url = _fill(path, techstart_items)
        body = bodies.get((method, path), {"company_id": TECHSTART, "name": "x", "message": "x"})
        r = acme.request(method, url, json=body)
        seen[f"{method} {path}"] = r.status_code
        if r.status_code not in (403, 404):
            failures.append(f"{method} {url}: {r.status_code} {r.text[:200]}")
            continue
        body = assert_error(r, r.status_code)
        want = {403: ("forbidden",), 404: ("not_found",)}[r.status_code]
        if not body["code"].endswith(want) and body["code"] not in want:
            failures.append(f"{method} {url}: {r.status_code} with code {body['code']!r}")
        assert TECHSTART not in body["detail"] or r.status_code == 403, body
    assert not failures, "\n".join(failures)
    after = _techstart_state(server, techstart_items)
    changed = [k for k in before if before[k] != after[k]]
    assert not changed, {k: (before[k], after[k]) for k in changed}
    print(f"\n{len(routes)} routes: " + ", ".join(f"{n} x {s}" for s, n in sorted(
        {s: list(seen.values()).count(s) for s in set(seen.values())}.items())))


def test_no_list_shows_another_companys_items(server, techstart_items):
    """Every GET route without a path parameter, plain and asked for TechStart by
    ?company_id=: no TechStart item (nor its id) in what Acme's admin gets."""
    email, password = demo_user(ACME, "company")
    acme = server.as_user(email, password)
    routes = [p for m, p in _bearer_routes(_doc(server)) if m == "GET" and "{" not in p]
    assert len(routes) >= 15, routes
    secrets = [TECHSTART, techstart_items["incident"], techstart_items["runbook"], techstart_items["user"]]
    failures = []
    for path in routes:
        for params in ({}, {"company_id": TECHSTART}):
            r = acme.get(path, params=params)
            if r.status_code == 403 and r.json().get("detail") == "this action needs an MSP admin":
                continue
            if r.status_code in (403, 404) and params:
                assert_error(r, r.status_code)
                continue
            if r.status_code != 200:
                failures.append(f"GET {path} {params}: {r.status_code} {r.text[:200]}")
                continue
            leaked = [s for s in secrets if s in r.text]
            if leaked:
                failures.append(f"GET {path} {params}: shows {leaked}: {r.text[:300]}")
    assert not failures, "\n".join(failures)


def test_a_user_of_two_companies_shows_one_companys_admin_only_that_company(server):
    """Found by the list probe: Acme's admin listed users and saw every company id of a user
    who also belongs to TechStart (the MSP admin, a technician of both)."""
    user, _, _ = server.create_user(role="technician", company_ids=(ACME, TECHSTART))
    acme = server.as_user(*demo_user(ACME, "company"))
    users, _ = page_all(acme, "/api/users")
    listed = next(u for u in users if u["id"] == user["id"])
    assert listed["company_ids"] == [ACME], listed
    r = acme.get(f"/api/users/{user['id']}")
    assert r.status_code == 200 and r.json()["company_ids"] == [ACME], r.text
    assert all(u["company_ids"] == [ACME] or set(u["company_ids"]) <= {ACME} for u in users), users
    # The MSP admin still sees both.
    r = server.admin().get(f"/api/users/{user['id']}")
    assert sorted(r.json()["company_ids"]) == sorted([ACME, TECHSTART]), r.text


# -- WebSocket ----------------------------------------------------------------------------------
def _ws(server, token, **params):
    q = "&".join(f"{k}={v}" for k, v in {"token": token, **params}.items())
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/ws?{q}", timeout=10)
    hello = json.loads(ws.recv())
    assert hello["type"] == "connected", hello
    return ws


def _drain(ws, until, timeout=5):
    """Frames until one matches `until` (returned last) or the timeout."""
    frames, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            text = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        if not text or text == "pong":
            continue
        f = json.loads(text)
        frames.append(f)
        if until(f):
            return frames
    raise AssertionError(f"no matching frame within {timeout}s; got {[json.dumps(f)[:300] for f in frames]}")


def test_websocket_client_never_gets_another_companys_frames_even_when_asking(server):
    email, password = demo_user(ACME, "company")
    token = server.login(email, password)
    ts_admin = server.as_user(*demo_user(TECHSTART, "company"))
    acme_key, ts_key = server.api_key_for(ACME), server.api_key_for(TECHSTART)
    # Asks for TechStart in every way a client might: query, subscribe messages, auth with company.
    ws = _ws(server, token, company_id=TECHSTART, company_ids=TECHSTART)
    for msg in ({"type": "subscribe", "company_id": TECHSTART}, {"type": "subscribe", "companies": [TECHSTART]},
                {"type": "auth", "token": token, "company_id": TECHSTART}):
        ws.send(json.dumps(msg))
    try:
        first_id = None
        r = server.send_alert(ts_key, asset_name=f"ts-ws-{uuid.uuid4().hex[:6]}")
        assert r.status_code == 202, r.text
        assert ts_admin.post(f"/api/chat/{TECHSTART}", json={"message": "techstart only"}).status_code in (200, 201)
        r = server.send_alert(acme_key, asset_name=f"acme-ws-{uuid.uuid4().hex[:6]}")
        assert r.status_code == 202, r.text
        mark = r.json()["alert_id"]
        frames = _drain(ws, lambda f: f.get("type") == "alert_received" and f["data"].get("id") == mark)
        for f in frames:
            assert TECHSTART not in json.dumps(f), f
        first_id = min((f["id"] for f in frames if isinstance(f.get("id"), int)), default=None)
    finally:
        ws.close()
    # A replay from before those events (last_event_id) holds none of TechStart's either.
    assert first_id is not None
    ws = _ws(server, token, last_event_id=first_id - 1, company_id=TECHSTART)
    try:
        frames = _drain(ws, lambda f: f.get("type") == "alert_received" and f["data"].get("id") == mark)
        for f in frames:
            assert TECHSTART not in json.dumps(f), f
    finally:
        ws.close()


# -- framing and smuggling over a raw socket ----------------------------------------------------------
def _raw(server, data, wait=5):
    """Sends bytes; returns (status line, body, whether the server closed the connection)."""
    c = socket.create_connection(("127.0.0.1", server.port), timeout=wait)
    out, closed = b"", False
    try:
        c.sendall(data)
        while True:
            b = c.recv(65536)
            if not b:
                closed = True
                break
            out += b
            head, _, body = out.partition(b"\r\n\r\n")
            m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
            if m and len(body) >= int(m.group(1)) and b"connection: close" not in head.lower():
                break
    except socket.timeout:
        pass
    finally:
        c.close()
    head, _, body = out.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0].decode(), body, closed


def _post(key, extra, body):
    return (b"POST /api/webhooks/alerts HTTP/1.1\r\nHost: t\r\nX-API-Key: " + key.encode() +
            b"\r\nContent-Type: application/json\r\n" + extra + b"\r\n" + body)


ALERT = json.dumps({"asset_name": "smuggle", "signature": "s", "severity": "low", "message": "m"}).encode()
SMUGGLED = b"GET /api/companies HTTP/1.1\r\nHost: t\r\n\r\n"


@pytest.mark.parametrize("name,extra,body", [
    ("content-length and chunked", b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n" % len(ALERT), ALERT),
    ("chunked and content-length", b"Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
     b"%x\r\n" % len(ALERT) + ALERT + b"\r\n0\r\n\r\n"),
    ("two content-lengths", b"Content-Length: %d\r\nContent-Length: 4\r\n" % len(ALERT), ALERT),
    ("content-length list", b"Content-Length: %d, 4\r\n" % len(ALERT), ALERT),
    ("transfer-encoding not ending in chunked", b"Transfer-Encoding: xchunked\r\nContent-Length: %d\r\n"
     % len(ALERT), ALERT),
    ("transfer-encoding identity", b"Transfer-Encoding: identity\r\nContent-Length: %d\r\n" % len(ALERT), ALERT),
    ("space before the colon", b"Content-Length : %d\r\n" % len(ALERT), ALERT),
    ("negative content-length", b"Content-Length: -1\r\n", ALERT),
])
def test_ambiguous_framing_is_400_and_closes(server, api_key_for, name, extra, body):
    status, text, closed = _raw(server, _post(api_key_for(ACME), extra, body + SMUGGLED))
    assert status == "HTTP/1.1 400 Bad Request", (name, status, text[:300])
    assert json.loads(text)["code"] == "bad_request", text
    assert closed, f"{name}: the connection must be closed after an ambiguous request"


def test_obs_fold_cannot_hide_a_second_length(server, api_key_for):
    """A folded Content-Length ("4" folded onto a second line) is refused, and a fold never
    turns into a header of its own."""
    status, text, _ = _raw(server, _post(api_key_for(ACME), b"Content-Length: %d\r\n 4\r\n" % len(ALERT),
                                         ALERT + SMUGGLED))
    assert status == "HTTP/1.1 400 Bad Request", (status, text[:300])
    assert json.loads(text)["code"] == "bad_request"
    # A fold in another header is joined to its value (RFC 9112 5.2), not read as a header.
    status, text, _ = _raw(server, b"GET /api/health HTTP/1.1\r\nHost: t\r\nX-Note: a\r\n"
                                   b" Authorization: Bearer x\r\n\r\n")
    assert status == "HTTP/1.1 200 OK", status


def test_chunked_alone_is_read_whole_and_nothing_after_it_is_smuggled(server, api_key_for):
    body = b"%x\r\n" % len(ALERT) + ALERT + b"\r\n0\r\n\r\n"
    c = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        c.sendall(_post(api_key_for(ACME), b"Transfer-Encoding: chunked\r\n", body) + SMUGGLED)
        time.sleep(1)
        data = c.recv(1 << 20)
    finally:
        c.close()
    answers = re.findall(rb"HTTP/1.1 (\d{3})", data)
    # The alert, then the pipelined GET on its own: it has no token, so 401.
    assert answers[:2] == [b"202", b"401"], data[:500]


# -- sizes and nesting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name,data", [
    ("url of 20 KB", b"GET /api/health?" + b"a" * 20000 + b" HTTP/1.1\r\nHost: t\r\n\r\n"),
    ("header of 70 KB", b"GET /api/health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n"),
    ("2,000 headers", b"GET /api/health HTTP/1.1\r\nHost: t\r\n" +
     b"".join(b"X-H%d: vvvvvvvv\r\n" % i for i in range(2000)) + b"\r\n"),
])
def test_oversized_heads_are_431_with_a_sentence(server, name, data):
    status, text, closed = _raw(server, data)
    assert status == "HTTP/1.1 431 Request Header Fields Too Large", (name, status)
    body = json.loads(text)
    assert body["code"] == "header_too_large" and "16384 bytes" in body["detail"], body
    assert closed
    assert requests.get(server.url("/api/health"), timeout=5).status_code == 200


@pytest.mark.parametrize("doc", [
    "[" * 100000 + "]" * 100000,
    '{"asset_name":"a","signature":"s","severity":"low","message":"m","metadata":' + '{"a":' * 5000 + "1"
    + "}" * 5000 + "}",
])
def test_deep_nesting_is_invalid_json_naming_the_limit(server, api_key_for, doc):
    r = requests.post(server.url("/api/webhooks/alerts"), data=doc,
                      headers={"X-API-Key": api_key_for(ACME), "Content-Type": "application/json"}, timeout=30)
    body = assert_error(r, 400, "invalid_json")
    assert "nesting deeper than 64 levels" in body["detail"], body
    r = server.admin().put(f"/api/companies/{ACME}/sla-config", data="[" * 500000,
                           headers={"Content-Type": "application/json"})
    assert_error(r, 400, "invalid_json")


# -- slowloris ---------------------------------------------------------------------------------------------
def test_slowloris_trickle_cannot_keep_a_head_open(server_factory):
    """A head sent one byte every 200 ms is cut at the head deadline (AW_HEADER_TIMEOUT_SECONDS,
    here 1 s), however steadily the bytes come; other clients are served meanwhile."""
    srv = server_factory.start(env={"AW_HEADER_TIMEOUT_SECONDS": "1"})
    c = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    head = b"GET /api/health HTTP/1.1\r\nHost: t\r\n" + b"X-Pad: " + b"a" * 200
    t0, cut = time.monotonic(), None
    try:
        for i, ch in enumerate(head):
            if i == 3:  # meanwhile others are served
                assert requests.get(srv.url("/api/health"), timeout=5).status_code == 200
            try:
                c.sendall(bytes([ch]))
            except OSError:
                cut = time.monotonic() - t0
                break
            c.settimeout(0.2)
            try:
                if c.recv(65536) == b"":
                    cut = time.monotonic() - t0
                    break
            except socket.timeout:
                pass
            except OSError:
                cut = time.monotonic() - t0
                break
    finally:
        c.close()
    assert cut is not None, "a trickled head was kept open for the whole trickle"
    assert cut < 3, f"cut after {cut:.1f}s"
