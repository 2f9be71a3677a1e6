"""GET /api/openapi.json lists every route, and every route it marks as needing a
bearer token really refuses a call without one (or with a forged one). Because the
document is built from the router itself, this covers routes added later too."""

import re

import requests

from aw_harness import assert_error

FORGED = "eyJhbGciOiJub25lIn0.e30."


def _doc(server):
    r = requests.get(server.url("/api/openapi.json"), timeout=30)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def _bearer_routes(doc):
    out = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if op.get("security", doc["security"]) == doc["security"]:
                out.append((method.upper(), re.sub(r"\{[^}]+\}", "comp-acme", path)))
    return out


def test_document_is_public_and_names_the_core_routes(server):
    doc = _doc(server)
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path, method in [("/api/auth/login", "post"), ("/api/companies/{id}", "get"),
                         ("/api/webhooks/alerts", "post"), ("/api/alerts", "get"),
                         ("/api/incidents/{id}", "get"), ("/api/health", "get"), ("/ws", "get")]:
        assert method in paths.get(path, {}), f"{method.upper()} {path} missing from the document"
    # Path parameters are declared.
    params = paths["/api/companies/{id}"]["get"]["parameters"]
    assert params == [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    # Public routes say so; the webhook names its API key schemes.
    assert paths["/api/auth/login"]["post"]["security"] == []
    assert {"apiKeyHeader": []} in paths["/api/webhooks/alerts"]["post"]["security"]
    ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def test_every_bearer_route_refuses_a_missing_or_forged_token(server):
    routes = _bearer_routes(_doc(server))
    assert len(routes) >= 40, routes
    failures = []
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer " + FORGED}):
            r = requests.request(method, server.url(path), json={"name": "x"}, headers=headers, timeout=30)
            if r.status_code != 401:
                failures.append(f"{method} {path} {headers and 'forged' or 'no token'}: {r.status_code}")
            else:
                assert_error(r, 401)
    assert not failures, "\n".join(failures)
