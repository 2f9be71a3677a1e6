"""GET /api/ready: readiness for load balancers (no token), against GET /api/health (liveness).

Ready when the store answers and every background task runs and is not late; otherwise 503 with
the reasons and Retry-After (the store-down case: test_dynamodb_faults.py, through the fault proxy).
"""

import requests

EXPECTED_TASKS = {"incident-response worker", "approval expiry"}


def test_ready_names_the_background_tasks(server):
    r = requests.get(server.url("/api/ready"), timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    names = {w["name"] for w in body["workers"]}
    assert EXPECTED_TASKS <= names, names
    for w in body["workers"]:
        assert w["running"] is True and w["late"] is False, w
        assert w["seconds_since_last_run"] >= 0
    # Public like /api/health, and listed so in the OpenAPI document.
    doc = requests.get(server.url("/api/openapi.json"), timeout=30).json()
    assert doc["paths"]["/api/ready"]["get"].get("security") == []
