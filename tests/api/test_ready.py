"""GET /api/ready: readiness for load balancers (no token), against GET /api/health (liveness).

Ready when the store answers and every background task runs and is not late; otherwise 503 with
the reasons and Retry-After (the store-down case: test_dynamodb_faults.py, through the fault proxy).
"""

import time

import pytest
import requests

from aw_harness import DYNAMODB_ENDPOINT
from fakes.fault_proxy import FaultProxy

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


@pytest.mark.dynamodb_only
def test_ready_answers_503_promptly_while_the_store_hangs(server_factory):
    """A store that does not answer makes /api/ready answer 503 within its 2 s probe timeout
    (it used to hang as long as the store did), checks meanwhile share the one hung probe, and
    it is ready again once the store answers. DynamoDB pass: the fault proxy delays only the
    readiness probe's read by 8 s."""
    proxy = FaultProxy(DYNAMODB_ENDPOINT, seed=12).start()
    srv = server_factory.start(env={"DYNAMODB_ENDPOINT": proxy.url})
    try:
        assert requests.get(srv.url("/api/ready"), timeout=30).status_code == 200
        proxy.set_faults(latency=1.0, latency_ms=8000, body_contains=b"readiness_probe")
        for _ in range(2):
            start = time.monotonic()
            r = requests.get(srv.url("/api/ready"), timeout=30)
            took = time.monotonic() - start
            assert r.status_code == 503, r.text
            assert took < 4.5, f"/api/ready took {took:.1f} s"
            assert any("did not answer a point read within 2000 ms" in x for x in r.json()["reasons"]), r.json()
            assert r.headers.get("Retry-After") == "5"
        # Health never touches the store.
        assert requests.get(srv.url("/api/health"), timeout=5).status_code == 200
        proxy.set_faults()
        deadline = time.monotonic() + 20
        while requests.get(srv.url("/api/ready"), timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "not ready again after the store answered"
            time.sleep(0.5)
        # Only the probe's reads were delayed: a handful, not one per check.
        counts, _ = proxy.snapshot()
        assert 1 <= counts.get("latency", 0) <= 4, counts
    finally:
        proxy.set_faults()
        srv.stop_and_check()
        proxy.stop()
