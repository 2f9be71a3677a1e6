"""Durability under SIGKILL (issue 15, part 2): the server is killed with SIGKILL while many senders
post alerts, then restarted on the same data directory, several times. Every alert that got a 2xx is
stored, each correlation key has one incident (no duplicate from a half-written unit), and a repeat of
an acknowledged alert after the restart is recognised as one (its repeat claim survives the restart:
on the embedded store it is written in the same batch as the alert).

Runs on every store; it matters most on the embedded ones, where the 202 promises that the alert's
batch was fsynced to the write-ahead log before the answer."""

import concurrent.futures
import random
import threading
import time
import uuid

import requests

from helpers3 import new_company, page_all

ROUNDS = 3
SENDERS = 8
HOSTS = 4
INTAKE_SECONDS = 1.5


def _sender(srv_url, key, run, n, stop, acked):
    """Posts alerts until `stop` is set or the server is gone; records every 2xx."""
    s = requests.Session()
    i = 0
    while not stop.is_set():
        body = {"asset_name": f"host-{run}-{(n + i) % HOSTS}", "signature": "disk_full", "severity": "high",
                "message": f"{run} sender {n} alert {i}", "tool_source": "pytest"}
        delivery = f"{run}-{n}-{i}"
        i += 1
        try:
            r = s.post(srv_url + "/api/webhooks/alerts", json=body,
                       headers={"X-API-Key": key, "X-Delivery-ID": delivery}, timeout=10)
        except requests.RequestException:
            return  # killed mid-request: this alert was never acknowledged
        if 200 <= r.status_code < 300:
            acked.append((delivery, body, r.json()))
        elif r.status_code >= 500 and r.status_code != 503:
            raise AssertionError(f"webhook answered {r.status_code}: {r.text}")


def test_sigkill_under_concurrent_intake_loses_no_acknowledged_alert(server_factory):
    started = time.monotonic()
    srv = server_factory.start()
    cid, key = new_company(srv)
    r = srv.admin().put(f"/api/companies/{cid}/rate-limit", json={"enabled": False})
    assert r.status_code == 200, r.text
    run = uuid.uuid4().hex[:8]
    acked_all = []
    for round_no in range(ROUNDS):
        stop = threading.Event()
        acked = []
        with concurrent.futures.ThreadPoolExecutor(SENDERS) as pool:
            futures = [pool.submit(_sender, srv.base_url, key, f"{run}r{round_no}", n, stop, acked)
                       for n in range(SENDERS)]
            time.sleep(INTAKE_SECONDS)
            srv.proc.kill()  # SIGKILL: no shutdown, no flush
            srv.proc.wait()
            stop.set()
            for f in futures:
                f.result()
        assert acked, f"round {round_no}: no alert was acknowledged before the kill"
        print(f"round {round_no}: {len(acked)} alerts acknowledged before SIGKILL")
        acked_all.extend(acked)
        srv.start()  # same data directory: recovers from the WAL

        # Every acknowledged alert of every round so far is stored.
        stored, _ = page_all(srv.admin(), "/api/alerts", {"company_id": cid})
        stored_ids = {a["id"] for a in stored}
        missing = [(d, resp["alert_id"]) for d, _, resp in acked_all if resp["alert_id"] not in stored_ids]
        assert not missing, f"round {round_no}: {len(missing)} acknowledged alerts lost, e.g. {missing[:3]}"

        # One incident per correlation key (asset|signature), across every restart.
        incidents, _ = page_all(srv.admin(), "/api/incidents", {"company_id": cid})
        per_host = {}
        for _, body, resp in acked_all:
            per_host.setdefault(body["asset_name"], set()).add(resp["incident_id"])
        dup = {h: ids for h, ids in per_host.items() if len(ids) != 1}
        assert not dup, f"round {round_no}: a correlation key got several incidents: {dup}"
        assert len(incidents) == len(per_host), (len(incidents), sorted(per_host))

        # Repeats of acknowledged alerts are recognised after the restart: the last ones
        # acknowledged before the kill (the most at risk) and a sample of the others.
        sample = acked[-10:] + random.sample(acked_all, min(10, len(acked_all)))
        s = requests.Session()
        for delivery, body, resp in sample:
            again = s.post(srv.url("/api/webhooks/alerts"), json=body,
                           headers={"X-API-Key": key, "X-Delivery-ID": delivery}, timeout=10)
            assert again.status_code == 202, again.text
            assert again.json()["duplicate"] is True, (delivery, again.json())
            assert again.json()["alert_id"] == resp["alert_id"]
    srv.stop_and_check()
    assert time.monotonic() - started < 90, "the kill -9 test should stay well under 90 s"
